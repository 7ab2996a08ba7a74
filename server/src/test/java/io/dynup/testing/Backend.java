package io.dynup.testing;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback HTTP/1.x upstream for integration tests: blocking sockets, one thread per connection, so a handler
 * can misbehave on purpose (send garbage, stop mid-body, never answer) in straight-line code. It counts what the
 * tests assert on: connections accepted and still open, requests, bytes of response written.
 *
 * <p>Every socket read is bounded by {@link #SO_TIMEOUT_MS}, so a stuck test ends instead of hanging the build.
 */
public final class Backend implements AutoCloseable {

    static final int SO_TIMEOUT_MS = 30_000;

    /** Answers one request; the body not read by the handler is drained afterwards. */
    @FunctionalInterface
    public interface Handler {
        void handle(Request request, Responder response) throws IOException;
    }

    /**
     * A request as the backend received it; {@link #body()} streams the payload (framing removed).
     *
     * @param connection the number of the connection it came on, from 1 in accept order
     * @param sequence   its number on that connection, from 1
     */
    public record Request(HttpStreams.Head head, InputStream body, int connection, int sequence) {

        public String method() {
            return head.startLine().split(" ", 3)[0];
        }

        public String uri() {
            return head.startLine().split(" ", 3)[1];
        }

        public String version() {
            return head.startLine().split(" ", 3)[2];
        }

        public String header(String name) {
            return head.header(name);
        }

        public byte[] readBody() throws IOException {
            return body.readAllBytes();
        }

        /** HTTP/1.1 without Connection: close, or HTTP/1.0 with Connection: keep-alive. */
        public boolean keepAlive() {
            if (head.connectionHas("close")) {
                return false;
            }
            return version().equals("HTTP/1.1") || head.connectionHas("keep-alive");
        }
    }

    /** Writes the answer of one request. */
    public static final class Responder {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final Request request;
        boolean close;

        Responder(Socket socket, InputStream in, OutputStream out, Request request) {
            this.socket = socket;
            this.in = in;
            this.out = out;
            this.request = request;
        }

        /** {@code status} with a text body and Content-Length; the connection stays open if the request allows. */
        public void respond(int status, String body) throws IOException {
            respond(status, "", body.getBytes(StandardCharsets.UTF_8));
        }

        /** {@code extraHeaders} is zero or more {@code "Name: value\r\n"} lines. */
        public void respond(int status, String extraHeaders, byte[] body) throws IOException {
            close |= !request.keepAlive();
            String head = "HTTP/1.1 " + status + " " + reason(status) + "\r\n"
                          + "Server: backend\r\nDate: Thu, 01 Jan 1970 00:00:00 GMT\r\n"
                          + "Content-Length: " + body.length + "\r\n" + extraHeaders
                          + (close ? "Connection: close\r\n" : "") + "\r\n";
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            if (!request.method().equals("HEAD")) {
                out.write(body);
            }
            out.flush();
        }

        /** Bytes as they are, flushed; the handler owns framing and keep-alive. */
        public void raw(String ascii) throws IOException {
            raw(ascii.getBytes(StandardCharsets.ISO_8859_1));
        }

        public void raw(byte[] bytes) throws IOException {
            out.write(bytes);
            out.flush();
        }

        /** The stream to write to directly (buffered; flush when done). */
        public OutputStream out() {
            return out;
        }

        /** Close the connection after this request. */
        public void closeAfter() {
            close = true;
        }

        /** Never answer: wait until the other side closes the connection (bounded by the socket timeout). */
        public void hangUntilClosed() throws IOException {
            close = true;
            try {
                while (in.read() >= 0) {
                    // whatever arrives is ignored
                }
            } catch (SocketException e) {
                // reset by the proxy: closed as well
            }
        }

        public Socket socket() {
            return socket;
        }
    }

    private final ServerSocket server;
    private final Handler handler;
    private final Thread acceptor;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger requestCount = new AtomicInteger();
    private final AtomicLong bytesWritten = new AtomicLong();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private Backend(ServerSocket server, Handler handler) {
        this.server = server;
        this.handler = handler;
        this.acceptor = new Thread(this::acceptLoop, "backend-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A backend on a free loopback port. */
    public static Backend start(Handler handler) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        return new Backend(s, handler);
    }

    /** A backend answering every request with 200 and {@code body}. */
    public static Backend text(String body) throws IOException {
        return start((req, res) -> res.respond(200, body));
    }

    /**
     * A backend behind health checks: answers {@code checkPath} with 200 "ok", or while {@code failing} with
     * {@code failStatus} "failing"; any other request with its {@code name}, or while failing by closing the
     * connection unanswered (an error the proxy retries on another peer).
     */
    public static Backend checked(String name, String checkPath, int failStatus, AtomicBoolean failing)
            throws IOException {
        return start((req, res) -> {
            boolean fails = failing.get();
            if (req.uri().equals(checkPath)) {
                res.respond(fails ? failStatus : 200, fails ? "failing" : "ok");
            } else if (fails) {
                res.closeAfter();
            } else {
                res.respond(200, name);
            }
        });
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code 127.0.0.1:port}, as an upstream {@code server} line wants it. */
    public String address() {
        return "127.0.0.1:" + port();
    }

    /** Connections accepted since start. */
    public int accepted() {
        return accepted.get();
    }

    /** Connections not yet closed (by either side). */
    public int open() {
        return open.get();
    }

    public int requestCount() {
        return requestCount.get();
    }

    /** Response bytes handed to the socket so far. */
    public long bytesWritten() {
        return bytesWritten.get();
    }

    /** Received request heads, in arrival order (bodies are not kept). */
    public List<Request> requests() {
        return requests;
    }

    /** Unexpected handler failures (a peer closing mid-answer is expected and not listed). */
    public List<Throwable> errors() {
        return errors;
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                return;
            }
            int n = accepted.incrementAndGet();
            open.incrementAndGet();
            sockets.add(s);
            Thread t = new Thread(() -> serve(s, n), "backend-" + port() + "-conn-" + n);
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(Socket s, int connection) {
        try (s) {
            s.setSoTimeout(SO_TIMEOUT_MS);
            s.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(s.getInputStream(), 64 * 1024);
            OutputStream out = new BufferedOutputStream(new FilterOutputStream(s.getOutputStream()) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                    bytesWritten.addAndGet(len);
                }
            }, 64 * 1024);
            int sequence = 0;
            while (!closed) {
                HttpStreams.Head head = HttpStreams.readHead(in);
                if (head == null) {
                    return;
                }
                InputStream body = head.chunked() ? HttpStreams.chunked(in)
                        : HttpStreams.fixed(in, Math.max(0, head.contentLength()));
                Request req = new Request(head, body, connection, ++sequence);
                requests.add(req);
                requestCount.incrementAndGet();
                Responder res = new Responder(s, in, out, req);
                handler.handle(req, res);
                out.flush();
                if (res.close) {
                    return;
                }
                body.transferTo(OutputStream.nullOutputStream());
            }
        } catch (SocketException | java.io.EOFException e) {
            // the proxy closed or reset the connection: a normal end for these tests
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                errors.add(e);
            }
        } finally {
            sockets.remove(s);
            open.decrementAndGet();
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    static String reason(int status) {
        switch (status) {
            case 200: return "OK";
            case 204: return "No Content";
            case 304: return "Not Modified";
            case 404: return "Not Found";
            case 500: return "Internal Server Error";
            case 502: return "Bad Gateway";
            case 503: return "Service Unavailable";
            default: return "Status";
        }
    }
}

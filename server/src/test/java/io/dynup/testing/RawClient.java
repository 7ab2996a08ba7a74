package io.dynup.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.LongConsumer;

/**
 * A client that writes requests as raw bytes and reads responses strictly (so a framing error of the proxy
 * fails the test). Every read is bounded by a socket timeout.
 */
public final class RawClient implements AutoCloseable {

    public static final int SO_TIMEOUT_MS = 10_000;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawClient(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(SO_TIMEOUT_MS);
        socket.setTcpNoDelay(true);
        this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        this.out = socket.getOutputStream();
    }

    public static RawClient connect(int port) throws IOException {
        return new RawClient(new Socket(InetAddress.getLoopbackAddress(), port));
    }

    /**
     * With a fixed receive buffer, set before connecting so the kernel does not grow it: a test that stops
     * reading then bounds how much the kernel holds for it.
     */
    public static RawClient connect(int port, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(receiveBuffer);
        s.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), SO_TIMEOUT_MS);
        return new RawClient(s);
    }

    /** One request on a new connection, the response read whole. */
    public static Response exchange(int port, String request) throws IOException {
        try (RawClient c = connect(port)) {
            c.send(request);
            return c.read(request.startsWith("HEAD "));
        }
    }

    /** {@code GET path HTTP/1.1} with {@code Host: host} on a new connection. */
    public static Response get(int port, String host, String path) throws IOException {
        return exchange(port, "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
    }

    public RawClient send(String ascii) throws IOException {
        return send(ascii.getBytes(StandardCharsets.ISO_8859_1));
    }

    public RawClient send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    public OutputStream out() {
        return out;
    }

    public InputStream in() {
        return in;
    }

    public Socket socket() {
        return socket;
    }

    /** Reads one response to a non-HEAD request, keeping the body. */
    public Response read() throws IOException {
        return read(false);
    }

    public Response read(boolean headRequest) throws IOException {
        HttpStreams.Head head = readHead();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        long n = readBody(head, headRequest, body, p -> { });
        return new Response(head, body.toByteArray(), n, null);
    }

    /**
     * Reads one response with a large body into a SHA-256 digest, telling {@code progress} the payload bytes read
     * so far after every read (a test may block in it to stall the reader).
     */
    public Response readDigest(LongConsumer progress) throws IOException {
        HttpStreams.Head head = readHead();
        MessageDigest md = sha256();
        OutputStream sink = new OutputStream() {
            @Override
            public void write(int b) {
                md.update((byte) b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                md.update(b, off, len);
            }
        };
        long n = readBody(head, false, sink, progress);
        return new Response(head, new byte[0], n, HexFormat.of().formatHex(md.digest()));
    }

    public HttpStreams.Head readHead() throws IOException {
        HttpStreams.Head head = HttpStreams.readHead(in);
        if (head == null) {
            throw new java.io.EOFException("connection closed before a response");
        }
        return head;
    }

    private long readBody(HttpStreams.Head head, boolean headRequest, OutputStream sink, LongConsumer progress)
            throws IOException {
        int status = Integer.parseInt(head.startLine().split(" ", 3)[1]);
        InputStream body;
        if (headRequest || status < 200 || status == 204 || status == 304) {
            return 0;
        } else if (head.chunked()) {
            body = HttpStreams.chunked(in);
        } else if (head.contentLength() >= 0) {
            body = HttpStreams.fixed(in, head.contentLength());
        } else {
            body = in; // until the connection closes
        }
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        for (int r; (r = body.read(buf)) >= 0; ) {
            sink.write(buf, 0, r);
            total += r;
            progress.accept(total);
        }
        return total;
    }

    /**
     * Whether the server closed the connection: true when a read sees the end of the stream (or a reset) within
     * the socket timeout; bytes that arrive instead are a failure.
     */
    public boolean awaitClosed() throws IOException {
        try {
            int b = in.read();
            if (b >= 0) {
                throw new AssertionError("expected the connection to close, got more bytes: "
                                         + new String(in.readNBytes(Math.min(in.available(), 200)),
                                                      StandardCharsets.ISO_8859_1));
            }
            return true;
        } catch (SocketException e) {
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A response as received: head, payload (framing removed), and a digest for large bodies. */
    public record Response(HttpStreams.Head head, byte[] body, long bodyLength, String sha256) {

        public int status() {
            return Integer.parseInt(head.startLine().split(" ", 3)[1]);
        }

        public String version() {
            return head.startLine().split(" ", 3)[0];
        }

        public String header(String name) {
            return head.header(name);
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(head.startLine()).append('\n');
            for (String[] h : head.headers()) {
                sb.append(h[0]).append(": ").append(h[1]).append('\n');
            }
            return sb.append('\n').append(body.length > 300 ? text().substring(0, 300) + "..." : text()).toString();
        }
    }
}

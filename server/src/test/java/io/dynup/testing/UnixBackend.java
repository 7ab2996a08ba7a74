package io.dynup.testing;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend on a unix domain socket ({@code server unix:/path}), plain JDK channels, one thread per connection.
 * {@link #http} answers every request 200 with its name, followed by {@code ":"} and the request body when there
 * is one, keeping the connection as the request allows; {@link #echo} talks as {@link TcpBackend}: the greeting
 * {@code name + "\n"}, every byte back, {@code "bye " + name + "\n"} after the client's FIN. Closing it removes the
 * socket file, so a test can bring the same path back with a new backend.
 */
public final class UnixBackend implements AutoCloseable {

    private final Path path;
    private final String name;
    private final boolean http;
    private final ServerSocketChannel server;
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final List<HttpStreams.Head> requests = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private UnixBackend(Path path, String name, boolean http) throws IOException {
        this.path = path;
        this.name = name;
        this.http = http;
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        Thread acceptor = new Thread(this::acceptLoop, "unix-backend-" + name);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static UnixBackend http(Path path, String name) throws IOException {
        return new UnixBackend(path, name, true);
    }

    public static UnixBackend echo(Path path, String name) throws IOException {
        return new UnixBackend(path, name, false);
    }

    /** {@code unix:/path}, as an upstream {@code server} names it and as nginx names the peer. */
    public String address() {
        return "unix:" + path;
    }

    public Path path() {
        return path;
    }

    /** Connections accepted so far. */
    public int accepted() {
        return accepted.get();
    }

    /** HTTP request heads received, in arrival order. */
    public List<HttpStreams.Head> requests() {
        return requests;
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                return;
            }
            accepted.incrementAndGet();
            open.add(ch);
            Thread t = new Thread(() -> serve(ch), "unix-backend-" + name + "-conn");
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(SocketChannel ch) {
        try (ch) {
            // one thread reads and writes in turn: JDK 17's channel streams lock out a write during a read
            InputStream in = new BufferedInputStream(Channels.newInputStream(ch), 64 * 1024);
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 64 * 1024);
            if (http) {
                serveHttp(in, out);
            } else {
                serveEcho(in, out);
            }
        } catch (IOException e) {
            // the proxy closed the connection, or this backend is closing
        } finally {
            open.remove(ch);
        }
    }

    private void serveHttp(InputStream in, OutputStream out) throws IOException {
        while (true) {
            HttpStreams.Head head = HttpStreams.readHead(in);
            if (head == null) {
                return;
            }
            requests.add(head);
            InputStream body = head.chunked() ? HttpStreams.chunked(in)
                    : HttpStreams.fixed(in, Math.max(0, head.contentLength()));
            byte[] received = body.readAllBytes();
            String text = received.length == 0 ? name : name + ":" + new String(received, StandardCharsets.UTF_8);
            byte[] answer = text.getBytes(StandardCharsets.UTF_8);
            boolean close = head.connectionHas("close") || head.startLine().endsWith("HTTP/1.0");
            out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + answer.length + "\r\n"
                       + (close ? "Connection: close\r\n" : "") + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(answer);
            out.flush();
            if (close) {
                return;
            }
        }
    }

    private void serveEcho(InputStream in, OutputStream out) throws IOException {
        out.write((name + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = in.read(buf)) >= 0) {
            out.write(buf, 0, n);
            out.flush();
        }
        out.write(("bye " + name + "\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (SocketChannel ch : open) {
            ch.close();
        }
        Files.deleteIfExists(path);
    }
}

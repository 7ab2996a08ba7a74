package io.dynup.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP echo backend on a free loopback port, for stream proxy tests. Each connection first gets the greeting
 * {@code name + "\n"} (so a client can tell which backend it reached), then every byte it sends back; after the
 * client's FIN it sends {@code "bye " + name + "\n"} and closes, which shows that a half-closed connection
 * still carries data the other way. Reading can be paused to test backpressure.
 */
public final class TcpBackend implements AutoCloseable {

    private final String name;
    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tcp-backend");
        t.setDaemon(true);
        return t;
    });
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicLong bytesRead = new AtomicLong();
    private volatile boolean paused;

    private TcpBackend(String name) throws IOException {
        this.name = name;
        this.server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        threads.execute(this::acceptLoop);
    }

    public static TcpBackend start(String name) throws IOException {
        return new TcpBackend(name);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code 127.0.0.1:port}, as an upstream {@code server} names it. */
    public String address() {
        return "127.0.0.1:" + port();
    }

    public String name() {
        return name;
    }

    /** Connections accepted so far. */
    public int accepted() {
        return accepted.get();
    }

    /** Connections open now. */
    public int open() {
        return open.size();
    }

    public long bytesRead() {
        return bytesRead.get();
    }

    /** Stops reading from every connection until {@link #resume}. */
    public void pause() {
        paused = true;
    }

    public synchronized void resume() {
        paused = false;
        notifyAll();
    }

    private synchronized void awaitResumed() throws InterruptedException {
        while (paused) {
            wait();
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                accepted.incrementAndGet();
                open.add(s);
                threads.execute(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write((name + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] buf = new byte[64 * 1024];
            while (true) {
                awaitResumed();
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                bytesRead.addAndGet(n);
                out.write(buf, 0, n);
                out.flush();
            }
            out.write(("bye " + name + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        } catch (IOException | InterruptedException e) {
            // the proxy closed the connection: that is what the disconnect tests look for
        } finally {
            open.remove(s);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
        resume();
        threads.shutdownNow();
    }
}

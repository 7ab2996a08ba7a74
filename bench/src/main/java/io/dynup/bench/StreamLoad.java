package io.dynup.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The load generator and backend of {@code bench/stream-vs-nginx}, plain JDK so it runs from source
 * ({@code java bench/src/main/java/io/dynup/bench/StreamLoad.java ...}) without a build:
 *
 * <pre>
 *   StreamLoad backend PORT...                  echo/download backend on 127.0.0.1, until killed
 *   StreamLoad conns PORT CONCURRENCY SECONDS   connections per second: connect, 32-byte echo, close
 *   StreamLoad bulk PORT CONNECTIONS SECONDS    MiB/s downloaded through long-lived connections
 * </pre>
 *
 * The first byte a client sends picks the backend's behaviour: {@code E} echoes 32 bytes and then closes (the
 * backend closes first, so TIME_WAIT stays on the loopback side that {@code tcp_tw_reuse=2} recycles), {@code D}
 * sends 64 KiB blocks until the client goes away. Each client prints one line: {@code conns N rate R/s errors E}
 * or {@code bytes N rate R MiB/s errors E}.
 */
public final class StreamLoad {

    private static final int ECHO_SIZE = 32;

    private StreamLoad() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: backend PORT... | conns PORT N SECONDS | bulk PORT N SECONDS");
        }
        switch (args[0]) {
            case "backend" -> backend(args);
            case "conns" -> clients(args, false);
            case "bulk" -> clients(args, true);
            default -> throw new IllegalArgumentException("mode: " + args[0] + " (expected: backend, conns, bulk)");
        }
    }

    private static void backend(String[] args) throws IOException, InterruptedException {
        List<Thread> acceptors = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            ServerSocket server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[i])), 4096);
            acceptors.add(daemon(() -> {
                while (true) {
                    try {
                        Socket s = server.accept();
                        daemon(() -> serve(s));
                    } catch (IOException e) {
                        return;
                    }
                }
            }));
        }
        for (Thread t : acceptors) {
            t.join();
        }
    }

    private static Thread daemon(Runnable r) {
        Thread t = new Thread(r);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void serve(Socket s) {
        try (s) {
            s.setTcpNoDelay(true);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            int mode = in.read();
            if (mode == 'E') {
                out.write(in.readNBytes(ECHO_SIZE));
                out.flush();
            } else if (mode == 'D') {
                byte[] block = new byte[64 * 1024];
                while (true) {
                    out.write(block);
                }
            }
        } catch (IOException e) {
            // the client went away: the end of a download
        }
    }

    private static void clients(String[] args, boolean bulk) throws InterruptedException {
        int port = Integer.parseInt(args[1]);
        int n = Integer.parseInt(args[2]);
        long seconds = Long.parseLong(args[3]);
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        AtomicLong done = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        CountDownLatch finished = new CountDownLatch(n);
        InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            daemon(() -> {
                try {
                    if (bulk) {
                        download(target, end, done, errors);
                    } else {
                        connectLoop(target, end, done, errors);
                    }
                } finally {
                    finished.countDown();
                }
            });
        }
        finished.await();
        double elapsed = (System.nanoTime() - start) / 1e9;
        if (bulk) {
            System.out.printf(Locale.ROOT, "bytes %d rate %.1f MiB/s errors %d%n", done.get(),
                              done.get() / elapsed / (1024 * 1024), errors.get());
        } else {
            System.out.printf(Locale.ROOT, "conns %d rate %.0f/s errors %d%n", done.get(), done.get() / elapsed,
                              errors.get());
        }
    }

    private static void connectLoop(InetSocketAddress target, long end, AtomicLong done, AtomicLong errors) {
        byte[] request = new byte[1 + ECHO_SIZE];
        request[0] = 'E';
        while (System.nanoTime() < end) {
            try (Socket s = new Socket()) {
                s.setTcpNoDelay(true);
                s.setSoTimeout(10_000);
                s.connect(target, 10_000);
                s.getOutputStream().write(request);
                InputStream in = s.getInputStream();
                if (in.readNBytes(ECHO_SIZE).length != ECHO_SIZE || in.read() != -1) {
                    errors.incrementAndGet();
                } else {
                    done.incrementAndGet();
                }
            } catch (IOException e) {
                errors.incrementAndGet();
            }
        }
    }

    private static void download(InetSocketAddress target, long end, AtomicLong bytes, AtomicLong errors) {
        byte[] buf = new byte[256 * 1024];
        while (System.nanoTime() < end) {
            try (Socket s = new Socket()) {
                s.setSoTimeout(10_000);
                s.connect(target, 10_000);
                s.getOutputStream().write('D');
                InputStream in = s.getInputStream();
                while (System.nanoTime() < end) {
                    int r = in.read(buf);
                    if (r < 0) {
                        errors.incrementAndGet();
                        break;
                    }
                    bytes.addAndGet(r);
                }
            } catch (IOException e) {
                errors.incrementAndGet();
            }
        }
    }
}

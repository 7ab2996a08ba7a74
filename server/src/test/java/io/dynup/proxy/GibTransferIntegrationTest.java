package io.dynup.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.dynup.testing.Backend;
import io.dynup.testing.DataPlaneChecks;
import io.dynup.testing.Dynup;
import io.dynup.testing.HttpStreams;
import io.dynup.testing.Payload;
import io.dynup.testing.RawClient;

/**
 * A 1 GiB download and a 1 GiB upload through the proxy at full speed, with a backend and a client that do
 * nothing but move bytes: what the proxy's allocator holds must stay flat, far below the body (streaming with
 * backpressure, no buffering of the body). {@link BodyIntegrationTest} checks content and stalls; this checks
 * the size.
 */
@ExtendWith(DataPlaneChecks.class)
class GibTransferIntegrationTest {

    private static final long GIB = 1L << 30;
    /** The allocator's growth allowed while a GiB passes: a few pool chunks, nowhere near the body. */
    private static final long MEMORY_BOUND = 64L * Payload.MIB;
    private static final byte[] BLOCK = new byte[256 * 1024];

    private static Backend backend;
    private static Dynup dynup;
    private static final AtomicLong uploaded = new AtomicLong();

    @BeforeAll
    static void start() throws Exception {
        backend = Backend.start((req, resp) -> {
            if (req.uri().equals("/down")) {
                resp.raw("HTTP/1.1 200 OK\r\nContent-Length: " + GIB + "\r\n\r\n");
                OutputStream out = resp.out();
                for (long sent = 0; sent < GIB; sent += BLOCK.length) {
                    out.write(BLOCK);
                }
                out.flush();
            } else {
                InputStream body = req.body();
                byte[] buf = new byte[BLOCK.length];
                long n = 0;
                for (int r; (r = body.read(buf)) >= 0; ) {
                    n += r;
                }
                uploaded.set(n);
                resp.respond(200, Long.toString(n));
            }
        });
        dynup = Dynup.start("""
                server {
                    listen 127.0.0.1:$PORT;
                    client_max_body_size 0;
                    location / { proxy_pass http://127.0.0.1:%d; }
                }
                """.formatted(backend.port()));
    }

    @AfterAll
    static void stop() {
        if (dynup != null) {
            dynup.close();
        }
        backend.close();
    }

    /** Samples the allocator's memory while a transfer runs; the peak growth over the start. */
    private static final class Sampler extends Thread {
        private final long base = Payload.nettyMemory();
        private volatile boolean done;
        private volatile long peak;

        Sampler() {
            setDaemon(true);
            start();
        }

        @Override
        public void run() {
            while (!done) {
                peak = Math.max(peak, Payload.nettyMemory() - base);
                try {
                    Thread.sleep(5); // a sampling period, not a wait for an event
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        long finish() throws InterruptedException {
            done = true;
            join();
            return peak;
        }
    }

    @Test
    void aGibDownloadStreamsInConstantMemory() throws Exception {
        Sampler sampler = new Sampler();
        long received = 0;
        try (RawClient c = RawClient.connect(dynup.port())) {
            c.send("GET /down HTTP/1.1\r\nHost: t\r\n\r\n");
            HttpStreams.Head head = HttpStreams.readHead(c.in());
            assertThat(head.contentLength()).isEqualTo(GIB);
            byte[] buf = new byte[BLOCK.length];
            while (received < GIB) {
                int r = c.in().read(buf, 0, (int) Math.min(buf.length, GIB - received));
                if (r < 0) {
                    break;
                }
                received += r;
            }
        }
        long peak = sampler.finish();
        System.out.printf("1 GiB download: allocator peak +%d bytes%n", peak);
        assertThat(received).isEqualTo(GIB);
        assertThat(peak).as("allocator growth during the download").isLessThan(MEMORY_BOUND);
    }

    @Test
    void aGibUploadStreamsInConstantMemory() throws Exception {
        Sampler sampler = new Sampler();
        String answer;
        try (RawClient c = RawClient.connect(dynup.port())) {
            c.send("POST /up HTTP/1.1\r\nHost: t\r\nContent-Length: " + GIB + "\r\n\r\n");
            for (long sent = 0; sent < GIB; sent += BLOCK.length) {
                c.out().write(BLOCK);
            }
            c.out().flush();
            HttpStreams.Head head = HttpStreams.readHead(c.in());
            answer = new String(HttpStreams.fixed(c.in(), head.contentLength()).readAllBytes(),
                                StandardCharsets.US_ASCII);
        }
        long peak = sampler.finish();
        System.out.printf("1 GiB upload: allocator peak +%d bytes%n", peak);
        assertThat(answer).isEqualTo(Long.toString(GIB));
        assertThat(uploaded.get()).isEqualTo(GIB);
        assertThat(peak).as("allocator growth during the upload").isLessThan(MEMORY_BOUND);
    }
}

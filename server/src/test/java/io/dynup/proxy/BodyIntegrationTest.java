package io.dynup.proxy;

import static io.dynup.testing.Payload.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.dynup.testing.Backend;
import io.dynup.testing.DataPlaneChecks;
import io.dynup.testing.Dynup;
import io.dynup.testing.Payload;
import io.dynup.testing.RawClient;
import io.dynup.testing.RawClient.Response;

/**
 * Large bodies through the proxy, both ways and in both framings: byte-exact (SHA-256 on each side), and
 * streamed, not stored. To show the streaming, each transfer stalls its receiver a quarter of the way in and
 * waits until backpressure has stopped the sender; the JVM's live heap and Netty's buffers must then be a small
 * fraction of the body, and the sender must not have been able to push the rest into the proxy.
 */
@ExtendWith(DataPlaneChecks.class)
class BodyIntegrationTest {

    private static final long BIG = 64L * MIB;
    /**
     * What a stalled transfer may hold in the JVM: a quarter of the body, far above the few buffers it needs.
     * (Between the two peers the kernel's socket buffers hold more, up to tens of MiB with autotuning, so the
     * bytes in flight are only bounded by "the sender did not get near the end".)
     */
    private static final long MEMORY_BOUND = 16L * MIB;

    private static Backend backend;
    private static Dynup dynup;
    private static final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "body-test-client");
        t.setDaemon(true);
        return t;
    });

    /** The SHA-256 of each body the backend sent, by the request's {@code id}; set after the last byte. */
    private static final Map<String, String> sentDigests = new ConcurrentHashMap<>();
    private static final AtomicInteger ids = new AtomicInteger();
    /** Payload bytes the backend has read of the current upload. */
    private static final AtomicLong uploadRead = new AtomicLong();
    /** When set, the backend stops reading an upload at {@link #stallAt} until the gate opens. */
    private static volatile CountDownLatch uploadGate;
    private static final long stallAt = 16L * MIB;

    @BeforeAll
    static void start() throws Exception {
        backend = Backend.start((req, res) -> {
            String uri = req.uri();
            if (uri.startsWith("/download")) {
                long n = Long.parseLong(query(uri, "n"));
                boolean chunked = "1".equals(query(uri, "chunked"));
                OutputStream out = res.out();
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                           + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + n + "\r\n")
                           + "\r\n").getBytes());
                sentDigests.put(query(uri, "id"), Payload.write(out, n, chunked, p -> { }));
                return;
            }
            if (uri.startsWith("/stall")) {
                // takes nothing of the body, so the proxy's writes to it stop
                try {
                    uploadGate.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                res.closeAfter();
                return;
            }
            if (uri.startsWith("/upload") || uri.startsWith("/slow/upload") || uri.startsWith("/limited/upload")) {
                MessageDigest md = RawClient.sha256();
                byte[] buf = new byte[64 * 1024];
                long total = 0;
                InputStream body = req.body();
                CountDownLatch gate = uploadGate;
                for (int r; (r = body.read(buf)) >= 0; ) {
                    md.update(buf, 0, r);
                    total += r;
                    uploadRead.set(total);
                    if (gate != null && total >= stallAt) {
                        try {
                            gate.await(60, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IOException(e);
                        }
                        gate = null;
                    }
                }
                res.respond(200, total + " " + HexFormat.of().formatHex(md.digest())
                                 + " " + req.header("Transfer-Encoding") + " " + req.header("Content-Length"));
                return;
            }
            res.respond(404, "no");
        });
        dynup = Dynup.start("""
                upstream u { server %s; keepalive 4; }
                server {
                    listen 127.0.0.1:$PORT;
                    client_max_body_size 0;
                    location / { proxy_pass http://u; proxy_http_version 1.1; proxy_set_header Connection ""; }
                    location /limited/ { proxy_pass http://u; client_max_body_size 1k; }
                    location /slow/ { proxy_pass http://u; proxy_read_timeout 1s; proxy_send_timeout 1s; }
                    location /stall { proxy_pass http://u; proxy_send_timeout 1s; }
                }
                """.formatted(backend.address()));
    }

    @AfterAll
    static void stop() {
        if (dynup != null) {
            dynup.close();
        }
        backend.close();
        pool.shutdownNow();
    }

    private static String query(String uri, String name) {
        for (String kv : uri.substring(uri.indexOf('?') + 1).split("&")) {
            if (kv.startsWith(name + "=")) {
                return kv.substring(name.length() + 1);
            }
        }
        return null;
    }

    /** The digest of the body sent for request {@code id}: the backend records it just after the last byte. */
    private static String sentDigest(String id) {
        await().atMost(Duration.ofSeconds(10)).until(() -> sentDigests.containsKey(id));
        return sentDigests.get(id);
    }

    /**
     * How long another request takes while a transfer is stalled, or -1 if it failed. There is one event loop
     * (worker_processes 1), shared with the stalled transfer: a quick answer shows nothing blocks it.
     */
    private static long probeMillis() {
        long from = System.nanoTime();
        try {
            Response r = RawClient.exchange(dynup.port(), "GET /download?n=10&id=probe" + ids.incrementAndGet()
                                                          + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
            return r.status() == 200 && r.bodyLength() == 10 ? (System.nanoTime() - from) / 1_000_000 : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    /** Waits until {@code counter} stops moving: the sender is blocked by backpressure. */
    private static void awaitStalled(LongSupplier counter) {
        AtomicLong last = new AtomicLong(-1);
        await().pollInterval(Duration.ofMillis(300)).atMost(Duration.ofSeconds(30))
               .until(() -> counter.getAsLong() == last.getAndSet(counter.getAsLong()));
    }

    @ParameterizedTest(name = "chunked={0}")
    @ValueSource(booleans = {false, true})
    void bigDownloadIsExactAndStreamed(boolean chunked) throws Exception {
        long heap0 = Payload.liveHeap();
        long netty0 = Payload.nettyMemory();
        long written0 = backend.bytesWritten();
        AtomicBoolean stalled = new AtomicBoolean();
        long[] seen = new long[4];
        String id = "d" + ids.incrementAndGet();
        try (RawClient c = RawClient.connect(dynup.port(), 128 * 1024)) {
            c.send("GET /download?n=" + BIG + "&chunked=" + (chunked ? 1 : 0) + "&id=" + id
                   + " HTTP/1.1\r\nHost: t\r\n\r\n");
            Response r = c.readDigest(read -> {
                if (read >= BIG / 4 && !stalled.getAndSet(true)) {
                    // the client stops reading: the backend must come to a stop long before the end
                    awaitStalled(backend::bytesWritten);
                    seen[0] = backend.bytesWritten() - written0 - read;
                    seen[1] = Payload.liveHeap() - heap0;
                    seen[2] = Payload.nettyMemory() - netty0;
                    seen[3] = probeMillis();
                }
            });
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Transfer-Encoding")).isEqualTo(chunked ? "chunked" : null);
            assertThat(r.bodyLength()).isEqualTo(BIG);
            assertThat(r.sha256()).isEqualTo(sentDigest(id));
            // the connection is still good for another request
            c.send("GET /download?n=10&id=small HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(c.read().bodyLength()).isEqualTo(10);
        }
        System.out.printf("download chunked=%s stalled: in flight %d, heap +%d, netty +%d%n", chunked, seen[0],
                          seen[1], seen[2]);
        assertThat(seen[0]).as("bytes between backend and stalled client").isLessThan(BIG * 3 / 4);
        assertThat(seen[1]).as("live heap growth while stalled").isLessThan(MEMORY_BOUND);
        assertThat(seen[2]).as("Netty buffer growth while stalled").isLessThan(MEMORY_BOUND);
        assertThat(seen[3]).as("ms to answer another request meanwhile").isBetween(0L, 2_000L);
    }

    @ParameterizedTest(name = "chunked={0}")
    @ValueSource(booleans = {false, true})
    void bigUploadIsExactAndStreamed(boolean chunked) throws Exception {
        long heap0 = Payload.liveHeap();
        long netty0 = Payload.nettyMemory();
        uploadRead.set(0);
        uploadGate = new CountDownLatch(1);
        AtomicLong written = new AtomicLong();
        try (RawClient c = RawClient.connect(dynup.port())) {
            c.send("POST /upload HTTP/1.1\r\nHost: t\r\n"
                   + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + BIG + "\r\n") + "\r\n");
            Future<String> sent = pool.submit(() -> {
                OutputStream out = new BufferedOutputStream(c.out(), 64 * 1024);
                return Payload.write(out, BIG, chunked, written::set);
            });
            // the backend stops reading a quarter in: the client must come to a stop long before the end
            await().atMost(Duration.ofSeconds(60)).until(() -> uploadRead.get() >= stallAt);
            awaitStalled(written::get);
            long inFlight = written.get() - uploadRead.get();
            long heap = Payload.liveHeap() - heap0;
            long netty = Payload.nettyMemory() - netty0;
            long probe = probeMillis();
            uploadGate.countDown();
            String digest = sent.get(60, TimeUnit.SECONDS);
            Response r = c.read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).isEqualTo(BIG + " " + digest + (chunked ? " chunked null" : " null " + BIG));
            System.out.printf("upload chunked=%s stalled: in flight %d, heap +%d, netty +%d%n", chunked, inFlight,
                              heap, netty);
            assertThat(inFlight).as("bytes between stalled backend and client").isLessThan(BIG * 3 / 4);
            assertThat(heap).as("live heap growth while stalled").isLessThan(MEMORY_BOUND);
            assertThat(netty).as("Netty buffer growth while stalled").isLessThan(MEMORY_BOUND);
            assertThat(probe).as("ms to answer another request meanwhile").isBetween(0L, 2_000L);
        } finally {
            uploadGate = null;
        }
    }

    @Test
    void http10ClientGetsAChunkedResponseDechunkedAndClosed() throws Exception {
        long n = 3L * MIB + 12345;
        String id = "d" + ids.incrementAndGet();
        try (RawClient c = RawClient.connect(dynup.port())) {
            c.send("GET /download?n=" + n + "&chunked=1&id=" + id + " HTTP/1.0\r\n\r\n");
            Response r = c.readDigest(p -> { });
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Transfer-Encoding")).isNull();
            assertThat(r.header("Content-Length")).isNull();
            assertThat(r.header("Connection")).isEqualTo("close");
            // the body ended with the connection, as HTTP/1.0 delimits it
            assertThat(r.bodyLength()).isEqualTo(n);
            assertThat(r.sha256()).isEqualTo(sentDigest(id));
        }
    }

    @Test
    void smallChunkedUploadKeepsItsFraming() throws Exception {
        try (RawClient c = RawClient.connect(dynup.port())) {
            c.send("POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                   + "5;name=value\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nTrailer: x\r\n\r\n");
            Response r = c.read();
            MessageDigest md = RawClient.sha256();
            assertThat(r.text()).isEqualTo("11 " + HexFormat.of().formatHex(md.digest("hello world".getBytes()))
                                           + " chunked null");
            // and the connection goes on
            c.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc");
            assertThat(c.read().text()).startsWith("3 ");
        }
    }

    @Test
    void expectContinueIsAnsweredWhenTheBodyIsWanted() throws IOException {
        try (RawClient c = RawClient.connect(dynup.port())) {
            c.send("POST /upload HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
            assertThat(c.readHead().startLine()).isEqualTo("HTTP/1.1 100 Continue");
            c.send("hello");
            Response r = c.read();
            assertThat(r.text()).startsWith("5 ");
        }
        // the backend never sees Expect: nginx answers it itself
        assertThat(backend.requests().get(backend.requests().size() - 1).header("Expect")).isNull();
    }

    @Test
    void aSlowUploadIsNotCutByTheReadTimeout() throws Exception {
        // nginx's proxy_read_timeout starts once the request is sent: an upload that takes 3 s under a 1 s read
        // timeout is fine as long as each write goes through within proxy_send_timeout
        uploadRead.set(0);
        int pieces = 30;
        int piece = 10 * 1024;
        try (RawClient c = RawClient.connect(dynup.port())) {
            c.send("POST /slow/upload HTTP/1.1\r\nHost: t\r\nContent-Length: " + pieces * piece + "\r\n\r\n");
            for (int i = 0; i < pieces; i++) {
                c.send(new byte[piece]);
                Thread.sleep(100); // pacing the client, not waiting for a result
            }
            Response r = c.read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).startsWith(pieces * piece + " ");
        }
    }

    @Test
    void anUpstreamThatStopsReadingIsASendTimeout() throws Exception {
        uploadGate = new CountDownLatch(1);
        try (RawClient c = RawClient.connect(dynup.port())) {
            c.send("POST /stall HTTP/1.1\r\nHost: t\r\nContent-Length: " + BIG + "\r\n\r\n");
            Future<?> writer = pool.submit(() -> {
                try {
                    Payload.write(c.out(), BIG, false, p -> { });
                } catch (IOException e) {
                    // the proxy may close once it has answered
                }
                return null;
            });
            Response r = c.read();
            assertThat(r.status()).isEqualTo(504);
            uploadGate.countDown();
            writer.cancel(true);
        } finally {
            uploadGate = null;
        }
    }

    @Test
    void bodyAboveClientMaxBodySizeIs413AndCloses() throws IOException {
        int before = backend.requestCount();
        try (RawClient c = RawClient.connect(dynup.port())) {
            c.send("POST /limited/upload HTTP/1.1\r\nHost: t\r\nContent-Length: 2000\r\n\r\n" + "x".repeat(2000));
            Response r = c.read();
            assertThat(r.status()).isEqualTo(413);
            assertThat(r.text()).contains("<title>413 Request Entity Too Large</title>");
            assertThat(r.header("Connection")).isEqualTo("close");
            assertThat(c.awaitClosed()).isTrue();
        }
        assertThat(backend.requestCount()).isEqualTo(before);
        try (RawClient c = RawClient.connect(dynup.port())) {
            c.send("POST /limited/upload HTTP/1.1\r\nHost: t\r\nContent-Length: 1024\r\n\r\n" + "x".repeat(1024));
            assertThat(c.read().text()).startsWith("1024 ");
        }
    }

    @Test
    void chunkedBodyAboveClientMaxBodySizeIs413() throws IOException {
        try (RawClient c = RawClient.connect(dynup.port())) {
            c.send("POST /limited/upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n");
            for (int i = 0; i < 2; i++) {
                c.send("258\r\n" + "y".repeat(600) + "\r\n");
            }
            Response r = c.read();
            assertThat(r.status()).isEqualTo(413);
            assertThat(r.header("Connection")).isEqualTo("close");
            // the rest of the body is still taken (and dropped) before the connection closes
            c.send("258\r\n" + "y".repeat(600) + "\r\n0\r\n\r\n");
            assertThat(c.awaitClosed()).isTrue();
        }
    }
}

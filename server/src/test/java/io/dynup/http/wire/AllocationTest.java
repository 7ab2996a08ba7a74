package io.dynup.http.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.AsciiString;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The steady state allocates nothing: parse a head, frame its body, write the forwarded head, release. Per-request
 * garbage is what gave the byte-level proxy a worse p99 than nginx (PERF-ANCHORS.md), so this is a test, not a
 * benchmark.
 */
class AllocationTest extends WireTestSupport {

    private static final String REQUEST = "POST /api/v1/items?id=42&sort=asc HTTP/1.1\r\n"
            + "Host: shop.example.com\r\n"
            + "User-Agent: Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0\r\n"
            + "Accept: application/json\r\n"
            + "Accept-Encoding: gzip, deflate, br\r\n"
            + "Content-Type: application/json\r\n"
            + "Content-Length: 16\r\n"
            + "Connection: keep-alive\r\n"
            + "Cookie: session=0123456789abcdef; theme=dark\r\n"
            + "\r\n"
            + "{\"item\":\"value\"}";

    @Test
    void parseFrameWriteAndReleaseAllocateNothingOnAnEventLoopThread() throws InterruptedException {
        // Netty 4.2's Recycler pools only on FastThreadLocalThreads, the kind event loops run on.
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread loop = new FastThreadLocalThread(() -> {
            try {
                measure();
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        loop.start();
        loop.join();
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
    }

    private void measure() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        // Leak records allocate on every buffer access; the buffers here are checked for release explicitly.
        ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        ByteBuf in = PooledByteBufAllocator.DEFAULT.directBuffer(1024);
        ByteBuf out = PooledByteBufAllocator.DEFAULT.directBuffer(1024);
        try {
            in.writeBytes(REQUEST.getBytes(StandardCharsets.ISO_8859_1));
            RequestHeadParser parser = new RequestHeadParser(HeadLimits.NGINX_REQUEST);
            BodyFramer framer = BodyFramer.forRequests();
            HeadWriter writer = HeadWriter.nginxProxyDefaults("backend:8080")
                    .httpVersion11()
                    .set("Connection", "")
                    .set("X-Forwarded-For", HeaderValue.proxyAddXForwardedFor())
                    .set("X-Real-IP", HeaderValue.remoteAddr())
                    .build();
            AsciiString client = AsciiString.of("192.0.2.7");

            long bodyBytes = 0;
            for (int i = 0; i < 50_000; i++) { // warm up: JIT, recyclers, pool caches
                bodyBytes += oneRequest(in, out, parser, framer, writer, client);
            }
            long before = threads.getThreadAllocatedBytes(thread);
            int requests = 20_000;
            for (int i = 0; i < requests; i++) {
                bodyBytes += oneRequest(in, out, parser, framer, writer, client);
            }
            long perRequest = (threads.getThreadAllocatedBytes(thread) - before) / requests;
            assertThat(bodyBytes).isEqualTo(16L * 70_000);
            assertThat(perRequest).as("bytes allocated per request").isLessThan(8);
        } finally {
            ResourceLeakDetector.setLevel(level);
            assertThat(in.release()).isTrue();
            assertThat(out.release()).isTrue();
        }
    }

    private static int oneRequest(ByteBuf in, ByteBuf out, RequestHeadParser parser, BodyFramer framer,
            HeadWriter writer, AsciiString client) {
        in.readerIndex(0);
        out.clear();
        RequestHead head = parser.parse(in);
        framer.start(head);
        writer.writeRequest(out, head, null, client);
        int n = framer.frame(in);
        ByteBuf body = in.readRetainedSlice(n);
        body.release();
        head.release();
        return n;
    }
}

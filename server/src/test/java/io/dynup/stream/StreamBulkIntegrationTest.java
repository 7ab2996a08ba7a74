package io.dynup.stream;

import static io.dynup.testing.Payload.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.dynup.server.DynupServer;
import io.dynup.server.TestConfigs;
import io.dynup.testing.DataPlaneChecks;
import io.dynup.testing.Dynup;
import io.dynup.testing.Payload;
import io.dynup.testing.RawClient;
import io.dynup.testing.TcpBackend;

/** 100 MiB through the stream proxy and back: byte-exact, and memory stays flat while the backend stalls. */
@ExtendWith(DataPlaneChecks.class)
class StreamBulkIntegrationTest {

    private static final long BIG = 100L * MIB;
    private static final long MEMORY_BOUND = 16L * MIB;

    @Test
    void hundredMibEchoIsExactAndBackpressured() throws Exception {
        int port = Dynup.freePort();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (TcpBackend backend = TcpBackend.start("a");
             DynupServer dynup = TestConfigs.start("events {}\nstream {\n server {\n  listen 127.0.0.1:" + port
                                                   + ";\n  proxy_pass " + backend.address() + ";\n }\n}\n");
             Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(30_000);
            long heap0 = Payload.liveHeap();
            long netty0 = Payload.nettyMemory();
            backend.pause();
            AtomicLong written = new AtomicLong();
            Future<String> sent = pool.submit(() -> write(s.getOutputStream(), written));
            Future<String> echoed = pool.submit(() -> read(s.getInputStream()));

            // the backend reads nothing: the client's writes must come to a stop long before the end
            await().atMost(Duration.ofSeconds(60)).until(() -> written.get() > 0);
            awaitStalled(written::get);
            long inFlight = written.get() - backend.bytesRead();
            long heap = Payload.liveHeap() - heap0;
            long netty = Payload.nettyMemory() - netty0;
            backend.resume();

            assertThat(echoed.get(120, TimeUnit.SECONDS)).isEqualTo(sent.get(120, TimeUnit.SECONDS));
            System.out.printf("stream stalled: in flight %d, heap +%d, netty +%d%n", inFlight, heap, netty);
            assertThat(inFlight).as("bytes between client and stalled backend").isLessThan(BIG / 2);
            assertThat(heap).as("live heap growth while stalled").isLessThan(MEMORY_BOUND);
            assertThat(netty).as("Netty buffer growth while stalled").isLessThan(MEMORY_BOUND);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void awaitStalled(LongSupplier counter) {
        AtomicLong last = new AtomicLong(-1);
        await().pollInterval(Duration.ofMillis(300)).atMost(Duration.ofSeconds(30))
               .until(() -> counter.getAsLong() == last.getAndSet(counter.getAsLong()));
    }

    /** Writes {@link #BIG} seeded random bytes in writes of varying size; returns their SHA-256. */
    private static String write(OutputStream out, AtomicLong written) throws IOException {
        MessageDigest md = RawClient.sha256();
        SplittableRandom random = new SplittableRandom(42);
        byte[] buf = new byte[64 * 1024];
        for (long left = BIG; left > 0; ) {
            int n = (int) Math.min(left, 1 + random.nextInt(buf.length));
            for (int i = 0; i < n; i++) {
                buf[i] = (byte) random.nextInt();
            }
            md.update(buf, 0, n);
            out.write(buf, 0, n);
            written.addAndGet(n);
            left -= n;
        }
        out.flush();
        return HexFormat.of().formatHex(md.digest());
    }

    /** Reads the greeting line, then the echo up to the backend's goodbye after our FIN; returns its SHA-256. */
    private static String read(InputStream in) throws IOException {
        while (in.read() != '\n') {
            // the backend's name
        }
        MessageDigest md = RawClient.sha256();
        byte[] buf = new byte[64 * 1024];
        long left = BIG;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new IOException("echo ended " + left + " bytes early");
            }
            md.update(buf, 0, n);
            left -= n;
        }
        return HexFormat.of().formatHex(md.digest());
    }
}

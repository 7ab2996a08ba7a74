package io.dynup.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.dynup.model.UpstreamKind;
import io.dynup.testing.Backend;
import io.dynup.testing.DataPlaneChecks;
import io.dynup.testing.Dynup;
import io.dynup.testing.RawClient;
import io.dynup.testing.RawClient.Response;

/**
 * Many clients at once on two event loops, mixing what the other tests do one at a time: pipelining, bodies,
 * chunked answers, slow answers, answers cut mid-body, clients that hang up early, keep-alive on both sides.
 * Every response must be framed right (or, for a cut one, end with the connection), and afterwards no peer
 * holds a connection and no buffer leaked.
 */
@ExtendWith(DataPlaneChecks.class)
class ProxyStressIntegrationTest {

    private static final int CLIENTS = 8;
    private static final long RUN_MILLIS = 3_000;
    private static final String[] PATHS = {"/ok", "/ok", "/ok", "/chunked", "/slow", "/503", "/cut", "/echo"};

    private static Backend.Handler handler(String name) {
        return (req, res) -> {
            switch (req.uri()) {
                case "/chunked" -> {
                    StringBuilder b = new StringBuilder("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
                    for (int i = 1; i <= 20; i++) {
                        b.append(Integer.toHexString(i * 37)).append("\r\n").append("c".repeat(i * 37)).append("\r\n");
                    }
                    res.raw(b.append("0\r\n\r\n").toString());
                }
                case "/slow" -> {
                    try {
                        Thread.sleep(5); // an answer that takes a moment, so requests overlap
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    res.respond(200, name);
                }
                case "/503" -> res.respond(503, "busy");
                case "/cut" -> {
                    res.raw("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n" + "x".repeat(1000));
                    res.closeAfter();
                }
                case "/echo" -> res.respond(200, Integer.toString(req.readBody().length));
                default -> res.respond(200, name);
            }
        };
    }

    @Test
    void mixedTrafficStaysFramedAndLeavesNothingBehind() throws Exception {
        try (Backend a = Backend.start(handler("a")); Backend b = Backend.start(handler("b"))) {
            try (Dynup dynup = Dynup.startConf("worker_processes 2;", """
                    upstream u { server %s max_fails=0; server %s max_fails=0; keepalive 4; }
                    server {
                        listen 127.0.0.1:$PORT;
                        location / {
                            proxy_pass http://u;
                            proxy_http_version 1.1;
                            proxy_set_header Connection "";
                        }
                    }
                    """.formatted(a.address(), b.address()))) {
                List<String> failures = new CopyOnWriteArrayList<>();
                AtomicInteger responses = new AtomicInteger();
                ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
                long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RUN_MILLIS);
                List<Future<?>> clients = new ArrayList<>();
                for (int t = 0; t < CLIENTS; t++) {
                    Random random = new Random(t);
                    clients.add(pool.submit(() -> {
                        while (System.nanoTime() < until) {
                            try {
                                oneConnection(dynup.port(), random, responses);
                            } catch (Exception e) {
                                failures.add(e.toString());
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : clients) {
                    f.get(RUN_MILLIS + 30_000, TimeUnit.MILLISECONDS);
                }
                pool.shutdown();
                assertThat(failures).isEmpty();
                assertThat(responses.get()).isGreaterThan(100);
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                        dynup.upstreams().getPeers(UpstreamKind.HTTP, "u").get())
                        .allSatisfy(p -> assertThat(p.state().conns()).as(p.name()).isZero()));
                assertThat(a.errors()).isEmpty();
                assertThat(b.errors()).isEmpty();
            }
        }
    }

    /** A connection with a few pipelined requests; it may hang up before reading all the answers. */
    private static void oneConnection(int port, Random random, AtomicInteger responses) throws IOException {
        try (RawClient c = RawClient.connect(port)) {
            int n = 1 + random.nextInt(3);
            List<String> paths = new ArrayList<>();
            StringBuilder requests = new StringBuilder();
            for (int i = 0; i < n; i++) {
                String path = PATHS[random.nextInt(PATHS.length)];
                paths.add(path);
                if (path.equals("/echo")) {
                    int len = random.nextInt(20_000);
                    requests.append("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: ").append(len)
                            .append("\r\n\r\n").append("e".repeat(len));
                } else {
                    requests.append("GET ").append(path).append(" HTTP/1.1\r\nHost: t\r\n\r\n");
                }
            }
            c.send(requests.toString());
            if (random.nextInt(6) == 0) {
                // hang up in the middle of an answer
                // one read: whatever part of the answers has arrived
                c.in().read(new byte[1 + random.nextInt(300)]);
                return;
            }
            int read = random.nextInt(5) == 0 ? random.nextInt(n) : n; // sometimes hang up early
            for (int i = 0; i < read; i++) {
                String path = paths.get(i);
                Response r;
                try {
                    r = c.read();
                } catch (EOFException | SocketException e) {
                    if (path.equals("/cut")) {
                        return; // cut mid-body: the connection ends, as it should
                    }
                    throw new IOException(path + " of " + paths + ": " + e, e);
                }
                if (path.equals("/cut")) {
                    throw new IOException("a cut response arrived whole: " + r);
                }
                responses.incrementAndGet();
                int expected = path.equals("/503") ? 503 : 200;
                if (r.status() != expected) {
                    throw new IOException(path + " -> " + r.status() + ": " + r);
                }
                if (path.equals("/chunked") && r.bodyLength() != 37 * 210) {
                    throw new IOException("/chunked body " + r.bodyLength());
                }
            }
        }
    }
}

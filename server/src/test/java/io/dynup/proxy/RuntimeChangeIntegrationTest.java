package io.dynup.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.dynup.model.PeerUpdate;
import io.dynup.model.UpstreamKind;
import io.dynup.testing.Backend;
import io.dynup.testing.DataPlaneChecks;
import io.dynup.testing.Dynup;
import io.dynup.testing.RawClient;
import io.dynup.testing.RawClient.Response;
import io.dynup.upstream.Peer;

/**
 * Upstream changes through {@link io.dynup.upstream.UpstreamService} while requests flow, on two event loops
 * with keep-alive connections on both sides: the new peer gets traffic, the removed one drains and gets none,
 * and no client ever sees an error.
 */
@ExtendWith(DataPlaneChecks.class)
class RuntimeChangeIntegrationTest {

    private static final int CLIENTS = 4;

    private final List<Backend> backends = new ArrayList<>();
    private Dynup dynup;
    private final ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);

    @AfterEach
    void stop() {
        pool.shutdownNow();
        if (dynup != null) {
            dynup.close();
        }
        backends.forEach(Backend::close);
    }

    private Backend backend(String name, long delayMs) throws Exception {
        Backend b = Backend.start((req, res) -> {
            if (delayMs > 0) {
                try {
                    Thread.sleep(delayMs); // a slow answer, so requests are in flight when the peer is removed
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            res.respond(200, name);
        });
        backends.add(b);
        return b;
    }

    @Test
    void addAndRemoveWhileRequestsFlow() throws Exception {
        Backend a = backend("a", 20);
        Backend b = backend("b", 0);
        Backend c = backend("c", 0);
        dynup = Dynup.startConf("worker_processes 2;", """
                upstream u { zone u 64k; server %s; server %s; keepalive 16; }
                server {
                    listen 127.0.0.1:$PORT;
                    location / { proxy_pass http://u; proxy_http_version 1.1; proxy_set_header Connection ""; }
                }
                """.formatted(a.address(), b.address()));

        Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        List<String> failures = new CopyOnWriteArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Future<?>> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            clients.add(pool.submit(() -> {
                try (RawClient client = RawClient.connect(dynup.port())) {
                    while (running.get()) {
                        client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
                        Response r = client.read();
                        if (r.status() != 200) {
                            failures.add(r.toString());
                        } else {
                            seen.computeIfAbsent(r.text(), k -> new AtomicInteger()).incrementAndGet();
                        }
                    }
                } catch (Exception e) {
                    failures.add(e.toString());
                }
                return null;
            }));
        }
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> count(seen, "a") > 10 && count(seen, "b") > 10);

            assertThat(dynup.upstreams().addPeer(UpstreamKind.HTTP, "u", c.address(), false, PeerUpdate.NONE)
                            .ok()).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> count(seen, "c") > 20);

            Peer removed = dynup.upstreams().getPeers(UpstreamKind.HTTP, "u").get().stream()
                    .filter(p -> p.name().equals(a.address())).findFirst().orElseThrow();
            assertThat(dynup.upstreams().removePeer(UpstreamKind.HTTP, "u", a.address()).ok()).isTrue();
            int aAtRemoval = count(seen, "a");
            int bAtRemoval = count(seen, "b");
            int cAtRemoval = count(seen, "c");
            await().atMost(Duration.ofSeconds(10))
                   .until(() -> count(seen, "b") > bAtRemoval + 50 && count(seen, "c") > cAtRemoval + 50);
            // at most the requests that were already on their way to it
            assertThat(count(seen, "a") - aAtRemoval).isLessThanOrEqualTo(CLIENTS);
            await().atMost(Duration.ofSeconds(5)).until(() -> removed.state().conns() == 0);
        } finally {
            running.set(false);
            for (Future<?> f : clients) {
                f.get(10, TimeUnit.SECONDS);
            }
        }
        assertThat(failures).isEmpty();
        // each peer is released on its event loop just after the last byte of its last response went out
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                dynup.upstreams().getPeers(UpstreamKind.HTTP, "u").get())
                .allSatisfy(p -> assertThat(p.state().conns()).as(p.name()).isZero()));
        assertThat(dynup.upstreams().getPeers(UpstreamKind.HTTP, "u").get()).extracting(Peer::name)
                .containsExactlyInAnyOrder(b.address(), c.address());
    }

    @Test
    void downAndUpWhileRequestsFlow() throws Exception {
        Backend a = backend("a", 0);
        Backend b = backend("b", 0);
        dynup = Dynup.start("""
                upstream u { zone u 64k; server %s; server %s; }
                server { listen 127.0.0.1:$PORT; location / { proxy_pass http://u; } }
                """.formatted(a.address(), b.address()));
        assertThat(dynup.upstreams().setPeerDown(UpstreamKind.HTTP, "u", a.address()).ok()).isTrue();
        for (int i = 0; i < 10; i++) {
            assertThat(RawClient.get(dynup.port(), "t", "/").text()).isEqualTo("b");
        }
        assertThat(dynup.upstreams().setPeerUp(UpstreamKind.HTTP, "u", a.address()).ok()).isTrue();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            names.add(RawClient.get(dynup.port(), "t", "/").text());
        }
        assertThat(names).contains("a", "b");
    }

    private static int count(Map<String, AtomicInteger> seen, String name) {
        AtomicInteger n = seen.get(name);
        return n == null ? 0 : n.get();
    }
}

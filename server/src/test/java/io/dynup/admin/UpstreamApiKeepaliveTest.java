package io.dynup.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.dynup.testing.Backend;
import io.dynup.testing.DataPlaneChecks;
import io.dynup.testing.Dynup;
import io.dynup.testing.RawClient;

/**
 * {@code keepalive} in the JSON API's upstream object is the number of idle connections the proxy's pools hold
 * for the upstream right now, counted with real keep-alive connections to a real backend.
 */
@ExtendWith(DataPlaneChecks.class)
class UpstreamApiKeepaliveTest {

    private static final Pattern KEEPALIVE = Pattern.compile("\"keepalive\":(\\d+)");

    private Backend backend;
    private Dynup dynup;

    @AfterEach
    void stop() {
        if (dynup != null) {
            dynup.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    private long keepalive() throws IOException {
        RawClient.Response r = RawClient.get(dynup.port(), "localhost", "/api/9/http/upstreams/u");
        Matcher m = KEEPALIVE.matcher(new String(r.body(), StandardCharsets.UTF_8));
        assertThat(m.find()).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    void countsIdleUpstreamConnectionsAsTheyEnterAndLeaveThePool() throws Exception {
        // three requests held at the backend until all three arrived: three upstream connections at once
        CountDownLatch together = new CountDownLatch(3);
        backend = Backend.start((req, res) -> {
            together.countDown();
            try {
                together.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            res.respond(200, "ok");
        });
        dynup = Dynup.start("""
                upstream u { zone u 64k; server %s; keepalive 8; }
                server {
                    listen 127.0.0.1:$PORT;
                    location / { proxy_pass http://u; proxy_http_version 1.1; proxy_set_header Connection ""; }
                    location /api/ { upstream_api; }
                }
                """.formatted(backend.address()));
        assertThat(keepalive()).isZero();

        List<RawClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                RawClient c = RawClient.connect(dynup.port());
                clients.add(c);
                c.send("GET /" + i + " HTTP/1.1\r\nHost: t\r\n\r\n");
            }
            for (RawClient c : clients) {
                assertThat(c.read().status()).isEqualTo(200);
            }
            // a pool takes the connection back after the response went out
            await().untilAsserted(() -> assertThat(keepalive()).isEqualTo(3));
            assertThat(backend.accepted()).isEqualTo(3);

            // a reuse takes one out and puts it back: still three, not four
            clients.get(0).send("GET /again HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(clients.get(0).read().status()).isEqualTo(200);
            await().untilAsserted(() -> assertThat(keepalive()).isEqualTo(3));
            assertThat(backend.accepted()).isEqualTo(3);
        } finally {
            for (RawClient c : clients) {
                c.close();
            }
        }

        // the backend closing its end empties the pools
        backend.close();
        await().untilAsserted(() -> assertThat(keepalive()).isZero());
    }
}

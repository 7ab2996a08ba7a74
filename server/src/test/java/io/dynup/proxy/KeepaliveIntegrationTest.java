package io.dynup.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.dynup.testing.Backend;
import io.dynup.testing.DataPlaneChecks;
import io.dynup.testing.Dynup;
import io.dynup.testing.RawClient;
import io.dynup.testing.RawClient.Response;

/**
 * Upstream connection reuse, counted where it matters: connections the backend accepted.
 */
@ExtendWith(DataPlaneChecks.class)
class KeepaliveIntegrationTest {

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

    private void start(String upstreamExtra, String locationExtra) throws Exception {
        backend = Backend.start((req, res) -> res.respond(200, req.version() + " " + req.header("Connection")));
        dynup = Dynup.start("""
                upstream u { server %s; %s }
                server {
                    listen 127.0.0.1:$PORT;
                    location / { proxy_pass http://u; %s }
                }
                """.formatted(backend.address(), upstreamExtra, locationExtra));
    }

    private static final String REUSE = "proxy_http_version 1.1; proxy_set_header Connection \"\";";

    private void sequentialRequests(int n, boolean newClientEachTime) throws IOException {
        RawClient c = null;
        try {
            for (int i = 0; i < n; i++) {
                if (c == null || newClientEachTime) {
                    if (c != null) {
                        c.close();
                    }
                    c = RawClient.connect(dynup.port());
                }
                c.send("GET /" + i + " HTTP/1.1\r\nHost: t\r\n\r\n");
                Response r = c.read();
                assertThat(r.status()).isEqualTo(200);
            }
        } finally {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void hundredRequestsShareOneUpstreamConnection() throws Exception {
        start("keepalive 8;", REUSE);
        sequentialRequests(100, false);
        assertThat(backend.requestCount()).isEqualTo(100);
        assertThat(backend.accepted()).isEqualTo(1);
        assertThat(backend.requests().get(0).version()).isEqualTo("HTTP/1.1");
        assertThat(backend.requests().get(0).header("Connection")).isNull();
        // the idle connection stays open in the pool
        assertThat(backend.open()).isEqualTo(1);
    }

    @Test
    void reuseCrossesClientConnections() throws Exception {
        start("keepalive 8;", REUSE);
        sequentialRequests(20, true);
        assertThat(backend.accepted()).isEqualTo(1);
    }

    @Test
    void withoutKeepaliveEveryRequestConnects() throws Exception {
        start("", "");
        sequentialRequests(100, false);
        assertThat(backend.accepted()).isEqualTo(100);
        assertThat(backend.requests()).allSatisfy(r -> assertThat(r.header("Connection")).isEqualTo("close"));
        await().atMost(Duration.ofSeconds(5)).until(() -> backend.open() == 0);
    }

    @Test
    void keepaliveWithoutHttp11IsNotReused() throws Exception {
        // nginx needs both proxy_http_version 1.1 and an empty Connection header to keep the connection
        start("keepalive 8;", "");
        sequentialRequests(10, false);
        assertThat(backend.accepted()).isEqualTo(10);
    }

    @Test
    void upstreamKeepaliveRequestsBoundsReuse() throws Exception {
        start("keepalive 8; keepalive_requests 10;", REUSE);
        sequentialRequests(100, false);
        assertThat(backend.accepted()).isEqualTo(10);
    }

    @Test
    void upstreamKeepaliveTimeoutClosesIdleConnections() throws Exception {
        start("keepalive 8; keepalive_timeout 200ms;", REUSE);
        sequentialRequests(1, false);
        assertThat(backend.accepted()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> backend.open() == 0);
        sequentialRequests(1, false);
        assertThat(backend.accepted()).isEqualTo(2);
    }

    @Test
    void deadCachedConnectionCostsAReconnectNotAnError() throws Exception {
        // the backend answers the first request of a connection and closes at the second without a word: every
        // reuse of a cached connection fails, and nginx then grants another try, even to a single peer
        backend = Backend.start((req, res) -> {
            if (req.sequence() > 1) {
                res.closeAfter();
                return;
            }
            res.respond(200, "first");
        });
        dynup = Dynup.start("""
                upstream u { server %s; keepalive 8; }
                server { listen 127.0.0.1:$PORT; location / { proxy_pass http://u; %s } }
                """.formatted(backend.address(), REUSE));
        for (int i = 0; i < 10; i++) {
            Response r = RawClient.get(dynup.port(), "t", "/" + i);
            assertThat(r.status()).as("request %d", i).isEqualTo(200);
        }
        assertThat(backend.accepted()).isEqualTo(10);
        assertThat(backend.requestCount()).isEqualTo(19);
    }

    @Test
    void backendClosingAfterItsResponseIsNotAnError() throws Exception {
        // closing right after a keep-alive response races with the next request taking the connection
        backend = Backend.start((req, res) -> {
            res.respond(200, "once");
            res.closeAfter();
        });
        dynup = Dynup.start("""
                upstream u { server %s; keepalive 8; }
                server { listen 127.0.0.1:$PORT; location / { proxy_pass http://u; %s } }
                """.formatted(backend.address(), REUSE));
        for (int i = 0; i < 20; i++) {
            Response r = RawClient.get(dynup.port(), "t", "/");
            assertThat(r.status()).isEqualTo(200);
        }
    }
}

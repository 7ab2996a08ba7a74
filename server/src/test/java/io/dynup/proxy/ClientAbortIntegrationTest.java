package io.dynup.proxy;

import static io.dynup.testing.Payload.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.dynup.model.UpstreamKind;
import io.dynup.testing.Backend;
import io.dynup.testing.DataPlaneChecks;
import io.dynup.testing.Dynup;
import io.dynup.testing.Payload;
import io.dynup.testing.RawClient;

/**
 * A client that goes away mid-request: the upstream connection must be closed (not pooled half-read, not left
 * open until a timeout), the peer's {@code conns} must return to 0, and no buffer may leak.
 */
@ExtendWith(DataPlaneChecks.class)
class ClientAbortIntegrationTest {

    private Backend backend;
    private Dynup dynup;
    private final CountDownLatch uploadStarted = new CountDownLatch(1);

    @BeforeEach
    void start() throws Exception {
        backend = Backend.start((req, res) -> {
            switch (req.uri()) {
                case "/endless" -> {
                    long n = 1024L * MIB;
                    OutputStream out = res.out();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + n + "\r\n\r\n").getBytes());
                    Payload.write(out, n, false, p -> { });
                }
                case "/hang" -> res.hangUntilClosed();
                case "/upload" -> {
                    InputStream body = req.body();
                    byte[] buf = new byte[64 * 1024];
                    uploadStarted.countDown();
                    while (body.read(buf) >= 0) {
                        // read until the body ends or the proxy closes the connection
                    }
                    res.respond(200, "read it all");
                }
                default -> res.respond(200, "ok");
            }
        });
        // proxy_read_timeout is long: only the client's going away may end these requests
        dynup = Dynup.start("""
                upstream u { server %s; keepalive 8; }
                server {
                    listen 127.0.0.1:$PORT;
                    client_max_body_size 0;
                    location / {
                        proxy_pass http://u;
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                        proxy_read_timeout 60s;
                    }
                }
                """.formatted(backend.address()));
    }

    @AfterEach
    void stop() {
        if (dynup != null) {
            dynup.close();
        }
        backend.close();
    }

    private int conns() {
        return dynup.upstreams().getPeers(UpstreamKind.HTTP, "u").get().get(0).state().conns();
    }

    private void upstreamConnectionIsGone() {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(backend.open()).as("open backend connections").isZero();
            assertThat(conns()).as("peer conns").isZero();
        });
        assertThat(backend.errors()).isEmpty();
    }

    @Test
    void closingDuringADownloadClosesTheUpstream() throws Exception {
        try (RawClient c = RawClient.connect(dynup.port())) {
            c.send("GET /endless HTTP/1.1\r\nHost: t\r\n\r\n");
            c.readHead();
            c.in().readNBytes(MIB);
        }
        upstreamConnectionIsGone();
        // and the proxy still serves
        assertThat(RawClient.get(dynup.port(), "t", "/").text()).isEqualTo("ok");
    }

    @Test
    void closingWhileWaitingForTheHeadClosesTheUpstream() throws Exception {
        try (RawClient c = RawClient.connect(dynup.port())) {
            c.send("GET /hang HTTP/1.1\r\nHost: t\r\n\r\n");
            await().atMost(Duration.ofSeconds(5)).until(() -> backend.requestCount() == 1);
        }
        // nginx notices at once (proxy_ignore_client_abort off), long before proxy_read_timeout
        upstreamConnectionIsGone();
    }

    @Test
    void closingDuringAnUploadClosesTheUpstream() throws Exception {
        try (RawClient c = RawClient.connect(dynup.port())) {
            c.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: " + 64 * MIB + "\r\n\r\n");
            c.send(new byte[4 * MIB]);
            assertThat(uploadStarted.await(5, TimeUnit.SECONDS)).isTrue();
        }
        upstreamConnectionIsGone();
    }
}

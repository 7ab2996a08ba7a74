package io.dynup.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.EOFException;
import java.io.IOException;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.dynup.model.UpstreamKind;
import io.dynup.testing.Backend;
import io.dynup.testing.DataPlaneChecks;
import io.dynup.testing.Dynup;
import io.dynup.testing.RawClient;
import io.dynup.testing.RawClient.Response;

/**
 * Upstreams that answer wrongly or stop halfway, and the odd but valid answers a byte-forwarding proxy must
 * frame right. A broken answer before its head reached the client is a 502; after, the client connection is
 * closed so the client sees the truncation, and it must never hang.
 */
@ExtendWith(DataPlaneChecks.class)
class UpstreamFailureIntegrationTest {

    private static Backend backend;
    private static Dynup dynup;

    @BeforeAll
    static void start() throws Exception {
        backend = Backend.start((req, res) -> {
            switch (req.uri()) {
                case "/garbage" -> {
                    res.raw("HELLO WORLD\r\n\r\n");
                    res.closeAfter();
                }
                case "/bad-header" -> {
                    res.raw("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nBad\u0000Header: x\r\n\r\nok");
                    res.closeAfter();
                }
                case "/huge-head" -> {
                    res.raw("HTTP/1.1 200 OK\r\nX-Big: " + "h".repeat(5000) + "\r\nContent-Length: 2\r\n\r\nok");
                    res.closeAfter();
                }
                case "/cl-and-te" -> {
                    res.raw("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n"
                            + "2\r\nok\r\n0\r\n\r\n");
                    res.closeAfter();
                }
                case "/cut-length" -> {
                    res.raw("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + "a".repeat(30000));
                    res.closeAfter();
                }
                case "/cut-chunked" -> {
                    res.raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4000\r\n" + "b".repeat(0x4000)
                            + "\r\n4000\r\n" + "c".repeat(100));
                    res.closeAfter();
                }
                case "/bad-chunk" -> {
                    res.raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n");
                    // stays open: the proxy must not wait for more
                    res.hangUntilClosed();
                }
                case "/until-close" -> {
                    res.raw("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n" + "d".repeat(50000));
                    res.closeAfter();
                }
                case "/204" -> res.raw("HTTP/1.1 204 No Content\r\nX-A: 1\r\n\r\n");
                case "/304" -> res.raw("HTTP/1.1 304 Not Modified\r\nETag: \"e\"\r\nContent-Length: 1234\r\n\r\n");
                case "/continue" -> res.raw("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"
                                            + "final");
                case "/head-chunked" -> res.raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
                default -> res.respond(200, "default");
            }
        });
        dynup = Dynup.start("""
                upstream u { server %1$s max_fails=0; keepalive 4; }
                upstream counted { server %1$s max_fails=1; server 127.0.0.1:1 down; }
                server {
                    listen 127.0.0.1:$PORT;
                    location / {
                        proxy_pass http://u;
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                        proxy_read_timeout 3s;
                    }
                    location /counted/ { proxy_pass http://counted/; }
                }
                """.formatted(backend.address()));
    }

    @AfterAll
    static void stop() {
        if (dynup != null) {
            dynup.close();
        }
        backend.close();
    }

    private static void peerIsReleased() {
        await().atMost(Duration.ofSeconds(5)).until(
                () -> dynup.upstreams().getPeers(UpstreamKind.HTTP, "u").get().get(0).state().conns() == 0);
    }

    private static void is502(String path) throws IOException {
        Response r = RawClient.get(dynup.port(), "t", path);
        assertThat(r.status()).as(path).isEqualTo(502);
        assertThat(r.text()).contains("<title>502 Bad Gateway</title>");
        peerIsReleased();
    }

    @Test
    void garbageIs502() throws IOException {
        is502("/garbage");
    }

    @Test
    void invalidHeaderIs502() throws IOException {
        is502("/bad-header");
    }

    @Test
    void headBeyondProxyBufferSizeIs502() throws IOException {
        is502("/huge-head");
    }

    @Test
    void contentLengthWithTransferEncodingIs502() throws IOException {
        is502("/cl-and-te");
    }

    private static void truncated(String path) throws IOException {
        try (RawClient c = RawClient.connect(dynup.port())) {
            c.send("GET " + path + " HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThatThrownBy(c::read).as(path).isInstanceOf(EOFException.class);
        }
        peerIsReleased();
    }

    @Test
    void upstreamClosingMidBodyClosesTheClient() throws IOException {
        truncated("/cut-length");
    }

    @Test
    void failureAfterTheHeadDoesNotCountTowardMaxFails() throws IOException {
        // nginx frees the peer as a success once the response has begun (ngx_http_upstream_finalize_request)
        truncated("/counted/cut-length");
        assertThat(dynup.upstreams().getPeers(UpstreamKind.HTTP, "counted").get().get(0).state().fails()).isZero();
        // a failure before the head does count
        is502("/counted/garbage");
        assertThat(dynup.upstreams().getPeers(UpstreamKind.HTTP, "counted").get().get(0).state().fails()).isOne();
    }

    @Test
    void truncationClosesAtOnceEvenWithARequestBodyPending() throws IOException {
        // the client is still to send most of its body: the connection must not linger for it, the client
        // must learn at once that its response is cut
        try (RawClient c = RawClient.connect(dynup.port())) {
            c.send("POST /cut-length HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n0123456789");
            long from = System.nanoTime();
            assertThatThrownBy(c::read).isInstanceOf(EOFException.class);
            assertThat((System.nanoTime() - from) / 1_000_000).isLessThan(2_500L);
        }
        peerIsReleased();
    }

    @Test
    void upstreamClosingMidChunkClosesTheClient() throws IOException {
        truncated("/cut-chunked");
    }

    @Test
    void invalidChunkFramingClosesTheClient() throws IOException {
        truncated("/bad-chunk");
    }

    @Test
    void bodyUntilCloseReachesAnHttp11Client() throws IOException {
        try (RawClient c = RawClient.connect(dynup.port())) {
            c.send("GET /until-close HTTP/1.1\r\nHost: t\r\n\r\n");
            Response r = c.read();
            assertThat(r.header("Connection")).isEqualTo("close");
            assertThat(r.bodyLength()).isEqualTo(50000);
            assertThat(c.awaitClosed()).isTrue();
        }
        peerIsReleased();
    }

    @Test
    void headerOnlyStatusesKeepTheConnectionInStep() throws IOException {
        try (RawClient c = RawClient.connect(dynup.port())) {
            c.send("GET /204 HTTP/1.1\r\nHost: t\r\n\r\n");
            Response r = c.read();
            assertThat(r.status()).isEqualTo(204);
            assertThat(r.header("X-A")).isEqualTo("1");
            c.send("GET /304 HTTP/1.1\r\nHost: t\r\n\r\n");
            r = c.read();
            assertThat(r.status()).isEqualTo(304);
            // a 304's Content-Length describes the representation, not a body that follows
            assertThat(r.header("Content-Length")).isEqualTo("1234");
            c.send("GET /plain HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(c.read().text()).isEqualTo("default");
        }
    }

    @Test
    void headAnswerWithChunkedHeaderHasNoBody() throws IOException {
        try (RawClient c = RawClient.connect(dynup.port())) {
            c.send("HEAD /head-chunked HTTP/1.1\r\nHost: t\r\n\r\n");
            Response r = c.read(true);
            assertThat(r.status()).isEqualTo(200);
            c.send("GET /plain HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(c.read().text()).isEqualTo("default");
        }
    }

    @Test
    void interimResponsesAreNotForwarded() throws IOException {
        Response r = RawClient.get(dynup.port(), "t", "/continue");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text()).isEqualTo("final");
    }
}

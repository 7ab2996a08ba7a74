package io.dynup.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.dynup.model.UpstreamKind;
import io.dynup.testing.Backend;
import io.dynup.testing.Blackhole;
import io.dynup.testing.DataPlaneChecks;
import io.dynup.testing.Dynup;
import io.dynup.testing.RawClient;
import io.dynup.testing.RawClient.Response;
import io.dynup.upstream.Peer;

/**
 * proxy_next_upstream through the real server: refused peers, all peers refused, retries switched off, a status
 * that retries, and the two timeouts. Each case has its own upstream so balancer state does not leak between them.
 */
@ExtendWith(DataPlaneChecks.class)
class RetryIntegrationTest {

    private static Backend ok;
    private static Backend ok2;
    private static Backend unavailable;
    private static Backend unavailable2;
    private static Backend silent;
    private static Blackhole blackhole;
    private static String refused;
    private static String refused2;
    private static Dynup dynup;

    @BeforeAll
    static void start() throws Exception {
        ok = Backend.start((req, res) -> res.respond(200, "ok"));
        ok2 = Backend.start((req, res) -> res.respond(200, "ok2"));
        unavailable = Backend.start((req, res) -> res.respond(503, "busy"));
        unavailable2 = Backend.start((req, res) -> res.respond(503, "busy2"));
        silent = Backend.start((req, res) -> res.hangUntilClosed());
        blackhole = Blackhole.start();
        // free ports nobody listens on: connecting is refused at once
        refused = "127.0.0.1:" + Dynup.freePort();
        refused2 = "127.0.0.1:" + Dynup.freePort();
        dynup = Dynup.start("""
                upstream next { server %1$s max_fails=1 fail_timeout=30; server %2$s; }
                upstream dead { server %1$s; server %3$s; }
                upstream off { server %1$s; server %2$s; }
                upstream status { server %4$s; server %5$s; }
                upstream passes503 { server %4$s; }
                upstream silent { server %6$s; }
                upstream silentthenok { server %6$s; server %5$s; }
                upstream blackhole { server %7$s; }
                upstream all503 { server %4$s max_fails=0; server %8$s max_fails=0; }
                upstream post { server %6$s max_fails=0; server %5$s; }
                upstream postretried { server %6$s max_fails=0; server %5$s; }
                server {
                    listen 127.0.0.1:$PORT;
                    location /next { proxy_pass http://next; }
                    location /dead { proxy_pass http://dead; }
                    location /off { proxy_pass http://off; proxy_next_upstream off; }
                    location /status { proxy_pass http://status; proxy_next_upstream error timeout http_503; }
                    location /passes503 { proxy_pass http://passes503; }
                    location /silent { proxy_pass http://silent; proxy_read_timeout 500ms; }
                    location /silentthenok { proxy_pass http://silentthenok; proxy_read_timeout 500ms; }
                    location /blackhole { proxy_pass http://blackhole; proxy_connect_timeout 300ms; }
                    location /all503 { proxy_pass http://all503; proxy_next_upstream error timeout http_503; }
                    location /post { proxy_pass http://post; proxy_read_timeout 500ms; }
                    location /postretried {
                        proxy_pass http://postretried;
                        proxy_read_timeout 500ms;
                        proxy_next_upstream error timeout non_idempotent;
                    }
                }
                """.formatted(refused, ok.address(), refused2, unavailable.address(), ok2.address(),
                              silent.address(), blackhole.address(), unavailable2.address()));
    }

    @AfterAll
    static void stop() throws IOException {
        if (dynup != null) {
            dynup.close();
        }
        for (Backend b : List.of(ok, ok2, unavailable, unavailable2, silent)) {
            b.close();
        }
        blackhole.close();
    }

    private static Response get(String path) throws IOException {
        return RawClient.get(dynup.port(), "t", path);
    }

    private static List<Peer> peers(String upstream) {
        return dynup.upstreams().getPeers(UpstreamKind.HTTP, upstream).get();
    }

    @Test
    void refusedPeerIsSkippedAndMarkedFailed() throws IOException {
        int before = ok.requestCount();
        for (int i = 0; i < 4; i++) {
            Response r = get("/next");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).isEqualTo("ok");
        }
        assertThat(ok.requestCount() - before).isEqualTo(4);
        Peer dead = peers("next").get(0);
        // tried once, failed once, then out for fail_timeout: max_fails=1 keeps it from being tried again
        assertThat(dead.state().fails()).isEqualTo(1);
        // the peer is released on the event loop right after the last byte went out: the client may be faster
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(peers("next"))
                .allSatisfy(p -> assertThat(p.state().conns()).isZero()));
    }

    @Test
    void allPeersRefusedIs502WithNginxPage() throws IOException {
        Response r = get("/dead");
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.head().startLine()).isEqualTo("HTTP/1.1 502 Bad Gateway");
        assertThat(r.header("Content-Type")).isEqualTo("text/html");
        assertThat(r.text()).isEqualTo("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
                                       + "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>dynup</center>\r\n"
                                       + "</body>\r\n</html>\r\n");
        // both were tried and are now out; the next request finds no live upstream and says 502 too
        assertThat(peers("dead")).allSatisfy(p -> assertThat(p.state().fails()).isEqualTo(1));
        assertThat(get("/dead").status()).isEqualTo(502);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(peers("dead"))
                .allSatisfy(p -> assertThat(p.state().conns()).isZero()));
    }

    @Test
    void nextUpstreamOffAnswers502AtOnce() throws IOException {
        int before = ok.requestCount();
        // the first pick of equal weights is the first server, the refused one
        Response r = get("/off");
        assertThat(r.status()).isEqualTo(502);
        assertThat(ok.requestCount()).isEqualTo(before);
    }

    @Test
    void http503IsRetriedWhenListed() throws IOException {
        int before = unavailable.requestCount();
        for (int i = 0; i < 3; i++) {
            Response r = get("/status");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).isEqualTo("ok2");
        }
        // asked once, counted as a failure (max_fails=1), then left alone
        assertThat(unavailable.requestCount() - before).isEqualTo(1);
        assertThat(peers("status").get(0).state().fails()).isEqualTo(1);
    }

    @Test
    void http503PassesWhenNotListed() throws IOException {
        Response r = get("/passes503");
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.text()).isEqualTo("busy");
        assertThat(r.header("Server")).isEqualTo("dynup");
    }

    @Test
    void silentBackendIs504AfterTheReadTimeout() throws IOException {
        long start = System.nanoTime();
        Response r = get("/silent");
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(r.status()).isEqualTo(504);
        assertThat(r.text()).contains("<title>504 Gateway Time-out</title>");
        assertThat(ms).isBetween(450L, 5_000L);
        await().atMost(Duration.ofSeconds(5)).until(() -> peers("silent").get(0).state().conns() == 0);
    }

    @Test
    void readTimeoutMovesOnToTheNextPeer() throws IOException {
        Response r = get("/silentthenok");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text()).isEqualTo("ok2");
    }

    @Test
    void connectTimeoutIs504() throws IOException {
        long start = System.nanoTime();
        Response r = get("/blackhole");
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(r.status()).isEqualTo(504);
        assertThat(ms).isBetween(250L, 5_000L);
        await().atMost(Duration.ofSeconds(5)).until(() -> peers("blackhole").get(0).state().conns() == 0);
    }

    @Test
    void lastListedStatusGoesToTheClientAsItIs() throws IOException {
        // both peers say 503: the second answer is not retried (no peer left) and passes through, as in nginx
        Response r = get("/all503");
        assertThat(r.status()).isEqualTo(503);
        assertThat(r.text()).isIn("busy", "busy2");
        assertThat(unavailable.requestCount() + unavailable2.requestCount()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void sentPostIsNotRepeated() throws IOException {
        int before = ok2.requestCount();
        Response r = RawClient.exchange(dynup.port(),
                "POST /post HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        // the first peer got the POST and timed out: it may have acted on it, so nginx answers 504
        assertThat(r.status()).isEqualTo(504);
        assertThat(ok2.requestCount()).isEqualTo(before);
    }

    @Test
    void sentPostIsRepeatedWithNonIdempotent() throws IOException {
        Response r = RawClient.exchange(dynup.port(),
                "POST /postretried HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text()).isEqualTo("ok2");
    }
}

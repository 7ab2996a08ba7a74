package io.dynup.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.dynup.testing.DataPlaneChecks;
import io.dynup.testing.Dynup;
import io.dynup.testing.RawClient;
import io.dynup.testing.RawClient.Response;

/**
 * The http core's own answers and connection handling, compared with nginx 1.22.1: header-only statuses, HEAD,
 * request bodies nobody reads, redirects, keepalive_requests and keepalive_timeout.
 */
@ExtendWith(DataPlaneChecks.class)
class HttpCoreIntegrationTest {

    private static Dynup dynup;

    @BeforeAll
    static void start() throws Exception {
        dynup = Dynup.start("""
                keepalive_requests 3;
                keepalive_timeout 400ms;
                client_header_timeout 500ms;
                client_body_timeout 500ms;
                server {
                    listen 127.0.0.1:$PORT;
                    location /204 { return 204; }
                    location /200 { return 200 "hello"; }
                    location /302 { return 302 /there; }
                    location /301abs { return 301 http://elsewhere.test/x; }
                    location /444 { return 444; }
                    location /404 { return 404; }
                }
                """);
    }

    @AfterAll
    static void stop() {
        if (dynup != null) {
            dynup.close();
        }
    }

    @Test
    void noContentHasNoBodyHeaders() throws IOException {
        try (RawClient c = RawClient.connect(dynup.port())) {
            c.send("GET /204 HTTP/1.1\r\nHost: t\r\n\r\n");
            Response r = c.read();
            assertThat(r.head().startLine()).isEqualTo("HTTP/1.1 204 No Content");
            assertThat(r.header("Content-Length")).isNull();
            assertThat(r.header("Content-Type")).isNull();
            assertThat(r.header("Connection")).isEqualTo("keep-alive");
            c.send("GET /200 HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(c.read().text()).isEqualTo("hello");
        }
    }

    @Test
    void headGetsTheHeadOfGet() throws IOException {
        try (RawClient c = RawClient.connect(dynup.port())) {
            c.send("HEAD /200 HTTP/1.1\r\nHost: t\r\n\r\n");
            Response r = c.read(true);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Content-Length")).isEqualTo("5");
            assertThat(r.header("Content-Type")).isEqualTo("text/plain");
            // no body followed: the next response starts right away
            c.send("GET /200 HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(c.read().text()).isEqualTo("hello");
        }
    }

    @Test
    void unreadBodyIsDiscardedAndTheConnectionGoesOn() throws IOException {
        try (RawClient c = RawClient.connect(dynup.port())) {
            // body and the next request in one packet
            c.send("POST /200 HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nabcde"
                   + "POST /200 HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
            assertThat(c.read().header("Connection")).isEqualTo("keep-alive");
            assertThat(c.read().text()).isEqualTo("hello");
        }
        try (RawClient c = RawClient.connect(dynup.port())) {
            // the answer goes out before the body arrives; the body that follows is dropped, not parsed as a request
            c.send("POST /200 HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n");
            Response r = c.read();
            assertThat(r.text()).isEqualTo("hello");
            c.send("x".repeat(100_000));
            c.send("GET /200 HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(c.read().text()).isEqualTo("hello");
        }
    }

    @Test
    void relativeRedirectBecomesAbsoluteAsNginxMakesIt() throws IOException {
        Response r = RawClient.get(dynup.port(), "Site.Test:8080", "/302");
        assertThat(r.head().startLine()).isEqualTo("HTTP/1.1 302 Moved Temporarily");
        assertThat(r.header("Location")).isEqualTo("http://site.test:" + dynup.port() + "/there");
        assertThat(r.text()).contains("<title>302 Found</title>");
        Response noHost = RawClient.exchange(dynup.port(), "GET /302 HTTP/1.0\r\n\r\n");
        assertThat(noHost.header("Location")).isEqualTo("http://127.0.0.1:" + dynup.port() + "/there");
        Response abs = RawClient.get(dynup.port(), "t", "/301abs");
        assertThat(abs.header("Location")).isEqualTo("http://elsewhere.test/x");
    }

    @Test
    void return444ClosesWithoutAnswer() throws IOException {
        try (RawClient c = RawClient.connect(dynup.port())) {
            c.send("GET /444 HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(c.awaitClosed()).isTrue();
        }
    }

    @Test
    void keepaliveRequestsClosesAfterTheLimit() throws IOException {
        try (RawClient c = RawClient.connect(dynup.port())) {
            c.send("GET /200 HTTP/1.1\r\nHost: t\r\n\r\n".repeat(4));
            assertThat(c.read().header("Connection")).isEqualTo("keep-alive");
            assertThat(c.read().header("Connection")).isEqualTo("keep-alive");
            assertThat(c.read().header("Connection")).isEqualTo("close");
            assertThat(c.awaitClosed()).isTrue();
        }
    }

    @Test
    void keepaliveTimeoutClosesAnIdleConnection() throws IOException {
        try (RawClient c = RawClient.connect(dynup.port())) {
            c.send("GET /200 HTTP/1.1\r\nHost: t\r\n\r\n");
            c.read();
            long idleFrom = System.nanoTime();
            assertThat(c.awaitClosed()).isTrue();
            long ms = (System.nanoTime() - idleFrom) / 1_000_000;
            assertThat(ms).isBetween(300L, 5_000L);
        }
    }

    @Test
    void aConnectionThatNeverSendsIsClosedToo() throws IOException {
        try (RawClient c = RawClient.connect(dynup.port())) {
            assertThat(c.awaitClosed()).isTrue();
        }
    }

    @Test
    void aHalfSentHeadIsNotLeftOpenForever() throws IOException {
        // nginx's client_header_timeout closes it without an answer
        try (RawClient c = RawClient.connect(dynup.port())) {
            c.send("GET /200 HTTP/1.1\r\nHo");
            long from = System.nanoTime();
            assertThat(c.awaitClosed()).isTrue();
            assertThat((System.nanoTime() - from) / 1_000_000).isBetween(400L, 5_000L);
        }
    }

    @Test
    void aBodyThatStopsComingIsNotWaitedForForever() throws IOException {
        // answered at once, then the rest of the body is discarded: client_body_timeout bounds the wait
        try (RawClient c = RawClient.connect(dynup.port())) {
            c.send("POST /200 HTTP/1.1\r\nHost: t\r\nContent-Length: 1000\r\n\r\nabc");
            assertThat(c.read().text()).isEqualTo("hello");
            assertThat(c.awaitClosed()).isTrue();
        }
    }

    @Test
    void expectContinueIsAnsweredBeforeTheBodyIsDiscarded() throws IOException {
        try (RawClient c = RawClient.connect(dynup.port())) {
            // nginx sends 100 Continue, then the answer, and reads and drops the body the client then sends
            c.send("POST /200 HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
            assertThat(c.readHead().startLine()).isEqualTo("HTTP/1.1 100 Continue");
            Response r = c.read();
            assertThat(r.text()).isEqualTo("hello");
            assertThat(r.header("Connection")).isEqualTo("keep-alive");
            c.send("abcde");
            c.send("GET /200 HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(c.read().text()).isEqualTo("hello");
        }
    }

    @Test
    void expectContinueWithoutBodyUnreadIsNotMistakenForTheNextRequest() throws IOException {
        try (RawClient c = RawClient.connect(dynup.port())) {
            // a handler that never looks at the body (404): the connection closes rather than parse a body
            // that the client may never send as the next request
            c.send("POST /nowhere HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
            Response r = c.read();
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.header("Connection")).isEqualTo("close");
        }
    }

    @Test
    void bodiesAboveNginxsDefaultLimitAreRefused() throws IOException {
        // client_max_body_size is 1m unless configured
        try (RawClient c = RawClient.connect(dynup.port())) {
            c.send("POST /200 HTTP/1.1\r\nHost: t\r\nContent-Length: " + (1024 * 1024 + 1) + "\r\n\r\n");
            Response r = c.read();
            assertThat(r.status()).isEqualTo(413);
            assertThat(r.header("Connection")).isEqualTo("close");
        }
    }
}

package io.dynup.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.dynup.testing.Backend;
import io.dynup.testing.DataPlaneChecks;
import io.dynup.testing.Dynup;
import io.dynup.testing.RawClient;
import io.dynup.testing.RawClient.Response;

/**
 * Plain proxying through the real server to two loopback backends that echo what they received: balancing,
 * the head sent upstream, the head sent back, client protocol versions, pipelining, URI replacement.
 */
@ExtendWith(DataPlaneChecks.class)
class ProxyIntegrationTest {

    private static Backend b1;
    private static Backend b2;
    private static Dynup dynup;

    /** The backend's name, then what it received: request line and the headers the tests look at. */
    private static Backend.Handler echo(String name) {
        return (req, res) -> {
            String body = name + "\n" + req.head().startLine() + "\nHost: " + req.header("Host")
                          + "\nConnection: " + req.header("Connection") + "\nX-Test: " + req.header("X-Test")
                          + "\nX-Client: " + req.header("X-Client") + "\n";
            res.respond(200, "X-Backend: " + name + "\r\n", body.getBytes());
        };
    }

    @BeforeAll
    static void start() throws Exception {
        b1 = Backend.start(echo("b1"));
        b2 = Backend.start(echo("b2"));
        dynup = Dynup.start("""
                upstream u {
                    server %s;
                    server %s;
                }
                server {
                    listen 127.0.0.1:$PORT;
                    location / { proxy_pass http://u; }
                    location /x/ { proxy_pass http://u/y/; }
                    location /set/ {
                        proxy_pass http://u;
                        proxy_set_header Host $host;
                        proxy_set_header X-Test "hello";
                        proxy_set_header X-Client $http_x_client;
                    }
                    location /direct/ { proxy_pass http://%s; }
                }
                """.formatted(b1.address(), b2.address(), b1.address()));
    }

    @AfterAll
    static void stop() {
        if (dynup != null) {
            dynup.close();
        }
        b1.close();
        b2.close();
    }

    private static Response get(String path) throws IOException {
        return RawClient.get(dynup.port(), "front.test", path);
    }

    @Test
    void roundRobinAlternatesBetweenTheBackends() throws IOException {
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            seen.add(get("/rr").header("X-Backend"));
        }
        // equal weights: smooth WRR alternates, whichever peer starts
        for (int i = 1; i < seen.size(); i++) {
            assertThat(seen.get(i)).as("pick %d of %s", i, seen).isNotEqualTo(seen.get(i - 1));
        }
    }

    @Test
    void upstreamGetsNginxDefaultHead() throws IOException {
        Response r = get("/a/b?c=d");
        assertThat(r.status()).isEqualTo(200);
        String[] lines = r.text().split("\n");
        assertThat(lines[1]).isEqualTo("GET /a/b?c=d HTTP/1.0");
        assertThat(lines[2]).isEqualTo("Host: u");
        assertThat(lines[3]).isEqualTo("Connection: close");
    }

    @Test
    void responseHeadIsRewrittenAsNginxDoes() throws IOException {
        Response r = get("/h");
        assertThat(r.version()).isEqualTo("HTTP/1.1");
        assertThat(r.head().headers("Server")).containsExactly("dynup");
        assertThat(r.head().headers("Date")).hasSize(1);
        assertThat(r.header("Date")).doesNotContain("1970").endsWith("GMT");
        assertThat(r.header("X-Backend")).isNotNull();
        assertThat(r.header("Content-Length")).isEqualTo(Integer.toString(r.body().length));
        assertThat(r.head().headers("Connection")).containsExactly("close"); // the request said close
    }

    @Test
    void http11ClientKeepsItsConnection() throws IOException {
        try (RawClient c = RawClient.connect(dynup.port())) {
            for (int i = 0; i < 3; i++) {
                c.send("GET /k" + i + " HTTP/1.1\r\nHost: front.test\r\n\r\n");
                Response r = c.read();
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.header("Connection")).isEqualTo("keep-alive");
                assertThat(r.text()).contains("GET /k" + i + " HTTP/1.0");
            }
        }
    }

    @Test
    void http10ClientGetsCloseAndTheConnectionCloses() throws IOException {
        try (RawClient c = RawClient.connect(dynup.port())) {
            c.send("GET /ten HTTP/1.0\r\n\r\n");
            Response r = c.read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.version()).isEqualTo("HTTP/1.1");
            assertThat(r.header("Connection")).isEqualTo("close");
            assertThat(r.text()).contains("GET /ten HTTP/1.0");
            assertThat(c.awaitClosed()).isTrue();
        }
    }

    @Test
    void http10ClientWithKeepAliveKeepsItsConnection() throws IOException {
        try (RawClient c = RawClient.connect(dynup.port())) {
            for (int i = 0; i < 2; i++) {
                c.send("GET /ten HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
                Response r = c.read();
                assertThat(r.header("Connection")).isEqualTo("keep-alive");
            }
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws IOException {
        try (RawClient c = RawClient.connect(dynup.port())) {
            // one write, so the three requests arrive in one packet
            c.send("GET /p1 HTTP/1.1\r\nHost: front.test\r\n\r\n"
                   + "GET /p2 HTTP/1.1\r\nHost: front.test\r\n\r\n"
                   + "GET /p3 HTTP/1.1\r\nHost: front.test\r\nConnection: close\r\n\r\n");
            for (int i = 1; i <= 3; i++) {
                Response r = c.read();
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.text()).contains("GET /p" + i + " HTTP/1.0");
            }
            assertThat(c.awaitClosed()).isTrue();
        }
    }

    @Test
    void proxyPassUriReplacesTheLocationPrefix() throws IOException {
        assertThat(get("/x/abc?q=1").text()).contains("GET /y/abc?q=1 HTTP/1.0");
        assertThat(get("/x/").text()).contains("GET /y/ HTTP/1.0");
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0} -> {1}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        // what nginx 1.22.1 sends upstream for proxy_pass http://u/y/ in location /x/: the rest of $uri
        // (decoded, normalized), escaped again, and the query as received
        "/x/abc?q=1      | /y/abc?q=1",
        "/x//abc         | /y/abc",
        "//x/abc         | /y/abc",
        "/x/./abc        | /y/abc",
        "/x/../x/c       | /y/c",
        "/x/a%20b        | /y/a%20b",
        "/x/a%3fb        | /y/a%3Fb",
        "/x/a%2Fb        | /y/a/b",
        "/x/%41b         | /y/Ab",
        "/x/%E2%82%AC    | /y/%E2%82%AC",
        "/x/a%25b        | /y/a%25b",
        "/x/a%22b?%41    | /y/a\"b?%41",
        // a fragment is no part of $uri or $args
        "/x/a#b          | /y/a",
        "/x/a#b?c        | /y/a",
        "/x/a?b#c?d      | /y/a?b",
        "/x/a%23b        | /y/a%23b"})
    void proxyPassUriIsBuiltFromTheNormalizedPath(String sent, String forwarded) throws IOException {
        assertThat(get(sent).text()).contains("GET " + forwarded + " HTTP/1.0");
    }

    @Test
    void withoutUriPartTheRequestUriGoesAsReceived() throws IOException {
        assertThat(get("/plain//a%41?x").text()).contains("GET /plain//a%41?x HTTP/1.0");
        assertThat(get("/plain?q=1#frag").text()).contains("GET /plain?q=1#frag HTTP/1.0");
    }

    @Test
    void locationWithoutTrailingSlashRedirects() throws IOException {
        Response r = get("/x?a=b");
        assertThat(r.status()).isEqualTo(301);
        // absolute, as nginx's absolute_redirect makes it
        assertThat(r.header("Location")).isEqualTo("http://front.test:" + dynup.port() + "/x/?a=b");
    }

    @Test
    void proxySetHeaderOverridesAndAdds() throws IOException {
        Response r = RawClient.exchange(dynup.port(), "GET /set/1 HTTP/1.1\r\nHost: Front.Test:99\r\n"
                + "X-Test: from-client\r\nX-Client: c1\r\nConnection: close\r\n\r\n");
        String[] lines = r.text().split("\n");
        assertThat(lines[2]).isEqualTo("Host: front.test");
        assertThat(lines[4]).isEqualTo("X-Test: hello");
        assertThat(lines[5]).isEqualTo("X-Client: c1");
    }

    @Test
    void proxyHostOfAnAddressIsTheAddress() throws IOException {
        Response r = get("/direct/");
        assertThat(r.header("X-Backend")).isEqualTo("b1");
        assertThat(r.text()).contains("Host: " + b1.address());
    }

    @Test
    void headRequestGetsHeadersOnly() throws IOException {
        try (RawClient c = RawClient.connect(dynup.port())) {
            c.send("HEAD /head HTTP/1.1\r\nHost: front.test\r\n\r\n");
            Response r = c.read(true);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Content-Length")).isNotNull();
            // the connection goes on: a body sent after a HEAD head would show up as garbage here
            c.send("GET /after-head HTTP/1.1\r\nHost: front.test\r\n\r\n");
            assertThat(c.read().text()).contains("GET /after-head");
        }
    }
}

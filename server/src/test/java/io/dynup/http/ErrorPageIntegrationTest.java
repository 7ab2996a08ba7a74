package io.dynup.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.dynup.config.ConfigException;
import io.dynup.server.TestConfigs;
import io.dynup.testing.Backend;
import io.dynup.testing.DataPlaneChecks;
import io.dynup.testing.Dynup;
import io.dynup.testing.RawClient;
import io.dynup.testing.RawClient.Response;

/**
 * {@code error_page}, with the answers nginx 1.22.1 gives to the same configuration: internal redirects keep the
 * error's status (or take {@code =CODE}'s, or with {@code =} the page's), run as GET, reach named locations; URLs
 * redirect the client; only errors dynup makes are replaced, an upstream's own 502 passes through.
 */
@ExtendWith(DataPlaneChecks.class)
class ErrorPageIntegrationTest {

    private static Backend fine;
    private static Backend failing;
    private static Dynup dynup;

    @BeforeAll
    static void start() throws Exception {
        fine = Backend.start((req, resp) -> resp.respond(200, req.method() + " fine"));
        failing = Backend.start((req, resp) -> resp.respond(502, "upstream says no"));
        int closed = Dynup.freePort();
        dynup = Dynup.start("""
                server {
                    listen 127.0.0.1:$PORT;
                    error_page 502 /err?x=1;
                    error_page 404 =200 @named;
                    error_page 403 = /own;
                    location /p { proxy_pass http://127.0.0.1:%d; }
                    location /p2 { error_page 502 =503 /err; proxy_pass http://127.0.0.1:%d; }
                    location /p3 { error_page 502 /fine; proxy_pass http://127.0.0.1:%d; }
                    location /upstream502 { proxy_pass http://127.0.0.1:%d; }
                    location /err { return 200 "err $uri $args $request_method $request_uri"; }
                    location /own { return 201 "own"; }
                    location /f { deny all; }
                    location /gone { return 404; }
                    location @named { return 200 "named $uri"; }
                    location /loop { error_page 404 /nothere; return 404; }
                    location /proxied404 { error_page 404 /fine; return 404; }
                    location /fine { proxy_pass http://127.0.0.1:%d; }
                    location /url { error_page 404 http://example.com/e; return 404; }
                    location /url301 { error_page 404 =301 http://example.com/f; return 404; }
                    location /nonamed { error_page 404 @missing; return 404; }
                    location /cycle { recursive_error_pages on; error_page 404 /cycle; return 404; }
                }
                """.formatted(closed, closed, closed, failing.port(), fine.port()));
    }

    @AfterAll
    static void stop() {
        if (dynup != null) {
            dynup.close();
        }
        fine.close();
        failing.close();
    }

    private static Response post(String path) throws IOException {
        return RawClient.exchange(dynup.port(), "POST " + path + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
    }

    @Test
    void aProxyErrorRedirectsInternallyWithItsStatus() throws IOException {
        Response r = post("/p");
        assertThat(r.head().startLine()).isEqualTo("HTTP/1.1 502 Bad Gateway");
        assertThat(r.header("Content-Type")).isEqualTo("text/plain");
        assertThat(r.text()).isEqualTo("err /err x=1 GET /p");
        Response over = post("/p2");
        assertThat(over.head().startLine()).isEqualTo("HTTP/1.1 503 Service Temporarily Unavailable");
        assertThat(over.text()).isEqualTo("err /err  GET /p2");
    }

    @Test
    void overwriteAndNamedLocations() throws IOException {
        Response named = post("/gone");
        assertThat(named.status()).isEqualTo(200);
        assertThat(named.text()).isEqualTo("named /gone");
        Response own = post("/f");
        assertThat(own.status()).isEqualTo(201);
        assertThat(own.text()).isEqualTo("own");
    }

    @Test
    void anUpstreamsOwnErrorPassesThrough() throws IOException {
        Response r = RawClient.get(dynup.port(), "t", "/upstream502");
        assertThat(r.status()).isEqualTo(502);
        assertThat(r.text()).isEqualTo("upstream says no");
    }

    @Test
    void aProxiedPageGoesOutWithTheErrorsStatus() throws IOException {
        Response r = RawClient.get(dynup.port(), "t", "/proxied404");
        assertThat(r.head().startLine()).isEqualTo("HTTP/1.1 404 Not Found");
        assertThat(r.text()).isEqualTo("GET fine");
        // the page is asked for with GET, whatever the request's method
        Response p = post("/p3");
        assertThat(p.head().startLine()).isEqualTo("HTTP/1.1 502 Bad Gateway");
        assertThat(p.text()).isEqualTo("GET fine");
    }

    @Test
    void oneErrorPagePerRequest() throws IOException {
        Response r = RawClient.get(dynup.port(), "t", "/loop");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.text()).contains("<title>404 Not Found</title>");
    }

    @Test
    void aUrlRedirectsTheClient() throws IOException {
        Response r = RawClient.get(dynup.port(), "t", "/url");
        assertThat(r.head().startLine()).isEqualTo("HTTP/1.1 302 Moved Temporarily");
        assertThat(r.header("Location")).isEqualTo("http://example.com/e");
        assertThat(r.text()).contains("<title>302 Found</title>");
        Response p = RawClient.get(dynup.port(), "t", "/url301");
        assertThat(p.head().startLine()).isEqualTo("HTTP/1.1 301 Moved Permanently");
        assertThat(p.header("Location")).isEqualTo("http://example.com/f");
    }

    @Test
    void recursiveErrorPagesEndInACycleError() throws IOException {
        assertThat(RawClient.get(dynup.port(), "t", "/cycle").status()).isEqualTo(500);
    }

    @Test
    void aMissingNamedLocationIs500() throws IOException {
        assertThat(RawClient.get(dynup.port(), "t", "/nonamed").status()).isEqualTo(500);
    }

    @Test
    void configErrorsAreNginxs() {
        String[][] cases = {
            {"error_page 200 /x;", "value \"200\" must be between 300 and 599"},
            {"error_page = /x;", "invalid value \"=\""},
            {"error_page 404 =abc /x;", "invalid value \"=abc\""},
            {"error_page 499 /x;", "invalid value \"499\""},
            {"error_page 4x4 /x;", "invalid value \"4x4\""},
            {"error_page /x;", "invalid number of arguments in \"error_page\" directive"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> TestConfigs.check("events {}\nhttp {\n server {\n location / { " + c[0]
                                                       + " }\n }\n}\n"))
                    .isInstanceOf(ConfigException.class).hasMessage(c[1] + " in /t/nginx.conf:4");
        }
    }
}

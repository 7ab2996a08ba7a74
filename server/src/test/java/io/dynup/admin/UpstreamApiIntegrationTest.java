package io.dynup.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.dynup.config.ConfigException;
import io.dynup.model.UpstreamKind;
import io.dynup.testing.Backend;
import io.dynup.testing.DataPlaneChecks;
import io.dynup.testing.Dynup;
import io.dynup.testing.RawClient;

/**
 * The JSON API, the status page and the query API served by a real dynup on loopback: locations, methods,
 * headers (ETag, If-Match, Content-Type), bounded bodies in both framings, and the counters proxied traffic
 * leaves behind.
 */
@ExtendWith(DataPlaneChecks.class)
class UpstreamApiIntegrationTest {

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private Backend backend;
    private Dynup dynup;

    @BeforeEach
    void start() throws Exception {
        backend = Backend.start((req, res) -> res.respond(req.uri().equals("/missing") ? 404 : 200, "hello"));
        dynup = Dynup.start("""
                upstream backend { zone backend 64k; server %s; }
                upstream "a<b" { server 127.0.0.1:1 down; }
                server {
                    listen 127.0.0.1:$PORT;
                    location / { proxy_pass http://backend; }
                    location /api/ { upstream_api write=on; }
                    location /ro { upstream_api; }
                    location = /upstreams.html { upstream_status; }
                    location /dynamic { dynamic_upstream; }
                }
                """.formatted(backend.address()));
    }

    @AfterEach
    void stop() {
        dynup.close();
        backend.close();
    }

    @Test
    void readsAnswerJsonWithTheGenerationAsETag() throws Exception {
        HttpResponse<String> root = send("GET", "/api/", null, null);
        assertThat(root.statusCode()).isEqualTo(200);
        assertThat(root.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(root.body()).isEqualTo("[1,2,3,4,5,6,7,8,9]");
        HttpResponse<String> servers = send("GET", "/api/9/http/upstreams/backend/servers", null, null);
        assertThat(servers.headers().firstValue("ETag")).hasValue("\"1\"");
        assertThat(servers.body()).isEqualTo("[{\"id\":0,\"server\":\"" + backend.address() + "\",\"weight\":1,"
                + "\"max_conns\":0,\"max_fails\":1,\"fail_timeout\":\"10s\",\"backup\":false,\"down\":false}]");
        // a location without a trailing slash takes the rest of the path the same way
        assertThat(send("GET", "/ro/9/http/upstreams/backend/servers", null, null).body())
                .isEqualTo(servers.body());
    }

    @Test
    void writesChangeWhatTheProxyUses() throws Exception {
        try (Backend second = Backend.text("second")) {
            HttpResponse<String> created = send("POST", "/api/9/http/upstreams/backend/servers", "\"1\"",
                                                "{\"server\":\"" + second.address() + "\",\"weight\":2}");
            assertThat(created.statusCode()).isEqualTo(201);
            assertThat(created.headers().firstValue("ETag")).hasValue("\"2\"");
            assertThat(created.body()).startsWith("{\"id\":1,");
            // the original peer goes down: every request goes to the new one
            assertThat(send("PATCH", "/api/9/http/upstreams/backend/servers/0", "\"2\"", "{\"down\":true}")
                    .statusCode()).isEqualTo(200);
            for (int i = 0; i < 3; i++) {
                assertThat(send("GET", "/", null, null).body()).isEqualTo("second");
            }
            assertThat(send("DELETE", "/api/9/http/upstreams/backend/servers/1", "\"2\"", null).statusCode())
                    .isEqualTo(412);
            assertThat(send("DELETE", "/api/9/http/upstreams/backend/servers/1", "\"3\"", null).body())
                    .isEqualTo("[{\"id\":0,\"server\":\"" + backend.address() + "\",\"weight\":1,"
                               + "\"max_conns\":0,\"max_fails\":1,\"fail_timeout\":\"10s\",\"backup\":false,"
                               + "\"down\":true}]");
            assertThat(send("GET", "/", null, null).statusCode()).isEqualTo(502);
        }
    }

    @Test
    void countersFollowProxiedTraffic() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(send("GET", "/", null, null).statusCode()).isEqualTo(200);
        }
        assertThat(send("GET", "/missing", null, null).statusCode()).isEqualTo(404);
        String status = send("GET", "/api/9/http/upstreams/backend", null, null).body();
        assertThat(status).contains("\"state\":\"up\"", "\"active\":0", "\"requests\":6",
                                    "\"responses\":{\"1xx\":0,\"2xx\":5,\"3xx\":0,\"4xx\":1,\"5xx\":0,"
                                    + "\"total\":6}", "\"fails\":0", "\"unavail\":0", "\"selected\":\"20",
                                    "\"zone\":\"backend\"");
    }

    @Test
    void aReadOnlyLocationRefusesWrites() throws Exception {
        HttpResponse<String> r = send("POST", "/ro/9/http/upstreams/backend/servers", null,
                                      "{\"server\":\"127.0.0.1:2\"}");
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.body()).contains("\"code\":\"MethodDisabled\"");
        assertThat(dynup.upstreams().getPeers(UpstreamKind.HTTP, "backend").get()).hasSize(1);
    }

    @Test
    void bodiesAreBoundedInBothFramings() throws Exception {
        String big = "{\"server\":\"127.0.0.1:2\",\"x\":\"" + "a".repeat(UpstreamApi.MAX_BODY) + "\"}";
        HttpResponse<String> r = send("POST", "/api/9/http/upstreams/backend/servers", null, big);
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.body()).contains("\"code\":\"BodyTooLarge\"");
        try (RawClient c = RawClient.connect(dynup.port())) {
            c.send("POST /api/9/http/upstreams/backend/servers HTTP/1.1\r\nHost: t\r\n"
                   + "Transfer-Encoding: chunked\r\n\r\n");
            String chunk = "a".repeat(16 * 1024);
            for (int i = 0; i < 5; i++) {
                c.send(Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n");
            }
            c.send("0\r\n\r\n");
            assertThat(c.read().status()).isEqualTo(413);
        }
        // a small chunked body is taken without its framing
        try (RawClient c = RawClient.connect(dynup.port())) {
            c.send("POST /api/9/http/upstreams/backend/servers HTTP/1.1\r\nHost: t\r\n"
                   + "Transfer-Encoding: chunked\r\n\r\n"
                   + "5\r\n{\"ser\r\n13\r\nver\":\"127.0.0.1:2\"}\r\n0\r\n\r\n");
            RawClient.Response created = c.read();
            assertThat(created.status()).isEqualTo(201);
            assertThat(created.text()).contains("\"server\":\"127.0.0.1:2\"");
            // and the connection goes on
            c.send("GET /api/9/http/upstreams/backend/servers/1 HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(c.read().status()).isEqualTo(200);
        }
        assertThat(dynup.upstreams().getPeers(UpstreamKind.HTTP, "backend").get()).hasSize(2);
    }

    @Test
    void statusPageListsPeersEscapedAndRefreshes() throws Exception {
        send("GET", "/", null, null);
        HttpResponse<String> page = send("GET", "/upstreams.html", null, null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.body()).contains("<meta http-equiv=\"refresh\" content=\"5\">",
                                         "http upstream backend", "<td class=\"l\">" + backend.address(),
                                         "http upstream a&lt;b", "<tr class=\"down\">")
                               .doesNotContain("a<b", "<script");
        assertThat(send("POST", "/upstreams.html", null, "x").statusCode()).isEqualTo(405);
    }

    @Test
    void theQueryApiRefusesPost() throws Exception {
        HttpResponse<String> r = send("POST", "/dynamic?upstream=backend", null, "");
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(r.body()).isEqualTo("only GET allowed");
        assertThat(send("GET", "/dynamic?upstream=backend", null, null).body())
                .isEqualTo("server " + backend.address() + " addr=" + backend.address() + ";\n");
    }

    @Test
    void writeTakesOnlyOnOrOff() {
        assertThatThrownBy(() -> Dynup.start("server { listen 127.0.0.1:$PORT; location /api/ { "
                                             + "upstream_api write=yes; } }"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid parameter \"write=yes\" in /t/nginx.conf:3");
    }

    private HttpResponse<String> send(String method, String path, String ifMatch, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + dynup.port() + path))
                .method(method, body == null ? BodyPublishers.noBody()
                        : BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (ifMatch != null) {
            b.header("If-Match", ifMatch);
        }
        return http.send(b.build(), BodyHandlers.ofString());
    }
}

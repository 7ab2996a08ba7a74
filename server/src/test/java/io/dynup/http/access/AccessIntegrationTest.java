package io.dynup.http.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.dynup.config.ConfigException;
import io.dynup.server.TestConfigs;
import io.dynup.testing.DataPlaneChecks;
import io.dynup.testing.Dynup;
import io.dynup.testing.LogCapture;
import io.dynup.testing.RawClient;
import io.dynup.testing.RawClient.Response;

/**
 * {@code allow}/{@code deny} compared with nginx 1.22.1, the client being 127.0.0.1: the first matching rule
 * decides, no match lets through, a location takes the nearest level's rules whole, and {@code return} answers
 * before access. A location without content answers 404, which tells "let through" from 403.
 */
@ExtendWith(DataPlaneChecks.class)
class AccessIntegrationTest {

    private static Dynup dynup;

    @BeforeAll
    static void start() throws Exception {
        dynup = Dynup.start("""
                allow 10.0.0.0/8;
                server {
                    listen 127.0.0.1:$PORT;
                    deny all;
                    location /inherit { }
                    location /own { allow 127.0.0.1; deny all; }
                    location /loopback { deny 127.0.0.0/8; allow all; }
                    location /nomatch { deny 10.0.0.0/8; }
                    location /v6 { allow ::1; allow unix:; deny all; }
                    location /return { return 200 "answered"; }
                    location /outer { allow all; location /outer/inner { } }
                }
                server {
                    listen 127.0.0.1:$PORT2;
                    location / { }
                }
                """);
    }

    @AfterAll
    static void stop() {
        if (dynup != null) {
            dynup.close();
        }
    }

    private static int status(int port, String path) throws IOException {
        return RawClient.get(port, "t", path).status();
    }

    @Test
    void theFirstMatchingRuleDecides() throws IOException {
        assertThat(status(dynup.port(), "/own")).isEqualTo(404);
        assertThat(status(dynup.port(), "/loopback")).isEqualTo(403);
        // no rule matches: let through
        assertThat(status(dynup.port(), "/nomatch")).isEqualTo(404);
        // IPv6 and unix: rules never match an IPv4 client
        assertThat(status(dynup.port(), "/v6")).isEqualTo(403);
    }

    @Test
    void aLocationTakesTheNearestLevelsRulesWhole() throws IOException {
        assertThat(status(dynup.port(), "/inherit")).isEqualTo(403);
        assertThat(status(dynup.port(), "/outer/inner")).isEqualTo(404);
        // the second server has none: the http level's allow 10.0.0.0/8 does not match, so it lets through
        assertThat(status(dynup.port2(), "/")).isEqualTo(404);
    }

    @Test
    void returnAnswersBeforeAccess() throws IOException {
        assertThat(RawClient.get(dynup.port(), "t", "/return").text()).isEqualTo("answered");
    }

    @Test
    void aDeniedRequestGetsNginxsPageAndLogLine() throws IOException {
        try (LogCapture log = LogCapture.of(AccessModule.class)) {
            Response r = RawClient.get(dynup.port(), "t", "/inherit");
            assertThat(r.head().startLine()).isEqualTo("HTTP/1.1 403 Forbidden");
            assertThat(r.header("Content-Type")).isEqualTo("text/html");
            assertThat(r.text()).contains("<head><title>403 Forbidden</title></head>");
            Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> !log.lines().isEmpty());
            assertThat(log.lines()).containsExactly("[error] access forbidden by rule, client: 127.0.0.1, "
                    + "server: , request: \"GET /inherit HTTP/1.1\", host: \"t\"");
        }
    }

    @Test
    void configErrorsAndWarningsAreNginxs() {
        for (String bad : new String[] {"foo", "1.2.3", "1.2.3.4/", "10.0.0.1/33", "::1/129", "localhost"}) {
            assertThatThrownBy(() -> TestConfigs.check(conf("allow " + bad + ";")))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("invalid parameter \"" + bad + "\" in /t/nginx.conf:4");
        }
        assertThatThrownBy(() -> TestConfigs.check(conf("deny;")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid number of arguments in \"deny\" directive in /t/nginx.conf:4");
        try (LogCapture log = LogCapture.of(AccessModule.class)) {
            TestConfigs.check(conf("allow 10.0.0.1/8; location /a { } location /b { }"));
            // once, though two locations and the server inherit it
            assertThat(log.lines()).containsExactly(
                    "[warn] low address bits of 10.0.0.1/8 are meaningless in /t/nginx.conf:4");
        }
    }

    private static String conf(String serverBody) {
        return "events {}\nhttp {\n server {\n " + serverBody + "\n }\n}\n";
    }
}

package io.dynup.proxy;

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
import io.dynup.testing.Backend;
import io.dynup.testing.DataPlaneChecks;
import io.dynup.testing.Dynup;
import io.dynup.testing.LogCapture;
import io.dynup.testing.RawClient;
import io.dynup.testing.RawClient.Response;

/**
 * {@code proxy_pass} with variables, compared with nginx 1.22.1 without a {@code resolver}: an upstream name or
 * an address works, a URI part goes as it is, any other host is a 502 with nginx's error line.
 */
@ExtendWith(DataPlaneChecks.class)
class ProxyPassVariablesIntegrationTest {

    private static Backend backend;
    private static Dynup dynup;

    @BeforeAll
    static void start() throws Exception {
        backend = Backend.start((req, resp) -> resp.respond(200, req.uri() + " " + req.header("Host")));
        dynup = Dynup.start("""
                upstream be { server 127.0.0.1:%d; }
                server {
                    listen 127.0.0.1:$PORT;
                    location /v/ { proxy_pass http://$arg_b; }
                    location /u/ { proxy_pass http://$arg_b/x$uri; }
                    location /s/ { proxy_pass $arg_b; }
                }
                """.formatted(backend.port()));
    }

    @AfterAll
    static void stop() {
        if (dynup != null) {
            dynup.close();
        }
        backend.close();
    }

    @Test
    void anUpstreamNameOrAnAddressIsProxiedTo() throws IOException {
        assertThat(RawClient.get(dynup.port(), "t", "/v/a?b=be").text()).isEqualTo("/v/a?b=be be");
        String addr = "127.0.0.1:" + backend.port();
        assertThat(RawClient.get(dynup.port(), "t", "/v/a?b=" + addr).text()).isEqualTo("/v/a?b=" + addr + " " + addr);
    }

    @Test
    void aUriPartGoesAsItIs() throws IOException {
        assertThat(RawClient.get(dynup.port(), "t", "/u/a?b=be").text()).isEqualTo("/x/u/a be");
    }

    @Test
    void anyOtherHostNeedsAResolver() throws IOException {
        try (LogCapture log = LogCapture.of(VariableProxyHandler.class)) {
            Response r = RawClient.get(dynup.port(), "t", "/v/a?b=nohost.example");
            assertThat(r.status()).isEqualTo(502);
            // an upstream name with a port is a host name to nginx
            assertThat(RawClient.get(dynup.port(), "t", "/v/a?b=be:80").status()).isEqualTo(502);
            Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> log.lines().size() == 2);
            assertThat(log.lines()).containsExactly(
                    "[error] no resolver defined to resolve nohost.example, client: 127.0.0.1, server: , "
                    + "request: \"GET /v/a?b=nohost.example HTTP/1.1\", host: \"t\"",
                    "[error] no resolver defined to resolve be, client: 127.0.0.1, server: , "
                    + "request: \"GET /v/a?b=be:80 HTTP/1.1\", host: \"t\"");
        }
    }

    @Test
    void aUrlWithoutHttpIs500() throws IOException {
        assertThat(RawClient.get(dynup.port(), "t", "/s/a?b=ftp://x").status()).isEqualTo(500);
    }

    @Test
    void anUnknownVariableIsAConfigError() {
        assertThatThrownBy(() -> TestConfigs.check("events {}\nhttp {\n server {\n location / { proxy_pass "
                                                   + "http://$nosuch; }\n }\n}\n"))
                .isInstanceOf(ConfigException.class).hasMessage("unknown \"nosuch\" variable");
    }
}

package io.dynup.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import io.dynup.config.ConfigException;
import io.dynup.config.ConfigParser;
import io.dynup.config.CoreDirectives;

class HealthChecksTest {

    private static final Path FILE = Path.of("/etc/dynup/nginx.conf");

    private static UpstreamSpec bind(String block, String body) {
        String text = block + " {\n upstream u {\n  server 127.0.0.1:9090;\n" + body + "\n }\n}\n";
        return UpstreamConfig.bind(ConfigParser.parseString(text, FILE, CoreDirectives.table()),
                                   HostResolver.system()).get(0);
    }

    @Test
    void everyDirectiveIsBound() {
        HealthCheck c = bind("http", "  check fall=3 rise=2 interval=100ms timeout=1500 type=http port=8081 "
                                     + "keepalive=5 initial=up;\n"
                                     + "  check_request_uri HEAD /health;\n"
                                     + "  check_request_headers Host=app X-A=1;\n"
                                     + "  check_request_body ping;\n"
                                     + "  check_response_codes 200 204;\n"
                                     + "  check_response_body ok.*;").check();
        assertThat(c).isEqualTo(new HealthCheck(HealthCheck.Type.HTTP, 3, 2, Duration.ofMillis(100),
                                                Duration.ofMillis(1500), 8081, 5, true, "HEAD", "/health",
                                                List.of("Host=app", "X-A=1"), "ping", List.of(200, 204), "ok.*",
                                                false, false, List.of(), List.of(), false));
        assertThat(c.passes(204)).isTrue();
        assertThat(c.passes(302)).isFalse();
    }

    @Test
    void defaultsAreATcpConnectEvery10sAndNewPeersWaitForAPass() {
        HealthCheck c = bind("stream", "  check;").check();
        assertThat(c).isEqualTo(HealthCheck.defaults());
        assertThat(c.interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.initialUp()).isFalse();
        assertThat(c.passes(301)).isTrue();
        assertThat(bind("http", "").check()).isNull();
    }

    @Test
    void disabledAndExcludedHostsAreBoundInAnyCheckType() {
        HealthCheck c = bind("stream", "  check type=tcp;\n  check_disable_host 10.0.0.1:80;\n"
                                       + "  check_disable_host 10.0.0.2:80;\n  check_exclude_host 10.0.0.3:80;")
                .check();
        assertThat(c.disabledHosts()).containsExactly("10.0.0.1:80", "10.0.0.2:80");
        assertThat(c.excludedHosts()).containsExactly("10.0.0.3:80");
        assertThat(c.disables(PeerSpec.of("10.0.0.2:80", "10.0.0.2:80", null))).isTrue();
        assertThat(c.probes(PeerSpec.of("10.0.0.3:80", "10.0.0.3:80", null))).isFalse();
        assertThat(c.probes(PeerSpec.of("10.0.0.4:80", "10.0.0.4:80", null))).isTrue();
    }

    @Test
    void sslWithARequestUriInAnHttpUpstreamIsAnHttpsCheck() {
        HealthCheck c = bind("http", "  check type=ssl;\n"
                                     + "  check_request_uri GET /health;\n"
                                     + "  check_request_headers Host=app;\n"
                                     + "  check_response_codes 200;").check();
        assertThat(c.type()).isEqualTo(HealthCheck.Type.HTTP);
        assertThat(c.ssl()).isTrue();
        assertThat(c.uri()).isEqualTo("/health");
        assertThat(c.responseCodes()).containsExactly(200);
    }

    @ParameterizedTest
    @CsvSource({"http,ssl,true", "stream,ssl,true", "http,tcp,false", "stream,tcp,false"})
    void tcpAndSslChecksSendARequestAndMatchTheResponseInBothUpstreamKinds(String block, String type,
                                                                          boolean ssl) {
        // the module's Redis example: the lexer turns \r\n into CR LF, as nginx, and keeps \+ for the regex
        HealthCheck c = bind(block, "  check type=" + type + ";\n"
                                    + "  check_request_body \"multi\\r\\ninfo replication\\r\\n\";\n"
                                    + "  check_response_body \"(\\+OK).*(role:master)\";").check();
        assertThat(c.type()).isEqualTo(HealthCheck.Type.TCP);
        assertThat(c.ssl()).isEqualTo(ssl);
        assertThat(c.requestBody()).isEqualTo("multi\r\ninfo replication\r\n");
        assertThat(c.responseBody()).isEqualTo("(\\+OK).*(role:master)");
    }

    @Test
    void aStreamUpstreamTakesAnHttpCheckOnItsStatusPortAsTheModuleDoes() {
        HealthCheck c = bind("stream", "  check type=http port=8081;\n  check_request_uri GET /health;\n"
                                       + "  check_response_codes 200;").check();
        assertThat(c.type()).isEqualTo(HealthCheck.Type.HTTP);
        assertThat(c.port()).isEqualTo(8081);
        assertThat(bind("stream", "  check type=ssl;\n  check_request_uri GET /health;").check().type())
                .as("https").isEqualTo(HealthCheck.Type.HTTP);
    }

    @Test
    void aChangedCheckIsAChangedUpstreamForReload() {
        assertThat(bind("http", "check fall=2;").sameConfig(bind("http", "check fall=2;"))).isTrue();
        assertThat(bind("http", "check fall=2;").sameConfig(bind("http", "check fall=3;"))).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "http|check fall=0;|invalid parameter \"fall=0\" in /etc/dynup/nginx.conf:4",
        "http|check type=udp;|invalid parameter \"type=udp\" in /etc/dynup/nginx.conf:4",
        "http|check interval=abc;|invalid parameter \"interval=abc\" in /etc/dynup/nginx.conf:4",
        "http|check timeout=0;|invalid parameter \"timeout=0\" in /etc/dynup/nginx.conf:4",
        "http|check port=70000;|invalid parameter \"port=70000\" in /etc/dynup/nginx.conf:4",
        "http|check jitter=1s;|invalid parameter \"jitter=1s\" in /etc/dynup/nginx.conf:4",
        "http|check; check;|\"check\" directive is duplicate in /etc/dynup/nginx.conf:4",
        "http|check_response_codes 200;|\"check_response_codes\" directive requires \"check\" in the same upstream"
            + " in /etc/dynup/nginx.conf:4",
        "http|check; check_response_codes 200;|\"check_response_codes\" directive requires \"check type=http\""
            + " in /etc/dynup/nginx.conf:4",
        "http|check type=http; check_response_codes 99;|invalid parameter \"99\" in /etc/dynup/nginx.conf:4",
        "http|check type=http; check_response_body (;|invalid regex \"(\" in \"check_response_body\" directive:"
            + " Unclosed group in /etc/dynup/nginx.conf:4",
        "http|check type=http; check_request_uri GET health;|invalid value \"GET health\" in \"check_request_uri\""
            + " directive in /etc/dynup/nginx.conf:4",
        "http|check type=http; check_request_headers novalue;|invalid parameter \"novalue\""
            + " in /etc/dynup/nginx.conf:4",
        "http|check type=ssl; check_response_codes 200;|\"check_response_codes\" directive requires"
            + " \"check_request_uri\" with \"check type=ssl\" in /etc/dynup/nginx.conf:4",
        "http|check type=tcp; check_request_headers a=1;|\"check_request_headers\" directive requires"
            + " \"check type=http\" in /etc/dynup/nginx.conf:4",
        "stream|check type=tls;|invalid parameter \"type=tls\" in /etc/dynup/nginx.conf:4",
        "http|check type=http; check_request_uri GET;|invalid number of arguments in \"check_request_uri\""
            + " directive in /etc/dynup/nginx.conf:4",
    })
    void errorsNameTheTokenAndTheLine(String block, String body, String message) {
        assertThatThrownBy(() -> bind(block, body)).isInstanceOf(ConfigException.class).hasMessage(message);
    }
}

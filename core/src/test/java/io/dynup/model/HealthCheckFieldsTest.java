package io.dynup.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The health check's API shape: ngx_dynamic_healthcheck's keys, out and back in. */
class HealthCheckFieldsTest {

    private static HealthCheck http() {
        return HealthCheck.defaults().toBuilder().type(HealthCheck.Type.HTTP).fall(2).rise(1)
                .timeout(Duration.ofMillis(1500)).interval(Duration.ofSeconds(60)).method("GET").uri("/heartbeat")
                .requestHeaders(List.of("aaa=333", "bbb=444")).requestBody("hello")
                .responseCodes(List.of(200, 201)).responseBody(".*").build();
    }

    private static HealthCheck apply(HealthCheck c, Map<String, ?> raw) {
        Result<java.util.function.UnaryOperator<HealthCheck>> r = HealthCheckFields.parse(raw);
        assertThat(r.error()).isNull();
        return r.get().apply(c);
    }

    private static String error(Map<String, ?> raw) {
        return HealthCheckFields.parse(raw).error();
    }

    @Test
    void anHttpCheckShowsTheModulesKeys() {
        assertThat(HealthCheckFields.view(http())).isEqualTo(Map.ofEntries(
                Map.entry("type", "http"), Map.entry("fall", 2), Map.entry("rise", 1), Map.entry("timeout", 1500L),
                Map.entry("interval", 60L), Map.entry("keepalive", 1),
                Map.entry("command", Map.of("uri", "/heartbeat", "method", "GET",
                                            "headers", Map.of("aaa", "333", "bbb", "444"), "body", "hello",
                                            "expected", Map.of("body", ".*", "codes", List.of(200, 201)))),
                Map.entry("disabled", 0), Map.entry("off", 0), Map.entry("disabled_hosts", List.of()),
                Map.entry("excluded_hosts", List.of())));
    }

    @Test
    void aTcpConnectHasNoCommandAndASubSecondIntervalIsFractional() {
        HealthCheck tcp = HealthCheck.defaults().toBuilder().interval(Duration.ofMillis(500)).port(8081)
                .disabled(true).disabledHosts(List.of("10.0.0.1:80")).build();
        Map<String, Object> v = HealthCheckFields.view(tcp);
        assertThat(v).doesNotContainKey("command").containsEntry("interval", 0.5).containsEntry("port", 8081)
                .containsEntry("disabled", 1).containsEntry("disabled_hosts", List.of("10.0.0.1:80"));
        assertThat(HealthCheckFields.view(HealthCheck.defaults())).doesNotContainKey("port");
    }

    @Test
    void aPartialUpdateChangesOnlyItsKeysWithLuaNumbersAndStrings() {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("codes", List.of(400.0, "500"));
        expected.put("body", "pong");
        HealthCheck c = apply(http(), Map.of(
                "fall", 100.0, "rise", "200", "timeout", 4000.0, "interval", 0.25, "disabled", 1.0, "off", true,
                "command", Map.of("uri", "/ping", "method", "POST", "headers", Map.of("a", 1.0), "body", "ping",
                                  "expected", expected)));
        assertThat(c).isEqualTo(http().toBuilder().fall(100).rise(200).timeout(Duration.ofMillis(4000))
                                        .interval(Duration.ofMillis(250)).disabled(true).off(true).uri("/ping")
                                        .method("POST").requestHeaders(List.of("a=1")).requestBody("ping")
                                        .responseCodes(List.of(400, 500)).responseBody("pong").build());
        assertThat(apply(http(), Map.of())).isEqualTo(http());
        assertThat(apply(http(), Map.of("interval", "500ms", "timeout", "2s")).interval())
                .isEqualTo(Duration.ofMillis(500));
        assertThat(apply(http(), Map.of("command", Map.of("body", "", "expected", Map.of("body", ""))))
                           .requestBody()).isNull();
    }

    @Test
    void whatGetShowsIsAcceptedBack() {
        assertThat(apply(HealthCheck.defaults(), HealthCheckFields.view(http()))).isEqualTo(http());
    }

    @Test
    void badValuesNameTheKeyAndWhatWasExpected() {
        assertThat(error(Map.of("fall", 0))).isEqualTo("fall: 0 (expected: an integer 1..1000)");
        assertThat(error(Map.of("rise", 2.5))).isEqualTo("rise: 2.5 (expected: an integer 1..1000)");
        assertThat(error(Map.of("type", "ssh"))).isEqualTo("type: \"ssh\" (expected: tcp, http or ssl)");
        assertThat(error(Map.of("timeout", "abc"))).startsWith("timeout: \"abc\" (expected: milliseconds 1..");
        assertThat(error(Map.of("interval", 0))).startsWith("interval: 0 (expected: seconds 0.001..");
        assertThat(error(Map.of("off", 2))).isEqualTo("off: 2 (expected: true, false, 1 or 0)");
        assertThat(error(Map.of("fal", 1))).isEqualTo("unknown parameter \"fal\" (expected: " + HealthCheckFields.KEYS
                                                      + ")");
        assertThat(error(Map.of("command", Map.of("url", "/")))).startsWith("unknown parameter \"command.url\"");
        assertThat(error(Map.of("command", Map.of("uri", "ping"))))
                .isEqualTo("command.uri: \"ping\" (expected: a path starting with /, without spaces)");
        assertThat(error(Map.of("command", Map.of("method", "get"))))
                .isEqualTo("command.method: \"get\" (expected: an upper-case method such as GET)");
        assertThat(error(Map.of("command", Map.of("expected", Map.of("codes", List.of(99))))))
                .isEqualTo("command.expected.codes: 99 (expected: statuses 100..599)");
        assertThat(error(Map.of("command", Map.of("expected", Map.of("body", "(")))))
                .startsWith("command.expected.body: invalid regex \"(\"");
        assertThat(error(Map.of("command", Map.of("headers", Map.of("a b", "1")))))
                .isEqualTo("command.headers: \"a b\" (expected: header names made of token characters)");
        assertThat(error(Map.of("command", "x"))).isEqualTo("command: \"x\" (expected: a table of named fields)");
        assertThat(error(Map.of("disabled_hosts", List.of(1)))).startsWith("disabled_hosts: 1 (expected: a list");
    }
}

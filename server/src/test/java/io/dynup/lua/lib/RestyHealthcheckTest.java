package io.dynup.lua.lib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.dynup.model.HealthCheck;

/** The mapping of spawn_checker's raw {@code http_req} onto the parts of a built-in check. */
class RestyHealthcheckTest {

    @Test
    void takesMethodUriHeadersAndBodyAndDropsWhatTheCheckerFramesItself() {
        RestyHealthcheck.Request r = RestyHealthcheck.parse(
                "POST /ping?x=1 HTTP/1.1\r\nHost: a.test\r\nContent-Length: 4\r\nConnection: keep-alive\r\n"
                + "Transfer-Encoding: chunked\r\nX-Probe:  a=b \r\n\r\nping");
        assertThat(r).isEqualTo(new RestyHealthcheck.Request("POST", "/ping?x=1", List.of("Host=a.test",
                                                                                         "X-Probe=a=b"), "ping"));
    }

    @Test
    void acceptsBareNewlinesAndNoHeaders() {
        assertThat(RestyHealthcheck.parse("HEAD / HTTP/1.0\n\n"))
                .isEqualTo(new RestyHealthcheck.Request("HEAD", "/", List.of(), null));
    }

    @Test
    void aHeaderWithAnEqualsSignInItsValueSurvivesTheCheck() {
        HealthCheck c = RestyHealthcheck.apply(HealthCheck.defaults(), new RestyHealthcheck.Options(
                "GET / HTTP/1.0\r\nCookie: k=v\r\n\r\n", false, 0, 100, 100, 1, 1, List.of()));
        assertThat(c.requestHeaders()).containsExactly("Cookie=k=v");
    }

    @Test
    void refusesWhatIsNotARequest() {
        assertThatThrownBy(() -> RestyHealthcheck.parse("GET /status")).hasMessage(
                "http_req: no empty line after the request line (expected: \"METHOD URI HTTP/1.x\\r\\n"
                + "[Name: value\\r\\n...]\\r\\n[body]\")");
        assertThatThrownBy(() -> RestyHealthcheck.parse("GET /s HTTP/1.0\r\nX: 1\r\n"))
                .hasMessageStartingWith("http_req: no empty line after the headers (expected: ");
        assertThatThrownBy(() -> RestyHealthcheck.parse("GET /a b HTTP/1.0\r\n\r\n"))
                .hasMessage("http_req: bad request line \"GET /a b HTTP/1.0\" (expected: METHOD URI HTTP/1.x)");
        assertThatThrownBy(() -> RestyHealthcheck.parse("G(T / HTTP/1.0\r\n\r\n"))
                .hasMessageStartingWith("http_req: bad request line");
        assertThatThrownBy(() -> RestyHealthcheck.parse("GET / HTTP/1.0\r\nBad Name: x\r\n\r\n"))
                .hasMessage("http_req: bad header line \"Bad Name: x\" (expected: Name: value)");
    }
}

package io.dynup.http.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** ngx_http_validate_host; the 400s were observed on nginx 1.22.1 except where noted. */
class HostsTest {

    @Test
    void normalizes() {
        Map<String, String> cases = Map.of(
                "Example.COM", "example.com",
                "example.com.", "example.com",
                "example.com:8080", "example.com",
                "example.com.:80", "example.com",
                "[::1]:80", "[::1]",
                "[::1]", "[::1]",
                ".example.com", ".example.com",
                "a\\b", "a\\b",
                "_", "_",
                "caf\u00e9.test", "caf\u00e9.test");
        cases.forEach((raw, want) -> assertThat(Hosts.normalize(raw)).as(raw).contains(want));
    }

    @Test
    void rejects() {
        for (String raw : new String[] {"", "a..b", "a/b", ":80", ".", "a.com:8..0", "a.com:a b", "a\u0000b",
            "a\u007fb", "..", "a.com./"}) {
            assertThat(Hosts.normalize(raw)).as("%s", raw).isEmpty();
        }
    }

    @Test
    void aDotInThePortKeepsTheHostsTrailingDot() {
        // ngx_http_validate_host only strips a dot that is the last one seen anywhere (not sent to nginx).
        assertThat(Hosts.normalize("a.:8.0")).contains("a.");
    }
}

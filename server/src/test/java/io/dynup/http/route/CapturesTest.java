package io.dynup.http.route;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Combining the captures of a server_name regex and location regexes as nginx keeps its variables. */
class CapturesTest {

    @Test
    void laterNumberedGroupsWinNamedOnesAccumulate() {
        // Observed on nginx 1.22.1: server_name ~^(?<sub>[a-z]+)\.named\.test$ then location ~ ^/(n)o
        // answered "n:www|n" for $sub|$1 with Host www.named.test and URI /no.
        Captures server = PcreRegex.compile("^(?<sub>[a-z]+)\\.named\\.test$", false).match("www.named.test");
        Captures location = PcreRegex.compile("^/(n)o", false).match("/no");

        Captures both = server.then(location);
        assertThat(both.named("sub")).isEqualTo("www");
        assertThat(both.group(1)).isEqualTo("n");
        assertThat(both.names()).containsExactly("sub");
        assertThat(server.then(Captures.NONE)).isSameAs(server);
        assertThat(Captures.NONE.then(location)).isSameAs(location);
        assertThat(both.toString()).isEqualTo("Captures[$0=/no, $1=n, sub=www]");
    }

    @Test
    void noneIsEmpty() {
        assertThat(Captures.NONE.isEmpty()).isTrue();
        assertThat(Captures.NONE.groupCount()).isZero();
        assertThat(Captures.NONE.group(1)).isEmpty();
        assertThat(Captures.NONE.named("x")).isNull();
    }
}

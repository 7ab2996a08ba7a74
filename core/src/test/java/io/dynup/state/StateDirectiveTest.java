package io.dynup.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.dynup.config.ConfigException;
import io.dynup.config.ConfigParser;
import io.dynup.config.CoreDirectives;
import io.dynup.model.UpstreamConfig;
import io.dynup.model.UpstreamSpec;

/** {@code state PATH;} in http and stream upstreams, with server lines (the baseline) beside it. */
class StateDirectiveTest {

    private static List<UpstreamSpec> bind(String text) {
        return UpstreamConfig.bind(ConfigParser.parseString(text, Path.of("/etc/dynup/nginx.conf"),
                                                            CoreDirectives.table()),
                                   host -> new InetAddress[] {InetAddress.getLoopbackAddress()});
    }

    @Test
    void relativePathsAreResolvedFromTheConfigFile() {
        List<UpstreamSpec> specs = bind("http { upstream a { state state/a.state; server 127.0.0.1; }\n"
                                        + " upstream b { server 127.0.0.1; } }\n"
                                        + "stream { upstream c { zone c 64k; state /var/lib/dynup/c.state; } }");

        assertThat(specs).extracting(UpstreamSpec::state)
                .containsExactly("/etc/dynup/state/a.state", null, "/var/lib/dynup/c.state");
        assertThat(specs.get(0).sameConfig(specs.get(0).withState("/elsewhere"))).isFalse();
    }

    @Test
    void twoUpstreamsCannotShareAFile() {
        assertThatThrownBy(() -> bind("http { upstream a { state x.state; server 127.0.0.1; }\n"
                                      + "upstream b { state /etc/dynup/x.state; server 127.0.0.1; } }"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("state file \"/etc/dynup/x.state\" is already used by upstream \"a\" in "
                            + "/etc/dynup/nginx.conf:2");
    }

    @Test
    void stateTakesOneArgumentInsideUpstreamsOnly() {
        assertThatThrownBy(() -> bind("http { upstream a { state; server 127.0.0.1; } }"))
                .hasMessage("invalid number of arguments in \"state\" directive in /etc/dynup/nginx.conf:1");
        assertThatThrownBy(() -> bind("http { state /x; }"))
                .hasMessage("\"state\" directive is not allowed here in /etc/dynup/nginx.conf:1");
    }
}

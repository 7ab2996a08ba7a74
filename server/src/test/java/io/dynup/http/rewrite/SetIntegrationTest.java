package io.dynup.http.rewrite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.dynup.config.ConfigException;
import io.dynup.server.TestConfigs;
import io.dynup.testing.DataPlaneChecks;
import io.dynup.testing.Dynup;
import io.dynup.testing.RawClient;

/**
 * {@code set $var value} compared with nginx 1.22.1: server-level sets run first, then the location's in order,
 * a set declares its variable everywhere (empty where it is not set), and nginx's configuration errors.
 */
@ExtendWith(DataPlaneChecks.class)
class SetIntegrationTest {

    private static Dynup dynup;

    @BeforeAll
    static void start() throws Exception {
        dynup = Dynup.start("""
                server {
                    listen 127.0.0.1:$PORT;
                    set $a "s";
                    location /x {
                        set $b "$a-l";
                        set $a "$b!";
                        return 200 "$a|$b|$c";
                    }
                    location /y { return 200 "[$a][$b]"; }
                    location /z { set $c 3; }
                    location /order { return 200 "[$late]"; set $late x; }
                    location /case { set $Mixed m; return 200 "[$Mixed]"; }
                    location /args { set $args "q=$arg_p"; return 200 "$args|$arg_q"; }
                    location /outer {
                        set $o outer;
                        location /outer/inner { return 200 "[$o]"; }
                    }
                }
                server {
                    listen 127.0.0.1:$PORT2;
                    set $who "server-level";
                    return 200 "$who $uri";
                }
                """);
    }

    @AfterAll
    static void stop() {
        if (dynup != null) {
            dynup.close();
        }
    }

    @Test
    void serverSetsRunBeforeTheLocationsInOrder() throws IOException {
        assertThat(RawClient.get(dynup.port(), "t", "/x").text()).isEqualTo("s-l!|s-l|");
        // $b is declared by the set in /x but never set here: empty, as nginx prints it
        assertThat(RawClient.get(dynup.port(), "t", "/y").text()).isEqualTo("[s][]");
    }

    @Test
    void returnAndSetRunInConfigurationOrder() throws IOException {
        assertThat(RawClient.get(dynup.port(), "t", "/order").text()).isEqualTo("[]");
        assertThat(RawClient.get(dynup.port(), "t", "/case").text()).isEqualTo("[m]");
    }

    @Test
    void aNestedLocationDoesNotInheritItsParentsSets() throws IOException {
        assertThat(RawClient.get(dynup.port(), "t", "/outer/inner").text()).isEqualTo("[]");
    }

    @Test
    void argsMayBeSet() throws IOException {
        assertThat(RawClient.get(dynup.port(), "t", "/args?p=1").text()).isEqualTo("q=1|1");
    }

    @Test
    void aServerLevelReturnSeesTheServerLevelSets() throws IOException {
        assertThat(RawClient.get(dynup.port2(), "t", "/any").text()).isEqualTo("server-level /any");
    }

    @Test
    void configErrorsAreNginxs() {
        assertThatThrownBy(() -> TestConfigs.check(conf("set foo 1;")))
                .isInstanceOf(ConfigException.class).hasMessage("invalid variable name \"foo\" in /t/nginx.conf:4");
        assertThatThrownBy(() -> TestConfigs.check(conf("location /z { set $uri 1; }")))
                .isInstanceOf(ConfigException.class).hasMessage("the duplicate \"uri\" variable in /t/nginx.conf:4");
        assertThatThrownBy(() -> TestConfigs.check(conf("return 200 $foo;")))
                .isInstanceOf(ConfigException.class).hasMessage("unknown \"foo\" variable");
        assertThatThrownBy(() -> TestConfigs.check("events {}\nhttp {\n set $a 1;\n}\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("\"set\" directive is not allowed here in /t/nginx.conf:3");
        assertThatThrownBy(() -> TestConfigs.check(conf("set $a;")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("invalid number of arguments in \"set\" directive in /t/nginx.conf:4");
    }

    @Test
    void aSetAnywhereDeclaresTheVariableForEveryServer() {
        TestConfigs.check("events {}\nhttp {\n server { location / { return 200 $later; } }\n"
                          + " server { listen 1; set $later x; }\n}\n");
    }

    private static String conf(String serverBody) {
        return "events {}\nhttp {\n server {\n " + serverBody + "\n }\n}\n";
    }
}

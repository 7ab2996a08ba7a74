package io.dynup.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.dynup.testing.DataPlaneChecks;
import io.dynup.testing.Dynup;
import io.dynup.testing.RawClient;
import io.dynup.testing.RawClient.Response;

/**
 * Location precedence and server selection through the real server: each block answers with {@code return}, so
 * the body says which one was chosen. The expectations are nginx 1.22.1's for the same configuration.
 */
@ExtendWith(DataPlaneChecks.class)
class RoutingIntegrationTest {

    private static Dynup dynup;

    @BeforeAll
    static void start() throws Exception {
        dynup = Dynup.start("""
                server {
                    listen 127.0.0.1:$PORT;
                    server_name a.test www.a.test;
                    default_type text/plain;
                    location = / { return 200 "exact root"; }
                    location / { return 200 "prefix root"; }
                    location /docs/ { return 200 "prefix docs"; }
                    location /docs/api/ { return 200 "prefix docs api"; }
                    location ^~ /images/ { return 200 "noregex images"; }
                    location ~* \\.(gif|jpg)$ { return 200 "regex image $1"; }
                    location ~ ^/docs/(\\w+)\\.html$ { return 200 "regex html $1"; }
                    location ~ ^/user/(?<name>[a-z]+)/(\\d+)$ { return 200 "user $name $2"; }
                    location = /exact { return 200 "exact"; }
                    location /vars/ { return 200 "$uri|$request_uri|$args|$arg_b"; }
                    location /nested/ {
                        location ~ \\.txt$ { return 200 "nested regex"; }
                        return 200 "nested prefix";
                    }
                }
                server {
                    listen 127.0.0.1:$PORT default_server;
                    server_name default.test;
                    return 200 "default server";
                }
                server {
                    listen 127.0.0.1:$PORT;
                    server_name *.wild.test;
                    location / { return 200 "wildcard front"; }
                }
                server {
                    listen 127.0.0.1:$PORT;
                    server_name mail.*;
                    location / { return 200 "wildcard back"; }
                }
                server {
                    listen 127.0.0.1:$PORT;
                    server_name ~^(?<sub>[a-z]+)\\.re\\.test$;
                    location / { return 200 "regex server $sub"; }
                }
                server {
                    listen 127.0.0.1:$PORT2;
                    server_name other.test;
                    location / { return 200 "only server of port 2"; }
                }
                """);
    }

    @AfterAll
    static void stop() {
        if (dynup != null) {
            dynup.close();
        }
    }

    static Stream<Arguments> locations() {
        return Stream.of(
                Arguments.of("/", "exact root"),
                Arguments.of("/index.html", "prefix root"),
                Arguments.of("/docs/x", "prefix docs"),
                Arguments.of("/docs/api/x", "prefix docs api"),
                // a regex beats the longest prefix...
                Arguments.of("/docs/page.html", "regex html page"),
                // ...only when it matches
                Arguments.of("/docs/api/page.html", "prefix docs api"),
                // ^~ stops the regex search
                Arguments.of("/images/a.gif", "noregex images"),
                Arguments.of("/other/a.gif", "regex image gif"),
                Arguments.of("/other/a.JPG", "regex image JPG"),
                Arguments.of("/docs/a.gif", "regex image gif"),
                Arguments.of("/user/bob/42", "user bob 42"),
                Arguments.of("/user/bob/x", "prefix root"),
                Arguments.of("/exact", "exact"),
                Arguments.of("/exact/", "prefix root"),
                Arguments.of("/exactly", "prefix root"),
                Arguments.of("/nested/a.txt", "nested regex"),
                Arguments.of("/nested/a.html", "nested prefix"),
                // matched on the normalized path: decoded, dot segments resolved, slashes merged
                Arguments.of("/%64ocs/x", "prefix docs"),
                Arguments.of("/docs/../images/a.gif", "noregex images"),
                Arguments.of("//docs//x", "prefix docs"),
                Arguments.of("/docs/x?q=/images/", "prefix docs"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("locations")
    void locationPrecedence(String path, String expected) throws IOException {
        Response r = RawClient.get(dynup.port(), "a.test", path);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text()).isEqualTo(expected);
        // return's text is typed by the extension of $uri, from nginx's built-in html/gif/jpg, as nginx does
        String type = path.endsWith(".html") ? "text/html" : path.endsWith(".gif") ? "image/gif"
                : path.toLowerCase(java.util.Locale.ROOT).endsWith(".jpg") ? "image/jpeg" : "text/plain";
        assertThat(r.header("Content-Type")).isEqualTo(type);
        assertThat(r.header("Content-Length")).isEqualTo(Integer.toString(expected.length()));
    }

    static Stream<Arguments> hosts() {
        return Stream.of(
                Arguments.of("a.test", "exact root"),
                Arguments.of("www.a.test", "exact root"),
                Arguments.of("A.Test:8080", "exact root"),
                Arguments.of("a.test.", "exact root"),
                Arguments.of("x.wild.test", "wildcard front"),
                Arguments.of("x.y.wild.test", "wildcard front"),
                Arguments.of("mail.example.org", "wildcard back"),
                Arguments.of("foo.re.test", "regex server foo"),
                Arguments.of("unknown.test", "default server"),
                Arguments.of("default.test", "default server"));
    }

    @ParameterizedTest(name = "Host: {0} -> {1}")
    @MethodSource("hosts")
    void serverByHost(String host, String expected) throws IOException {
        Response r = RawClient.get(dynup.port(), host, "/");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.text()).isEqualTo(expected);
    }

    @Test
    void http10WithoutHostGoesToTheDefaultServer() throws IOException {
        Response r = RawClient.exchange(dynup.port(), "GET / HTTP/1.0\r\n\r\n");
        assertThat(r.text()).isEqualTo("default server");
        assertThat(r.version()).isEqualTo("HTTP/1.1");
        assertThat(r.header("Connection")).isEqualTo("close");
    }

    @Test
    void absoluteFormHostWinsOverTheHostHeader() throws IOException {
        Response r = RawClient.exchange(dynup.port(),
                "GET http://x.wild.test/ HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n");
        assertThat(r.text()).isEqualTo("wildcard front");
    }

    @Test
    void eachListenerHasItsOwnDefaultServer() throws IOException {
        Response r = RawClient.get(dynup.port2(), "a.test", "/");
        assertThat(r.text()).isEqualTo("only server of port 2");
    }

    @Test
    void serverLevelReturnAnswersEveryRequest() throws IOException {
        // nginx runs a server-level return in the server rewrite phase, before a location is even looked up
        Response r = RawClient.get(dynup.port(), "default.test", "/any/where");
        assertThat(r.text()).isEqualTo("default server");
    }

    @Test
    void uriIsDecodedAndNormalizedRequestUriIsNot() throws IOException {
        Response r = RawClient.get(dynup.port(), "a.test", "/vars/%41b//c/./d?a=1&b=2");
        assertThat(r.text()).isEqualTo("/vars/Ab/c/d|/vars/%41b//c/./d?a=1&b=2|a=1&b=2|2");
    }
}

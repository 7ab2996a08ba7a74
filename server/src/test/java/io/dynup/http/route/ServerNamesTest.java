package io.dynup.http.route;

import static io.dynup.http.route.RouteConfigs.answer;
import static io.dynup.http.route.RouteConfigs.assertConfigError;
import static io.dynup.http.route.RouteConfigs.at;
import static io.dynup.http.route.RouteConfigs.serverNames;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Server selection by address and host. Expected answers were observed on nginx 1.22.1 with the same configuration
 * (each server answers {@code return 200 "X"}); "400" is nginx's 400 Bad Request for an invalid host.
 */
class ServerNamesTest {

    private static final String NAMES = """
            server { listen 127.0.0.1:18080; server_name first.test; return 200 "first"; }
            server { listen 127.0.0.1:18080; server_name www.example.com Exact.Upper.Test; return 200 "exact"; }
            server { listen 127.0.0.1:18080; server_name *.example.com; return 200 "starexample"; }
            server { listen 127.0.0.1:18080; server_name .dot.test; return 200 "dot"; }
            server { listen 127.0.0.1:18080; server_name *.a.dot.test; return 200 "stara"; }
            server { listen 127.0.0.1:18080; server_name *.sub.example.com; return 200 "starsub"; }
            server { listen 127.0.0.1:18080; server_name www.example.*; return 200 "tailwww"; }
            server { listen 127.0.0.1:18080; server_name www.*; return 200 "tailshort"; }
            server { listen 127.0.0.1:18080; server_name ~^(?<sub>[a-z]+)\\.rx\\.test$; return 200 "rx1:$sub:$1"; }
            server { listen 127.0.0.1:18080; server_name ~^(www)\\.(.+)$; return 200 "rx2:$1:$2"; }
            server { listen 127.0.0.1:18080; server_name ~^UP\\.test$; return 200 "rxup"; }
            server { listen 127.0.0.1:18080; server_name _; return 200 "underscore"; }
            server { listen 127.0.0.1:18080; server_name ""; return 200 "empty"; }
            """;

    private static VirtualHosts hosts(ServerNames names, String ip, int port) throws Exception {
        return names.hostsFor(new InetSocketAddress(InetAddress.getByName(ip), port)).orElseThrow();
    }

    /** The answer for a raw Host header ({@code null}: none), or "400". */
    private static String answerFor(VirtualHosts hosts, String host) {
        Optional<ServerMatch> m = hosts.select(host);
        return m.map(s -> answer(s.server().directive())).orElse("400");
    }

    @Test
    void exactThenLeadingThenTrailingWildcardThenRegexThenDefault() throws Exception {
        VirtualHosts h = hosts(serverNames(NAMES), "127.0.0.1", 18080);
        Map<String, String> observed = new LinkedHashMap<>();
        observed.put("www.example.com", "exact");
        observed.put("WWW.Example.COM", "exact");
        observed.put("www.example.com.", "exact");
        observed.put("www.example.com:8080", "exact");
        observed.put("www.example.com.:80", "exact");
        observed.put("exact.upper.test", "exact");
        observed.put("a.example.com", "starexample");
        observed.put("a.b.example.com", "starexample");
        observed.put("example.com", "first");
        observed.put("x.sub.example.com", "starsub");
        observed.put("sub.example.com", "starexample");
        observed.put("dot.test", "dot");
        observed.put("x.dot.test", "dot");
        observed.put("a.dot.test", "dot");
        observed.put("x.a.dot.test", "stara");
        observed.put(".dot.test", "dot");
        observed.put("www.example.org", "tailwww");
        observed.put("www.example.co.uk", "tailwww");
        observed.put("www.other.org", "tailshort");
        observed.put("www.rx.test", "tailshort");
        observed.put("www.foo", "tailshort");
        observed.put("foo.rx.test", "rx1:$sub:$1");
        observed.put("up.test", "rxup");
        observed.put("_", "underscore");
        observed.put("unknown.test", "first");
        observed.put("[::1]:80", "first");
        observed.put("a\\b", "first");
        observed.forEach((host, expected) -> assertThat(answerFor(h, host)).as(host).isEqualTo(expected));
    }

    @Test
    void invalidHostsAreA400() throws Exception {
        // All observed on nginx but the tab and DEL, which follow ngx_http_validate_host's control-character rule.
        VirtualHosts h = hosts(serverNames(NAMES), "127.0.0.1", 18080);
        for (String host : List.of("", "a..b", "a/b", ":80", ".", "first.test:a b", "first.test:8..0", "a\tb",
                "a\u007fb")) {
            assertThat(answerFor(h, host)).as("Host: %s", host).isEqualTo("400");
        }
    }

    @Test
    void noHostAtAllLooksForTheEmptyName() throws Exception {
        // HTTP/1.0 without Host answered "empty" (server_name ""), not the default server "first".
        assertThat(answerFor(hosts(serverNames(NAMES), "127.0.0.1", 18080), null)).isEqualTo("empty");
    }

    @Test
    void regexCapturesAreReturned() throws Exception {
        VirtualHosts h = hosts(serverNames(NAMES), "127.0.0.1", 18080);

        // nginx answered "rx1:foo:foo".
        ServerMatch rx1 = h.select("Foo.rx.test").orElseThrow();
        assertThat(rx1.captures().named("sub")).isEqualTo("foo");
        assertThat(rx1.captures().group(1)).isEqualTo("foo");
        assertThat(rx1.host()).isEqualTo("foo.rx.test");
        // ~^(www)\.(.+)$ comes after www.* in nginx's order, so it needs a host the wildcard misses: none here.
        assertThat(h.find("exact.upper.test").captures()).isSameAs(Captures.NONE);
    }

    @Test
    void numberedRegexCaptures() throws Exception {
        VirtualHosts h = hosts(serverNames("""
                server { listen 80; server_name a.test; }
                server { listen 80; server_name ~^(www)\\.(.+)$; }"""), "10.0.0.1", 80);

        Captures c = h.find("www.example.com").captures();
        assertThat(c.group(1)).isEqualTo("www");
        assertThat(c.group(2)).isEqualTo("example.com");
    }

    private static final String PORTS = """
            server { listen 127.0.0.1:18080; listen 127.0.0.1:18081; server_name a.test; return 200 "A"; }
            server { listen 127.0.0.1:18080; server_name b.test; return 200 "B"; }
            server { listen 127.0.0.1:18081 default_server; server_name c.test; return 200 "C"; }
            server { listen 127.0.0.1:18082; return 200 "D"; }
            server { listen 127.0.0.1:18082; server_name d.test; return 200 "E"; }
            server { listen 127.0.0.1:18080; server_name a.test .b.test *.b.test dup.test; return 200 "F"; }
            server { listen 127.0.0.1:18080; server_name .dup.test; return 200 "G"; }
            server { listen 127.0.0.1:18080; server_name ~^(\\w+)\\.last$ ~^nocap$; return 200 "H:$1"; }
            server { listen 127.0.0.1:18083; server_name ~^(\\w+)\\.cap$ ~^nocap$; return 200 "I:$1"; }
            server { listen 127.0.0.1:18084; server_name ~^(\\w+)\\.cap$; return 200 "J:$1"; }
            server { listen 127.0.0.1:18085; server_name inv..alid ~^x; return 200 "K"; }
            """;

    @Test
    void theDefaultServerIsPerAddressAndPort() throws Exception {
        ServerNames n = serverNames(PORTS);

        assertThat(answerFor(hosts(n, "127.0.0.1", 18080), "zzz")).as("first on :18080").isEqualTo("A");
        assertThat(answerFor(hosts(n, "127.0.0.1", 18081), "zzz")).as("default_server on :18081").isEqualTo("C");
        assertThat(answerFor(hosts(n, "127.0.0.1", 18081), "a.test")).isEqualTo("A");
        assertThat(answerFor(hosts(n, "127.0.0.1", 18081), "b.test")).as("B is not on :18081").isEqualTo("C");
        assertThat(answerFor(hosts(n, "127.0.0.1", 18082), null)).isEqualTo("D");
        assertThat(answerFor(hosts(n, "127.0.0.1", 18082), "zzz")).isEqualTo("D");
        assertThat(hosts(n, "127.0.0.1", 18081).defaultServer().primaryName()).isEqualTo("c.test");
        assertThat(n.hostsFor(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 18080))).isEmpty();
    }

    @Test
    void conflictingNamesAreIgnoredWithNginxsWarnings() throws Exception {
        ServerNames n = serverNames(PORTS);

        assertThat(n.warnings()).containsExactly(
                "conflicting server name \"a.test\" on 127.0.0.1:18080, ignored",
                "conflicting server name \".b.test\" on 127.0.0.1:18080, ignored",
                "conflicting server name \".dup.test\" on 127.0.0.1:18080, ignored");
        VirtualHosts h = hosts(n, "127.0.0.1", 18080);
        assertThat(answerFor(h, "x.b.test")).as("*.b.test survives .b.test's conflict").isEqualTo("F");
        assertThat(answerFor(h, "b.test")).isEqualTo("B");
        assertThat(answerFor(h, "dup.test")).isEqualTo("F");
        assertThat(answerFor(h, "x.dup.test")).as(".dup.test ignored entirely").isEqualTo("A");
        assertThat(answerFor(h, "foo.last")).isEqualTo("H:$1");
        assertThat(h.find("foo.last").captures().group(1)).isEqualTo("foo");
    }

    @Test
    void aLoneServerOnlyRunsItsRegexesWhenTheLastOneCaptures() throws Exception {
        ServerNames n = serverNames(PORTS);

        // "I:" - the last regex name has no group, so nginx never looks at the names of a lone server.
        assertThat(hosts(n, "127.0.0.1", 18083).find("foo.cap").captures()).isSameAs(Captures.NONE);
        // "J:foo"
        assertThat(hosts(n, "127.0.0.1", 18084).find("foo.cap").captures().group(1)).isEqualTo("foo");
        // "K": a lone server's invalid name is never checked.
        assertThat(answerFor(hosts(n, "127.0.0.1", 18085), "x")).isEqualTo("K");
    }

    @Test
    void serversWithoutServerNameAnswerRequestsWithoutHost() throws Exception {
        ServerNames n = serverNames("""
                server { listen 127.0.0.1:18080; server_name x.test; return 200 "X"; }
                server { listen 127.0.0.1:18080; return 200 "NONAME"; }
                server { listen 127.0.0.1:18080; return 200 "NONAME2"; }
                server { listen 127.0.0.1:18080; server_name $hostname Y.test; return 200 "H:$server_name"; }
                server { listen 127.0.0.1:18080; server_name .Z.test; return 200 "Z:$server_name"; }
                """);
        VirtualHosts h = hosts(n, "127.0.0.1", 18080);

        assertThat(n.warnings()).containsExactly("conflicting server name \"\" on 127.0.0.1:18080, ignored");
        assertThat(answerFor(h, null)).isEqualTo("NONAME");
        assertThat(answerFor(h, "x.test")).isEqualTo("X");
        // $hostname was "vm" on the nginx machine; the tests pass "vm" to build().
        assertThat(answerFor(h, "vm")).isEqualTo("H:$server_name");
        assertThat(h.find("y.test").server().primaryName()).as("H:vm").isEqualTo("vm");
        assertThat(h.find("z.test").server().primaryName()).as("Z:z.test").isEqualTo("z.test");
        assertThat(h.find("x.test").server().names()).containsExactly("x.test");
        assertThat(n.servers().get(1).names()).containsExactly("");
    }

    @Test
    void anUppercaseLetterMakesARegexNameCaseless() throws Exception {
        // "rxup" for Host: up.test with server_name ~^UP\.test$.
        VirtualHosts h = hosts(serverNames(NAMES), "127.0.0.1", 18080);
        assertThat(answerFor(h, "UP.TEST")).isEqualTo("rxup");
    }

    // ---------------------------------------------------------------------------------------- addresses, sockets

    @Test
    void serversWithoutListenUsePort80OnAllAddresses() throws Exception {
        ServerNames n = serverNames("server { server_name a; } server { server_name b; }");

        assertThat(n.listeners()).hasSize(1);
        Listener l = n.listeners().get(0);
        assertThat(l.address().text()).isEqualTo("0.0.0.0:80");
        assertThat(l.address().wildcard()).isTrue();
        assertThat(hosts(n, "192.0.2.1", 80).servers()).hasSize(2);
        assertThat(n.servers().get(0).listens().get(0).addresses().get(0).text()).isEqualTo("0.0.0.0:80");
    }

    @Test
    void aWildcardSocketServesTheAddressesWithoutBind() throws Exception {
        ServerNames n = serverNames("""
                server { listen 80 default_server; server_name a; }
                server { listen 127.0.0.1:80 default_server; server_name b; }
                server { listen *:80; server_name c; }
                server { listen 127.0.0.2:80 bind; server_name d; }
                server { listen 8080; server_name e; }
                server { listen 127.0.0.1:8081; server_name f; }
                server { listen [::1]:8081; server_name g; }
                """);

        assertThat(n.listeners()).extracting(l -> l.address().text())
                .containsExactly("127.0.0.2:80", "0.0.0.0:80", "0.0.0.0:8080", "127.0.0.1:8081", "[::1]:8081");
        Listener wildcard = n.listeners().get(1);
        assertThat(wildcard.hosts()).extracting(v -> v.address().text())
                .containsExactly("127.0.0.1:80", "0.0.0.0:80");
        assertThat(wildcard.hostsFor(InetAddress.getByName("127.0.0.1")).defaultServer().primaryName())
                .isEqualTo("b");
        assertThat(wildcard.hostsFor(InetAddress.getByName("10.1.1.1")).defaultServer().primaryName())
                .isEqualTo("a");
        assertThat(hosts(n, "127.0.0.2", 80).servers()).extracting(Server::primaryName).containsExactly("d");
        assertThat(hosts(n, "::1", 8081).servers()).extracting(Server::primaryName).containsExactly("g");
        assertThat(n.addresses()).extracting(v -> v.address().text()).containsExactly(
                "127.0.0.2:80", "127.0.0.1:80", "0.0.0.0:80", "0.0.0.0:8080", "127.0.0.1:8081", "[::1]:8081");
    }

    @Test
    void socketOptionsComeFromTheListenThatSetThem() throws Exception {
        ServerNames n = serverNames("""
                server { listen 80; }
                server { listen 80 backlog=10 reuseport; }
                """);

        Listener l = n.listeners().get(0);
        assertThat(l.backlog()).isEqualTo(10);
        assertThat(l.reuseport()).isTrue();
        assertThat(hosts(n, "10.0.0.1", 80).options().pos().line()).isEqualTo(4);
    }

    // -------------------------------------------------------------------------------------------------- errors
    // As nginx -t 1.22.1 printed them for the same text.

    @Test
    void oneDefaultServerPerAddress() {
        assertConfigError(
                () -> serverNames("server { listen 80 default_server; }\nserver { listen 80 default_server; }"),
                at("a duplicate default server for 0.0.0.0:80", 4));
        // Different addresses on one port: fine (nginx -t OK).
        serverNames("""
                server { listen 80 default_server; server_name a; }
                server { listen 127.0.0.1:80 default_server; server_name b; }
                server { listen *:80; server_name c; }""");
    }

    @Test
    void oneServerCannotListenTwiceOnAnAddress() {
        assertConfigError(() -> serverNames("server { listen 80; listen *:80; }"),
                at("a duplicate listen 0.0.0.0:80", 3));
        assertConfigError(() -> serverNames("server { listen 127.0.0.1:80; listen 127.0.0.1:80; }"),
                at("a duplicate listen 127.0.0.1:80", 3));
    }

    @Test
    void socketOptionsOncePerAddress() {
        assertConfigError(() -> serverNames("server { listen 80 bind; }\nserver { listen 80 backlog=10; }"),
                at("duplicate listen options for 0.0.0.0:80", 4));
    }

    @Test
    void badServerNames() {
        assertConfigError(() -> serverNames("server { server_name *; }"), at("server name \"*\" is invalid", 3));
        assertConfigError(() -> serverNames("server { server_name *x.com; }"),
                at("server name \"*x.com\" is invalid", 3));
        assertConfigError(() -> serverNames("server { server_name .; }"), at("server name \".\" is invalid", 3));
        assertConfigError(() -> serverNames("server { server_name ~; }"),
                at("empty regex in server name \"~\"", 3));
    }

    @Test
    void invalidWildcardsOnceAllServersAreKnown() {
        assertConfigError(() -> serverNames("server { server_name www.*.com; } server { server_name b; }"),
                "invalid server name or wildcard \"www.*.com\" on 0.0.0.0:80");
        assertConfigError(() -> serverNames("server { server_name a..b; } server { server_name b; }"),
                "invalid server name or wildcard \"a..b\" on 0.0.0.0:80");
        assertConfigError(() -> serverNames("server { server_name *.a.*; } server { server_name b; }"),
                "invalid server name or wildcard \"*.a.*\" on 0.0.0.0:80");
    }

    @Test
    void suspiciousNamesAreAWarning() {
        assertThat(serverNames("server { server_name a/b; }").warnings())
                .containsExactly(at("server name \"a/b\" has suspicious symbols", 3));
    }

    @Test
    void errorsComeInNginxsOrder() {
        // nginx -t: the listen error of the second server, although the first has a duplicate location.
        assertConfigError(() -> serverNames("""
                server {
                  location /x {}
                  location /x {}
                }
                server {
                  listen 80 foo;
                }"""), at("invalid parameter \"foo\"", 8));
    }

    @Test
    void serversKeepTheirBlocksAndLocations() {
        ServerNames n = serverNames("server { server_name a; location / { return 200 \"x\"; } }");
        Server s = n.servers().get(0);

        assertThat(s.directive().name()).isEqualTo("server");
        assertThat(s.pos().line()).isEqualTo(3);
        assertThat(s.locations().server().directive()).isSameAs(s.directive());
        assertThat(s.index()).isZero();
        assertThat(answer(s.locations(), "/y")).isEqualTo("x");
        assertThat(s.toString()).startsWith("server a at ");
    }
}

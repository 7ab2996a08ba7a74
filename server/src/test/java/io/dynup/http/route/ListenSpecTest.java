package io.dynup.http.route;

import static io.dynup.http.route.RouteConfigs.assertConfigError;
import static io.dynup.http.route.RouteConfigs.at;
import static io.dynup.http.route.RouteConfigs.serverNames;
import static io.dynup.http.route.RouteConfigs.servers;
import static org.assertj.core.api.Assertions.assertThat;

import io.dynup.http.route.ListenSpec.ListenAddress;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code listen}; messages and address texts as nginx -t 1.22.1 printed them for the same directives. */
class ListenSpecTest {

    private static ListenSpec listen(String args) {
        return ListenSpec.parse(servers("server { listen " + args + "; }").get(0).first("listen").orElseThrow());
    }

    private static List<String> texts(String args) {
        return listen(args).addresses().stream().map(ListenAddress::text).toList();
    }

    @Test
    void addressAndPortForms() throws Exception {
        assertThat(texts("8080")).containsExactly("0.0.0.0:8080");
        assertThat(texts("127.0.0.1")).containsExactly("127.0.0.1:80");
        assertThat(texts("127.0.0.1:8080")).containsExactly("127.0.0.1:8080");
        assertThat(texts("*:8080")).containsExactly("0.0.0.0:8080");
        assertThat(texts("*")).containsExactly("0.0.0.0:80");
        assertThat(texts("[::1]:8080")).containsExactly("[::1]:8080");
        assertThat(texts("[::]")).containsExactly("[::]:80");
        assertThat(texts("8000-8002")).containsExactly("0.0.0.0:8000", "0.0.0.0:8001", "0.0.0.0:8002");
        assertThat(texts("127.0.0.1:8000-8001")).containsExactly("127.0.0.1:8000", "127.0.0.1:8001");
        assertThat(texts("1..2.3")).as("nginx's own dotted-quad parser").containsExactly("1.0.2.3:80");
        assertThat(texts("localhost:8080")).contains("127.0.0.1:8080");

        ListenAddress a = listen("127.0.0.1:8080").addresses().get(0);
        assertThat(a.address().getAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
        assertThat(a.address().getPort()).isEqualTo(8080);
        assertThat(a.wildcard()).isFalse();
        assertThat(listen("8080").addresses().get(0).wildcard()).isTrue();
        assertThat(listen("[::]:80").addresses().get(0).wildcard()).isTrue();
    }

    @Test
    void ipv6AddressesPrintAsNginxPrintsThem() {
        assertThat(texts("[2001:db8:0:0:1:0:0:1]:80")).containsExactly("[2001:db8::1:0:0:1]:80");
        assertThat(texts("[::ffff:1.2.3.4]")).containsExactly("[::ffff:1.2.3.4]:80");
        assertThat(texts("[1:0:0:1:0:0:0:0]")).containsExactly("[1:0:0:1::]:80");
        assertThat(texts("[::1.2.3.4]:81")).containsExactly("[::1.2.3.4]:81");
        assertThat(texts("[0:0:0:0:0:0:0:2]:81")).containsExactly("[::2]:81");
        assertThat(texts("[1:2:3:4:5:6:7:8]:81")).containsExactly("[1:2:3:4:5:6:7:8]:81");
        assertThat(listen("[::ffff:1.2.3.4]").addresses().get(0).address().getAddress().getAddress())
                .as("stays IPv6").hasSize(16);
    }

    @Test
    void parameters() {
        ListenSpec plain = listen("80");
        assertThat(plain.defaultServer()).isFalse();
        assertThat(plain.bind()).isFalse();
        assertThat(plain.socketOptions()).isFalse();
        assertThat(plain.backlog()).isEqualTo(ListenSpec.DEFAULT_BACKLOG);
        assertThat(plain.url()).isEqualTo("80");
        assertThat(plain.pos().line()).isEqualTo(3);

        assertThat(listen("80 default_server").defaultServer()).isTrue();
        assertThat(listen("80 default").defaultServer()).isTrue();
        ListenSpec opts = listen("80 bind backlog=128 reuseport");
        assertThat(opts.bind()).isTrue();
        assertThat(opts.reuseport()).isTrue();
        assertThat(opts.backlog()).isEqualTo(128);
        assertThat(opts.socketOptions()).isTrue();
    }

    @Test
    void anOldStyleDefaultCountsAsDefaultServer() {
        assertConfigError(() -> serverNames("server { listen 80 default; } server { listen 80 default_server; }"),
                at("a duplicate default server for 0.0.0.0:80", 3));
    }

    @Test
    void theSameAddressWrittenDifferently() {
        assertConfigError(() -> serverNames("server { listen 8000-8002; listen 8001; }"),
                at("a duplicate listen 0.0.0.0:8001", 3));
        assertConfigError(() -> serverNames("server { listen *; listen 0.0.0.0:80; }"),
                at("a duplicate listen 0.0.0.0:80", 3));
        assertConfigError(() -> serverNames("server { listen 127.0.0.1; listen 127.0.0.1:80; }"),
                at("a duplicate listen 127.0.0.1:80", 3));
        assertConfigError(() -> serverNames("server { listen localhost:8080; listen 127.0.0.1:8080; }"),
                at("a duplicate listen 127.0.0.1:8080", 3));
        assertConfigError(() -> serverNames("server { listen [::]:8080; listen [::]:8080; }"),
                at("a duplicate listen [::]:8080", 3));
    }

    @Test
    void nginxsErrors() {
        String[][] cases = {
            {"0", "invalid port in \"0\" of the \"listen\" directive"},
            {"70000", "invalid port in \"70000\" of the \"listen\" directive"},
            {"127.0.0.1:abc", "invalid port in \"127.0.0.1:abc\" of the \"listen\" directive"},
            {":80", "no host in \":80\" of the \"listen\" directive"},
            {"80 foo", "invalid parameter \"foo\""},
            {"nosuchhost.invalid", "host not found in \"nosuchhost.invalid\" of the \"listen\" directive"},
            {"127.0.0.1:80/x", "invalid host in \"127.0.0.1:80/x\" of the \"listen\" directive"},
            {"[::1", "invalid host in \"[::1\" of the \"listen\" directive"},
            {"[::1]x", "invalid host in \"[::1]x\" of the \"listen\" directive"},
            {"[zz]:80", "invalid IPv6 address in \"[zz]:80\" of the \"listen\" directive"},
            {"[]:80", "no host in \"[]:80\" of the \"listen\" directive"},
            {"80 backlog=0", "invalid backlog \"backlog=0\""},
            {"80 backlog=x", "invalid backlog \"backlog=x\""},
            {"8080-8079", "invalid port range in \"8080-8079\" of the \"listen\" directive"},
            {"127.0.0.1:8080-8079", "invalid port range in \"127.0.0.1:8080-8079\" of the \"listen\" directive"},
            {"80-x", "host not found in \"80-x\" of the \"listen\" directive"},
            {"8080-70000", "invalid port in \"8080-70000\" of the \"listen\" directive"},
        };
        for (String[] c : cases) {
            assertConfigError(() -> listen(c[0]), at(c[1], 3));
        }
    }

    @Test
    void whatDynupDoesNotSupport() {
        // nginx 1.22.1 (built with these modules) accepts all of them; dynup says so plainly.
        assertConfigError(() -> listen("80 ssl"), at("the \"ssl\" parameter requires ngx_http_ssl_module", 3));
        assertConfigError(() -> listen("80 http2"), at("the \"http2\" parameter requires ngx_http_v2_module", 3));
        assertConfigError(() -> listen("80 proxy_protocol"), at("invalid parameter \"proxy_protocol\"", 3));
        assertConfigError(() -> listen("80 deferred"), at("invalid parameter \"deferred\"", 3));
        assertConfigError(() -> listen("UNIX:/tmp/x"),
                at("unix domain sockets are not supported in \"UNIX:/tmp/x\" of the \"listen\" directive", 3));
    }

    @Test
    void theImplicitListen() {
        ListenSpec spec = ListenSpec.implicit(servers("server { }").get(0).pos());
        assertThat(spec.addresses()).extracting(ListenAddress::text).containsExactly("0.0.0.0:80");
        assertThat(spec.defaultServer()).isFalse();
    }
}

package io.dynup.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import io.dynup.balancer.Balancers;
import io.dynup.config.Config;
import io.dynup.config.ConfigException;
import io.dynup.internal.Ticker;
import io.dynup.model.HostResolver;
import io.dynup.model.UpstreamConfig;
import io.dynup.server.DynupServer;
import io.dynup.server.TestConfigs;
import io.dynup.upstream.UpstreamRegistry;

/** The stream directives' contexts, defaults, inheritance and nginx's error texts. */
class StreamConfigTest {

    /** {@code stream { LINE2 }}: the body starts on line 2 of /t/nginx.conf. */
    private static String stream(String body) {
        return "stream {\n" + body + "\n}\n";
    }

    private static String server(String body) {
        return stream("server {\n" + body + "\n}");
    }

    private static StreamServerConfig bind(String conf) {
        Config config = TestConfigs.parse(conf);
        UpstreamRegistry registry = new UpstreamRegistry(UpstreamConfig.bind(config, HostResolver.system()));
        StreamRuntime runtime = StreamRuntime.build(config, registry, new Balancers(Ticker.system()));
        List<StreamServerConfig> servers = List.copyOf(runtime.servers());
        assertThat(servers).hasSize(1);
        return servers.get(0);
    }

    private static void assertError(String conf, String message) {
        assertThatThrownBy(() -> DynupServer.check(TestConfigs.parse(conf)))
                .isInstanceOf(ConfigException.class).hasMessage(message);
    }

    @Test
    void nginxDefaults() {
        StreamServerConfig s = bind(server("listen 127.0.0.1:5000;\nproxy_pass 127.0.0.1:6000;"));
        assertThat(s.connectTimeoutMs()).isEqualTo(60_000);
        assertThat(s.timeoutMs()).isEqualTo(600_000);
        assertThat(s.nextUpstream()).isTrue();
        assertThat(s.tries()).isZero();
        assertThat(s.nextTimeoutMs()).isZero();
        assertThat(s.policy()).isEqualTo(DisconnectPolicy.NONE);
        assertThat(s.upstream().name()).isEqualTo("127.0.0.1:6000");
    }

    @Test
    void serversInheritTheStreamLevelAndOverrideIt() {
        StreamServerConfig s = bind(stream("proxy_timeout 5s;\nproxy_connect_timeout 2s;\nproxy_next_upstream off;\n"
                                           + "proxy_next_upstream_tries 3;\ndeny all;\n"
                                           + "server { listen 5000; proxy_pass 127.0.0.1:6000; proxy_timeout 1m;"
                                           + " proxy_next_upstream_timeout 500ms; }"));
        assertThat(s.timeoutMs()).isEqualTo(60_000);
        assertThat(s.connectTimeoutMs()).isEqualTo(2_000);
        assertThat(s.nextUpstream()).isFalse();
        assertThat(s.tries()).isEqualTo(3);
        assertThat(s.nextTimeoutMs()).isEqualTo(500);
        assertThat(s.access().allows(java.net.InetAddress.getLoopbackAddress())).isFalse();
        assertThat(s.listens().get(0).address().getAddress().isAnyLocalAddress()).isTrue();
    }

    @Test
    void aServerWithAccessRulesOfItsOwnReplacesTheStreamLevelOnes() throws Exception {
        StreamServerConfig s = bind(stream("deny all;\n"
                                           + "server { listen 5000; proxy_pass 127.0.0.1:6000; deny 10.0.0.1; }"));
        // nginx merges the whole list: the server's rules alone apply, and no match allows
        assertThat(s.access().allows(java.net.InetAddress.getByName("127.0.0.1"))).isTrue();
        assertThat(s.access().allows(java.net.InetAddress.getByName("10.0.0.1"))).isFalse();
    }

    @Test
    void upstreamFlagsAndHashKeyBind() {
        StreamServerConfig s = bind(stream("upstream u { hash $remote_addr:$server_port; server 127.0.0.1:1;"
                                           + " disconnect_if_market_down; disconnect_on_exiting; }\n"
                                           + "server { listen 5000; proxy_pass u; }"));
        assertThat(s.policy()).isEqualTo(new DisconnectPolicy(false, true, true));
        assertThat(s.hashKey().evaluate(new java.net.InetSocketAddress("10.0.0.1", 4000),
                                        new java.net.InetSocketAddress("10.0.0.2", 5000))).isEqualTo("10.0.0.1:5000");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        // contexts
        "proxy_pass 127.0.0.1:1;|\"proxy_pass\" directive is not allowed here in /t/nginx.conf:2",
        "listen 5000;|\"listen\" directive is not allowed here in /t/nginx.conf:2",
        "disconnect_on_exiting;|\"disconnect_on_exiting\" directive is not allowed here in /t/nginx.conf:2",
        "upstream u { server 127.0.0.1:1; ip_hash; }|\"ip_hash\" directive is not allowed here in /t/nginx.conf:2",
        "upstream u { server 127.0.0.1:1; disconnect_if_market_down 1; }"
        + "|invalid number of arguments in \"disconnect_if_market_down\" directive in /t/nginx.conf:2",
        "proxy_next_upstream on off;|invalid number of arguments in \"proxy_next_upstream\" directive in /t/nginx.conf:2",
        // values
        "proxy_timeout 5x;|\"proxy_timeout\" directive invalid value in /t/nginx.conf:2",
        "proxy_connect_timeout -1;|\"proxy_connect_timeout\" directive invalid value in /t/nginx.conf:2",
        "proxy_next_upstream maybe;"
        + "|invalid value \"maybe\" in \"proxy_next_upstream\" directive, it must be \"on\" or \"off\" in /t/nginx.conf:2",
        "proxy_next_upstream_tries x;|\"proxy_next_upstream_tries\" directive invalid number in /t/nginx.conf:2",
        "deny 10.0.0.256;|invalid parameter \"10.0.0.256\" in /t/nginx.conf:2",
        "proxy_timeout 1s; proxy_timeout 2s;|\"proxy_timeout\" directive is duplicate in /t/nginx.conf:2",
        "upstream u { hash $request_uri; server 127.0.0.1:1; }|unknown \"request_uri\" variable in /t/nginx.conf:2",
    })
    void streamLevelErrors(String body, String message) {
        assertError(stream(body + "\nserver { listen 5000; proxy_pass 127.0.0.1:6000; }"), message);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "listen 5000;|no handler for server in /t/nginx.conf:2",
        "proxy_pass 127.0.0.1:1;|no \"listen\" is defined for server in /t/nginx.conf:2",
        "listen 99999; proxy_pass 127.0.0.1:1;|invalid port in \"99999\" of the \"listen\" directive in /t/nginx.conf:3",
        "listen 127.0.0.1:0; proxy_pass 127.0.0.1:1;"
        + "|invalid port in \"127.0.0.1:0\" of the \"listen\" directive in /t/nginx.conf:3",
        "listen 5000 backlog=0; proxy_pass 127.0.0.1:1;|invalid backlog \"backlog=0\" in /t/nginx.conf:3",
        "listen 5000 deferred; proxy_pass 127.0.0.1:1;|the invalid \"deferred\" parameter in /t/nginx.conf:3",
        "listen 5000; proxy_pass nowhere;|no port in upstream \"nowhere\" in /t/nginx.conf:3",
        "listen 5000; proxy_pass 127.0.0.1:1; proxy_pass 127.0.0.1:2;"
        + "|\"proxy_pass\" directive is duplicate in /t/nginx.conf:3",
        "listen 5000; listen 5000; proxy_pass 127.0.0.1:1;"
        + "|duplicate \"5000\" address and port pair in /t/nginx.conf:3",
        "listen 5000; proxy_pass 127.0.0.1:1; dynamic_upstream;|\"dynamic_upstream\" directive is not allowed here in "
        + "/t/nginx.conf:3",
    })
    void serverLevelErrors(String body, String message) {
        assertError(stream("server {\n" + body + "\n}"), message);
    }

    @Test
    void twoServersCannotShareAListenAddress() {
        assertError(stream("server { listen 127.0.0.1:5000; proxy_pass 127.0.0.1:1; }\n"
                           + "server { listen 127.0.0.1:5000; proxy_pass 127.0.0.1:1; }"),
                    "duplicate \"127.0.0.1:5000\" address and port pair in /t/nginx.conf:3");
    }

    @Test
    void disconnectDirectivesAreRefusedInHttpUpstreams() {
        assertError("http {\nupstream u { server 127.0.0.1:1; disconnect_backup_if_primary_up; }\n}\n",
                    "\"disconnect_backup_if_primary_up\" directive is not allowed here in /t/nginx.conf:2");
    }
}

package io.dynup.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.dynup.config.ConfigException;
import io.dynup.config.ConfigParser;
import io.dynup.config.CoreDirectives;

class UpstreamConfigTest {

    private static final Path FILE = Path.of("/etc/dynup/nginx.conf");

    private static List<UpstreamSpec> bind(String text) {
        return UpstreamConfig.bind(ConfigParser.parseString(text, FILE, CoreDirectives.table()),
                                   UpstreamConfigTest::resolve);
    }

    private static InetAddress[] resolve(String host) throws UnknownHostException {
        if (host.equals("app.local")) {
            return new InetAddress[] {InetAddress.getByName("10.0.0.1"), InetAddress.getByName("10.0.0.2")};
        }
        throw new UnknownHostException(host);
    }

    private static String error(String text) {
        try {
            bind(text);
        } catch (ConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("no error for: " + text);
    }

    @Test
    void serverParametersAndNginxDefaults() {
        UpstreamSpec u = bind("http {\n upstream backend {\n  zone backend 1m;\n"
                              + "  server 127.0.0.1:9090;\n"
                              + "  server 127.0.0.1:9091 weight=5 max_fails=3 fail_timeout=1m max_conns=7 down;\n"
                              + "  server 10.0.0.9 backup;\n"
                              + "  server unix:/run/app.sock;\n"
                              + "  keepalive 16; keepalive_timeout 30s; keepalive_requests 50;\n"
                              + " }\n}\n").get(0);
        assertThat(u.name()).isEqualTo("backend");
        assertThat(u.kind()).isEqualTo(UpstreamKind.HTTP);
        assertThat(u.zone()).isEqualTo("backend");
        assertThat(u.balancing()).isEqualTo(Balancing.ROUND_ROBIN);
        assertThat(u.keepalive()).isEqualTo(16);
        assertThat(u.keepaliveTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(u.keepaliveRequests()).isEqualTo(50);
        assertThat(u.pos().line()).isEqualTo(2);
        assertThat(u.peers()).extracting(PeerSpec::name)
                             .containsExactly("127.0.0.1:9090", "127.0.0.1:9091", "10.0.0.9:80", "unix:/run/app.sock");
        PeerSpec first = u.peers().get(0);
        assertThat(first).extracting(PeerSpec::weight, PeerSpec::maxFails, PeerSpec::failTimeout, PeerSpec::maxConns,
                                     PeerSpec::backup, PeerSpec::down).containsExactly(1, 1, 10, 0, false, false);
        assertThat(u.peers().get(1)).extracting(PeerSpec::weight, PeerSpec::maxFails, PeerSpec::failTimeout,
                                                PeerSpec::maxConns, PeerSpec::down)
                                    .containsExactly(5, 3, 60, 7, true);
        assertThat(u.peers().get(2).backup()).isTrue();
        assertThat(u.peers().get(2).server()).isEqualTo("10.0.0.9");
    }

    @Test
    void hostNameWithSeveralAddressesGivesSeveralPeersSharingTheServer() {
        UpstreamSpec u = bind("http { upstream u { server app.local:8080 weight=2; } }").get(0);
        assertThat(u.peers()).extracting(PeerSpec::name).containsExactly("10.0.0.1:8080", "10.0.0.2:8080");
        assertThat(u.peers()).extracting(PeerSpec::server).containsOnly("app.local:8080");
        assertThat(u.peers()).extracting(PeerSpec::weight).containsOnly(2);
    }

    @Test
    void balancingMethods() {
        List<UpstreamSpec> specs = bind("http {\n"
                + " upstream a { least_conn; server 1.1.1.1; }\n"
                + " upstream b { ip_hash; server 1.1.1.1; }\n"
                + " upstream c { hash $request_uri consistent; server 1.1.1.1; }\n"
                + " upstream d { hash $arg_k; server 1.1.1.1; }\n"
                + " upstream e { random two; server 1.1.1.1; }\n"
                + " upstream f { random; server 1.1.1.1; dns_update 30s; }\n"
                + "}\n");
        assertThat(specs).extracting(UpstreamSpec::balancing).containsExactly(
                Balancing.LEAST_CONN, Balancing.IP_HASH, Balancing.hash("$request_uri", true),
                Balancing.hash("$arg_k", false), Balancing.random(true), Balancing.random(false));
        assertThat(specs.get(5).dnsUpdate()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void streamUpstreamsLiveInTheirOwnNamespace() {
        List<UpstreamSpec> specs = bind("http { upstream u { server 1.1.1.1; } }\n"
                                        + "stream { upstream u { server 1.1.1.1:53; } }\n");
        assertThat(specs).extracting(UpstreamSpec::kind).containsExactly(UpstreamKind.HTTP, UpstreamKind.STREAM);
    }

    @Test
    void upstreamWithZoneMayBeEmpty() {
        assertThat(bind("http { upstream u { zone u 64k; } }").get(0).peers()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "http {\\n upstream u {\\n server 1.1.1.1 weight=0;\\n }\\n}|invalid parameter \"weight=0\" in /etc/dynup/nginx.conf:3",
            "http { upstream u { server 1.1.1.1 weight=x; } }|invalid parameter \"weight=x\" in /etc/dynup/nginx.conf:1",
            "http { upstream u { server 1.1.1.1 max_fails=-1; } }|invalid parameter \"max_fails=-1\" in /etc/dynup/nginx.conf:1",
            "http { upstream u { server 1.1.1.1 fail_timeout=5ms; } }|invalid parameter \"fail_timeout=5ms\" in /etc/dynup/nginx.conf:1",
            "http { upstream u { server 1.1.1.1 slow_start=5s; } }|invalid parameter \"slow_start=5s\" in /etc/dynup/nginx.conf:1",
            "http { upstream u { server 1.1.1.1 weight=1000001; } }|invalid parameter \"weight=1000001\" in /etc/dynup/nginx.conf:1",
            "http {\\n upstream u { server 1.1.1.1; }\\n upstream u { server 1.1.1.1; }\\n}|duplicate upstream \"u\" in /etc/dynup/nginx.conf:3",
            "http { upstream u { server nosuch.invalid:80; } }|host not found in upstream \"nosuch.invalid:80\" in /etc/dynup/nginx.conf:1",
            "http { upstream u { server 1.1.1.1:99999; } }|invalid port in upstream \"1.1.1.1:99999\" in /etc/dynup/nginx.conf:1",
            "http { upstream u { server http://1.1.1.1; } }|invalid host in upstream \"http://1.1.1.1\" in /etc/dynup/nginx.conf:1",
            "http { upstream u { hash $x; server 1.1.1.1 backup; } }|balancing method does not support parameter \"backup\" in /etc/dynup/nginx.conf:1",
            "http {\\n upstream u {\\n server 1.1.1.1 backup;\\n ip_hash;\\n }\\n}|balancing method does not support parameter \"backup\" in /etc/dynup/nginx.conf:3",
            "http { upstream u { } }|no servers are inside upstream in /etc/dynup/nginx.conf:1",
            "stream { upstream u { server 1.1.1.1; } }|no port in upstream \"1.1.1.1\" in /etc/dynup/nginx.conf:1",
            "http { upstream u { zone u 1x; server 1.1.1.1; } }|invalid zone size \"1x\" in /etc/dynup/nginx.conf:1",
            "http { upstream u { keepalive 0; server 1.1.1.1; } }|invalid value \"0\" in \"keepalive\" directive in /etc/dynup/nginx.conf:1",
            "http { upstream u { keepalive_timeout x; server 1.1.1.1; } }|\"keepalive_timeout\" directive invalid value in /etc/dynup/nginx.conf:1",
            "http { upstream u { hash $x y; server 1.1.1.1; } }|invalid parameter \"y\" in /etc/dynup/nginx.conf:1",
            "http { upstream u { random one; server 1.1.1.1; } }|invalid parameter \"one\" in /etc/dynup/nginx.conf:1",
            "http { upstream u { zone a b c; } }|invalid number of arguments in \"zone\" directive in /etc/dynup/nginx.conf:1",
            "http { upstream u { foo; } }|unknown directive \"foo\" in /etc/dynup/nginx.conf:1",
            "upstream u { server 1.1.1.1; }|\"upstream\" directive is not allowed here in /etc/dynup/nginx.conf:1"})
    void errorsReadAsNginxWritesThem(String config, String message) {
        assertThat(error(config.replace("\\n", "\n"))).isEqualTo(message);
    }

    @Test
    void configExceptionIsTheOnlyFailure() {
        assertThatThrownBy(() -> bind("http { upstream u { server 1.1.1.1 weight=0; } }"))
                .isExactlyInstanceOf(ConfigException.class);
    }
}

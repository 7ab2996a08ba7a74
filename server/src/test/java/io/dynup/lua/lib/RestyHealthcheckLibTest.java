package io.dynup.lua.lib;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.dynup.config.Config;
import io.dynup.config.ConfigParser;
import io.dynup.config.CoreDirectives;
import io.dynup.config.DirectiveTable;
import io.dynup.model.HealthCheck;
import io.dynup.model.HostResolver;
import io.dynup.model.UpstreamConfig;
import io.dynup.model.UpstreamKind;
import io.dynup.upstream.HealthStatus;
import io.dynup.upstream.Upstream;
import io.dynup.upstream.UpstreamRegistry;
import io.dynup.upstream.UpstreamService;

/**
 * {@code require "resty.upstream.healthcheck"} on a bare VM: spawn_checker's options, defaults and errors as
 * lua-resty-upstream-healthcheck 0.08 has them, mapped onto the upstream's check; the two status pages. The
 * conformance blocks in {@code conformance/lua/resty_healthcheck.t} run it through a real server.
 */
class RestyHealthcheckLibTest {

    private static final String CONFIG = """
            events {}
            http {
                upstream foo.com {
                    server 127.0.0.1:12354;
                    server 127.0.0.1:12355;
                    server 127.0.0.1:12356 backup;
                }
                upstream bar { server 127.0.0.1:12357 down; }
            }
            stream { upstream tcp { server 127.0.0.1:12358; } }
            """;

    private static final HostResolver RESOLVER = host -> {
        throw new UnknownHostException(host);
    };

    /** The README's Synopsis call, with {@code opts} overriding its options (Lua table fields). */
    private static final String SYNOPSIS = """
            local hc = require "resty.upstream.healthcheck"
            local opts = {
                shm = "healthcheck", upstream = "foo.com", type = "http",
                http_req = "GET /status HTTP/1.0\\r\\nHost: foo.com\\r\\n\\r\\n",
                port = nil, interval = 2000, timeout = 1000, fall = 3, rise = 2,
                valid_statuses = {200, 302}, concurrency = 10,
            }
            for k, v in pairs({%s}) do opts[k] = v end
            """;

    private final UpstreamService service;
    private final LuaLibraries libraries;
    private final LibVm vm;

    RestyHealthcheckLibTest() {
        DirectiveTable table = DirectiveTable.builder().addAll(CoreDirectives.ALL).build();
        Config config = ConfigParser.parseString(CONFIG, Path.of("/tmp/nginx.conf"), table);
        service = new UpstreamService(new UpstreamRegistry(UpstreamConfig.bind(config, RESOLVER)), RESOLVER,
                                      Runnable::run);
        libraries = new LuaLibraries(service, Map.of("healthcheck", 1L << 20));
        vm = new LibVm(libraries);
    }

    @AfterEach
    void close() {
        vm.close();
    }

    private String spawn(String overrides) {
        return vm.eval(SYNOPSIS.formatted(overrides) + "return show(hc.spawn_checker(opts))");
    }

    private Upstream foo() {
        return service.registry().find(UpstreamKind.HTTP, "foo.com");
    }

    @Test
    void exportsTheOriginalsNames() {
        assertThat(vm.eval("""
                local hc = require "resty.upstream.healthcheck"
                return show(hc._VERSION, type(hc.spawn_checker), type(hc.status_page),
                            type(hc.prometheus_status_page))""")).isEqualTo("0.08 function function function");
    }

    @Test
    void theSynopsisSpawnBecomesTheUpstreamsHttpCheck() {
        assertThat(foo().snapshot().check()).isNull();
        assertThat(spawn("")).isEqualTo("true");

        HealthCheck c = foo().snapshot().check();
        assertThat(c.off()).isFalse();
        assertThat(c.type()).isEqualTo(HealthCheck.Type.HTTP);
        assertThat(c.method() + " " + c.uri()).isEqualTo("GET /status");
        assertThat(c.requestHeaders()).containsExactly("Host=foo.com");
        assertThat(c.requestBody()).isNull();
        assertThat(c.responseCodes()).containsExactly(200, 302);
        assertThat(c.interval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.fall()).isEqualTo(3);
        assertThat(c.rise()).isEqualTo(2);
        assertThat(c.port()).isZero();
        assertThat(c.initialUp()).as("the original takes peers down only after fall failures").isTrue();
        assertThat(c.ssl()).isFalse();
        assertThat(foo().snapshot().all()).allMatch(p -> p.state().health() == HealthStatus.HEALTHY);

        assertThat(spawn("type = 'https'")).isEqualTo("true");
        assertThat(foo().snapshot().check().ssl()).as("an https checker: the same request over TLS").isTrue();
        assertThat(spawn("")).isEqualTo("true");
        assertThat(foo().snapshot().check().ssl()).isFalse();
    }

    @Test
    void absentOptionsTakeTheOriginalsDefaults() {
        assertThat(vm.eval(SYNOPSIS.formatted("") + """
                opts.interval, opts.timeout, opts.fall, opts.rise, opts.valid_statuses = nil, nil, nil, nil, nil
                return show(hc.spawn_checker(opts))""")).isEqualTo("true");
        HealthCheck c = foo().snapshot().check();
        assertThat(c.interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.fall()).isEqualTo(5);
        assertThat(c.rise()).isEqualTo(2);
        assertThat(c.responseCodes()).as("any 2xx or 3xx").isEmpty();

        assertThat(spawn("interval = 1, port = 8081, timeout = '250', http_req = 'POST /h HTTP/1.1\\nX: 1\\n\\nping'"))
                .isEqualTo("true");
        c = foo().snapshot().check();
        assertThat(c.interval()).as("the original's floor").isEqualTo(Duration.ofMillis(2));
        assertThat(c.timeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.port()).isEqualTo(8081);
        assertThat(c.method() + " " + c.uri() + " " + c.requestHeaders() + " " + c.requestBody())
                .isEqualTo("POST /h [X=1] ping");
    }

    @Test
    void everyWorkerSpawningTheSameCheckerChangesTheUpstreamOnce() {
        long before = foo().snapshot().generation();
        assertThat(spawn("")).isEqualTo("true");
        try (LibVm other = new LibVm(libraries)) {
            assertThat(other.eval(SYNOPSIS.formatted("") + "return show(hc.spawn_checker(opts))")).isEqualTo("true");
        }
        assertThat(spawn("")).isEqualTo("true");
        assertThat(foo().snapshot().generation()).isEqualTo(before + 1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            type = false                     | nil "type" option required
            type = 'tcp'                     | nil only "http" and "https" type are supported right now
            http_req = false                 | nil "http_req" option required
            shm = false                      | nil "shm" option required
            shm = 'nope'                     | nil shm "nope" not found
            upstream = false                 | nil no upstream specified
            upstream = 'nosuch'              | nil failed to get primary peers: upstream not found
            upstream = 'tcp'                 | nil failed to get primary peers: upstream not found
            http_req = 'GET /s\\r\\n\\r\\n'  | nil http_req: bad request line "GET /s" (expected: METHOD URI HTTP/1.x)
            http_req = 'GET /\\r\\nX: 1\\r\\n' | nil http_req: no empty line after the headers (expected: "METHOD URI ...
            http_req = 'GET / HTTP/1.0\\nb\\n\\n' | nil http_req: bad header line "b" (expected: Name: value)
            http_req = {}                    | nil http_req: table (expected: a string)
            fall = 0                         | nil fall: 0 (expected: an integer >= 1)
            rise = 1.5                       | nil rise: 1.5 (expected: an integer >= 1)
            timeout = 0                      | nil timeout: 0ms (expected: > 0)
            interval = 'soon'                | nil interval: soon (expected: a number)
            port = 70000                     | nil port: 70000 (expected: an integer 1-65535)
            valid_statuses = {}              | nil valid_statuses: table (expected: a list of status codes)
            valid_statuses = {200, 99}       | nil valid_statuses: 99 (expected: an integer 100-599)
            valid_statuses = {'x'}           | nil valid_statuses: x (expected: an integer 100-599)
            """)
    void aBadOptionIsRefusedWithTheOriginalsTextAndNothingChanges(String override, String expected) {
        long before = foo().snapshot().generation();
        String lua = override.contains("= false") ? override.replace("= false", "= nil") : override;
        String result = override.contains("= false")
                ? vm.eval(SYNOPSIS.formatted("") + "opts." + lua + "\nreturn show(hc.spawn_checker(opts))")
                : spawn(lua);
        String shown = result.replaceFirst("table: 0x[0-9a-f]+", "table");
        if (expected.endsWith("...")) {
            assertThat(shown).startsWith(expected.substring(0, expected.length() - 3));
        } else {
            assertThat(shown).isEqualTo(expected);
        }
        assertThat(foo().snapshot().generation()).isEqualTo(before);
        assertThat(foo().snapshot().check()).isNull();
    }

    @Test
    void spawnWithoutATableRaises() {
        assertThat(vm.eval("return require('resty.upstream.healthcheck').spawn_checker()"))
                .endsWith("bad argument #1 to 'spawn_checker' (table expected, got nil)");
    }

    @Test
    void statusPageShowsPeersUpOrDownFromHealthAndTheOperatorsDown() {
        assertThat(vm.eval("return require('resty.upstream.healthcheck').status_page()")).isEqualTo("""
                Upstream foo.com (NO checkers)
                    Primary Peers
                        127.0.0.1:12354 UP
                        127.0.0.1:12355 UP
                    Backup Peers
                        127.0.0.1:12356 UP

                Upstream bar (NO checkers)
                    Primary Peers
                        127.0.0.1:12357 DOWN
                    Backup Peers
                """);

        spawn("fall = 1");
        foo().snapshot().primary().get(1).state().recordCheck(false, 1, 1, 2);
        assertThat(vm.eval("return require('resty.upstream.healthcheck').status_page()")).startsWith("""
                Upstream foo.com
                    Primary Peers
                        127.0.0.1:12354 UP
                        127.0.0.1:12355 DOWN
                    Backup Peers
                        127.0.0.1:12356 UP

                Upstream bar (NO checkers)
                """);
    }

    @Test
    void prometheusPageHasTheOriginalsLinesAndUnknownForUncheckedUpstreams() {
        spawn("fall = 1");
        foo().snapshot().primary().get(0).state().recordCheck(false, 1, 1, 2);
        foo().snapshot().backup().get(0).state().recordCheck(false, 1, 1, 2);
        String m = "nginx_upstream_status_info{name=\"";
        assertThat(vm.eval("return show(require('resty.upstream.healthcheck').prometheus_status_page())"))
                .isEqualTo("# HELP nginx_upstream_status_info The running status of nginx upstream\n"
                           + "# TYPE nginx_upstream_status_info gauge\n"
                           + m + "foo.com\",endpoint=\"127.0.0.1:12354\",status=\"UP\",role=\"PRIMARY\"} 0\n"
                           + m + "foo.com\",endpoint=\"127.0.0.1:12354\",status=\"DOWN\",role=\"PRIMARY\"} 1\n"
                           + m + "foo.com\",endpoint=\"127.0.0.1:12355\",status=\"UP\",role=\"PRIMARY\"} 1\n"
                           + m + "foo.com\",endpoint=\"127.0.0.1:12355\",status=\"DOWN\",role=\"PRIMARY\"} 0\n"
                           + m + "foo.com\",endpoint=\"127.0.0.1:12356\",status=\"UP\",role=\"BACKUP\"} 0\n"
                           + m + "foo.com\",endpoint=\"127.0.0.1:12356\",status=\"DOWN\",role=\"BACKUP\"} 1\n"
                           + m + "foo.com\",status=\"UP\"} 1\n"
                           + m + "foo.com\",status=\"DOWN\"} 0\n"
                           + m + "foo.com\",status=\"UNKNOWN\"} 0\n"
                           + m + "bar\",status=\"UP\"} 0\n"
                           + m + "bar\",status=\"DOWN\"} 0\n"
                           + m + "bar\",status=\"UNKNOWN\"} 1\n");

        foo().snapshot().primary().get(1).state().recordCheck(false, 1, 1, 2);
        assertThat(vm.eval("return require('resty.upstream.healthcheck').prometheus_status_page()"))
                .contains(m + "foo.com\",status=\"UP\"} 0\n" + m + "foo.com\",status=\"DOWN\"} 1\n");
    }

    @Test
    void theShmMustBeALuaSharedDict() {
        try (LibVm noDicts = new LibVm(new LuaLibraries(service, Map.of()))) {
            assertThat(noDicts.eval(SYNOPSIS.formatted("") + "return show(hc.spawn_checker(opts))"))
                    .isEqualTo("nil shm \"healthcheck\" not found");
        }
        assertThat(foo().snapshot().check()).isNull();
    }
}

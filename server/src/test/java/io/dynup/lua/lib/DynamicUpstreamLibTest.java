package io.dynup.lua.lib;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Queue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.dynup.config.Config;
import io.dynup.config.ConfigParser;
import io.dynup.config.CoreDirectives;
import io.dynup.config.DirectiveTable;
import io.dynup.model.HostResolver;
import io.dynup.model.UpstreamConfig;
import io.dynup.upstream.UpstreamRegistry;
import io.dynup.upstream.UpstreamService;

/**
 * REFERENCE.md section 1, row by row (dynup column), for {@code ngx.dynamic_upstream} on http upstreams and
 * {@code ngx.dynamic_upstream.stream} on stream upstreams: every test runs once per module. The conformance
 * blocks in {@code conformance/lua/dynamic_upstream.t} repeat these cases through a real server.
 */
class DynamicUpstreamLibTest {

    /** The same upstreams in both namespaces: {@code u} (with every parameter) and {@code plain} (no zone). */
    private static final String UPSTREAMS = """
            upstream %1$s {
                zone z%1$s 128k;
                server 127.0.0.1:6001 weight=2 max_fails=3 fail_timeout=5 max_conns=7;
                server 127.0.0.1:6002 down;
                server 127.0.0.1:6003 backup;
            }
            upstream %2$s { server 127.0.0.1:6004; }
            """;

    private static final String CONFIG = "events {}\nhttp {\n" + UPSTREAMS.formatted("backend", "plain")
            + "}\nstream {\n" + UPSTREAMS.formatted("tcpback", "tcpplain") + "}\n";

    private static final HostResolver RESOLVER = host -> switch (host) {
        case "localhost" -> new InetAddress[] {InetAddress.getByName("127.0.0.1")};
        case "twin.test" -> new InetAddress[] {InetAddress.getByName("127.0.0.1"),
                                               InetAddress.getByName("127.0.0.2")};
        default -> throw new UnknownHostException(host);
    };

    /** Resolutions wait here until the test runs them, as they would wait for the resolver thread. */
    private final Queue<Runnable> resolutions = new ArrayDeque<>();
    private final UpstreamService service;
    private final LibVm vm;

    DynamicUpstreamLibTest() {
        DirectiveTable table = DirectiveTable.builder().addAll(CoreDirectives.ALL).build();
        Config config = ConfigParser.parseString(CONFIG, Path.of("/tmp/nginx.conf"), table);
        service = new UpstreamService(new UpstreamRegistry(UpstreamConfig.bind(config, RESOLVER)), RESOLVER,
                                      resolutions::add);
        vm = new LibVm(new LuaLibraries(service, Map.of()));
    }

    @AfterEach
    void close() {
        vm.close();
    }

    /** Runs {@code code} with {@code du} = the module of {@code module}, {@code U} = its upstream name. */
    private String lua(String module, String code) {
        boolean stream = module.endsWith(".stream");
        return vm.eval("local du = require '" + module + "'\n"
                       + "local U, PLAIN, PEER = '" + (stream ? "tcpback" : "backend") + "', '"
                       + (stream ? "tcpplain" : "plain") + "', '127.0.0.1:6001'\n" + code);
    }

    private String peersOf(String module) {
        return lua(module, "local ok, t = du.get_peers(U) return peers(t)");
    }

    private static final String P1 = "backup=false conns=0 fail_timeout=5 max_conns=7 max_fails=3 "
            + "name=127.0.0.1:6001 server=127.0.0.1:6001 weight=2";
    private static final String P2 = "backup=false conns=0 down=true fail_timeout=10 max_conns=0 max_fails=1 "
            + "name=127.0.0.1:6002 server=127.0.0.1:6002 weight=1";
    private static final String P3 = "backup=true conns=0 fail_timeout=10 max_conns=0 max_fails=1 "
            + "name=127.0.0.1:6003 server=127.0.0.1:6003 weight=1";
    private static final String KEYS = "weight, max_fails, fail_timeout, max_conns, down";
    private static final String BOTH = "ngx.dynamic_upstream, ngx.dynamic_upstream.stream";

    private static String added(String server, boolean backup) {
        return "backup=" + backup + " conns=0 fail_timeout=10 max_conns=0 max_fails=1 name=" + server
               + " server=" + server + " weight=1";
    }

    @ParameterizedTest
    @ValueSource(strings = {"ngx.dynamic_upstream", "ngx.dynamic_upstream.stream"})
    void getUpstreamsListsTheNamespaceInConfigOrderWithAndWithoutZone(String module) {
        boolean stream = module.endsWith(".stream");
        assertThat(lua(module, "local ok, list, err = du.get_upstreams() "
                               + "return show(ok, table.concat(list, ','), err, select('#', du.get_upstreams()))"))
                .isEqualTo(stream ? "true tcpback,tcpplain nil 3" : "true backend,plain nil 3");
        assertThat(lua(module, "return show(du.get_upstreams(1))")).isEqualTo("false nil no argument expected");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ngx.dynamic_upstream", "ngx.dynamic_upstream.stream"})
    void listsPeersWithEveryKeyPrimariesThenBackups(String module) {
        assertThat(peersOf(module)).isEqualTo(P1 + "\n" + P2 + "\n" + P3);
        assertThat(lua(module, "local ok, t = du.get_servers(U) return peers(t)"))
                .isEqualTo(P1 + "\n" + P2 + "\n" + P3);
        assertThat(lua(module, "local ok, t = du.get_primary_peers(U) return peers(t)"))
                .isEqualTo(P1 + "\n" + P2);
        assertThat(lua(module, "local ok, t = du.get_backup_peers(U) return peers(t)")).isEqualTo(P3);
        assertThat(lua(module, "local ok, t, err = du.get_backup_peers(PLAIN) return show(ok, #t, err)"))
                .isEqualTo("true 0 nil");
        assertThat(lua(module, "local ok, t = du.get_peers(U) return show(math.type and 'x' or type(t[1].weight), "
                               + "t[1].weight .. '')")).isEqualTo("number 2");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ngx.dynamic_upstream", "ngx.dynamic_upstream.stream"})
    void theUpstreamIsFoundByNameThenByZoneName(String module) {
        boolean stream = module.endsWith(".stream");
        assertThat(lua(module, "local ok, t = du.get_peers('" + (stream ? "ztcpback" : "zbackend") + "') "
                               + "return show(ok, #t)")).isEqualTo("true 3");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', value = {
            "get_peers('nosuch')|false nil upstream not found",
            "get_primary_peers('nosuch')|false nil upstream not found",
            "get_backup_peers('nosuch')|false nil upstream not found",
            "add_peer('nosuch', '1.2.3.4')|false nil upstream not found",
            "remove_peer('nosuch', '1.2.3.4')|false nil upstream not found",
            "set_peer_down('nosuch', '1.2.3.4')|false nil upstream not found",
            "update_peer('nosuch', '1.2.3.4', {})|false nil upstream not found",
            "get_peers()|false nil exactly one argument expected",
            "get_servers(U, 1)|false nil exactly one argument expected",
            "get_primary_peers()|false nil exactly one argument expected",
            "get_backup_peers(U, U)|false nil exactly one argument expected",
            "set_peer_down(U)|false nil exactly 2 arguments expected",
            "set_peer_up(U, 'a', 'b')|false nil exactly 2 arguments expected",
            "remove_peer(U)|false nil exactly 2 arguments expected",
            "add_peer(U)|false nil exactly 2 arguments expected (or 3, the third a table)",
            "add_backup_peer(U, '1.2.3.4', 'x')|false nil exactly 2 arguments expected (or 3, the third a table)",
            "add_primary_peer(U, '1.2.3.4', {}, {})|false nil exactly 2 arguments expected (or 3, the third a table)",
            "update_peer(U, '127.0.0.1:6001')|false nil exactly 3 arguments expected",
            "update_peer(U, '127.0.0.1:6001', 'weight=2')|false nil exactly 3 arguments expected",
            "current_upstream(1)|false nil no argument expected",
            "set_peer_down(U, '127.0.0.1:9')|false nil server or peer is not found",
            "set_peer_up(U, '127.0.0.1:9')|false nil server or peer is not found",
            "update_peer(U, '127.0.0.1:9', {weight = 2})|false nil server or peer is not found",
            "add_peer(U, '1.2.3.4:99999')|false nil invalid port",
            "add_peer(U, ':0')|false nil invalid port",
            "add_peer(U, '1.2.3.4:')|false nil invalid port",
            "add_peer(U, '::1')|false nil invalid port",
            "add_peer(U, '')|false nil no host",
            "add_peer(U, 'http://1.2.3.4')|false nil invalid host",
            "add_primary_peer(U, '127.0.0.1:6003')|false nil can't change server type (primary<->backup)",
            "add_backup_peer(U, '127.0.0.1:6001')|false nil can't change server type (primary<->backup)",
            "update_peer(U, PEER, {weight = 0})|false nil weight: 0 (expected: an integer 1..1000000)",
            "update_peer(U, PEER, {weight = -3})|false nil weight: -3 (expected: an integer 1..1000000)",
            "update_peer(U, PEER, {weight = 'abc'})|false nil weight: \"abc\" (expected: an integer 1..1000000)",
            "update_peer(U, PEER, {weight = 2.9})|false nil weight: 2.9 (expected: an integer 1..1000000)",
            "update_peer(U, PEER, {weight = 1e12})|false nil weight: 1000000000000 (expected: an integer 1..1000000)",
            "update_peer(U, PEER, {max_fails = -1})|false nil max_fails: -1 (expected: an integer 0..1000000)",
            "update_peer(U, PEER, {fail_timeout = -1})|false nil fail_timeout: -1 (expected: an integer 0..1000000)",
            "update_peer(U, PEER, {max_conns = -5})|false nil max_conns: -5 (expected: an integer 0..1000000)",
            "update_peer(U, PEER, {wieght = 2})|false nil unknown parameter \"wieght\" (expected: " + KEYS + ")",
            "update_peer(U, PEER, {5})|false nil unknown parameter \"1\" (expected: " + KEYS + ")",
            "update_peer(U, PEER, {down = 'yes'})|false nil down: \"yes\" (expected: true, false, 1 or 0)",
            "update_peer(U, PEER, {down = 2})|false nil down: 2 (expected: true, false, 1 or 0)",
            "update_peer(U, PEER, {weight = {}})|false nil weight: table (expected: a number, a numeric string or a boolean)",
            "update_peer(U, PEER, {weight = 3, max_fails = -1})|false nil max_fails: -1 (expected: an integer 0..1000000)",
            "add_peer(U, '1.2.3.4', {weight = 0})|false nil weight: 0 (expected: an integer 1..1000000)",
            "add_peer(U, '1.2.3.4', {color = 'red'})|false nil unknown parameter \"color\" (expected: " + KEYS + ")"})
    void failuresAnswerFalseNilAndTheReasonAndChangeNothing(String call, String expected) {
        for (String module : BOTH.split(", ")) {
            assertThat(lua(module, "return show(du." + call + ")")).as(module).isEqualTo(expected);
            assertThat(peersOf(module)).as(module).isEqualTo(P1 + "\n" + P2 + "\n" + P3);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "get_peers(nil)|bad argument #1 to 'get_peers' (string expected, got nil)",
            "get_servers({})|bad argument #1 to 'get_servers' (string expected, got table)",
            "get_primary_peers(true)|bad argument #1 to 'get_primary_peers' (string expected, got boolean)",
            "get_backup_peers(print)|bad argument #1 to 'get_backup_peers' (string expected, got function)",
            "set_peer_down(U, nil)|bad argument #2 to 'set_peer_down' (string expected, got nil)",
            "set_peer_up(nil, 'x')|bad argument #1 to 'set_peer_up' (string expected, got nil)",
            "add_peer(U, {})|bad argument #2 to 'add_peer' (string expected, got table)",
            "add_primary_peer(U, nil)|bad argument #2 to 'add_primary_peer' (string expected, got nil)",
            "add_backup_peer(ngx.null, 'x')|bad argument #1 to 'add_backup_peer' (string expected, got userdata)",
            "remove_peer(U, nil)|bad argument #2 to 'remove_peer' (string expected, got nil)",
            "update_peer(nil, 'x', {})|bad argument #1 to 'update_peer' (string expected, got nil)"})
    void aWrongTypeRaisesNamingTheFunctionAtTheCallersLine(String call, String message) {
        for (String module : BOTH.split(", ")) {
            assertThat(lua(module, "return show(du." + call + ")")).as(module)
                    .matches("error: \\[string \".*\"]:3: \\Q" + message + "\\E");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ngx.dynamic_upstream", "ngx.dynamic_upstream.stream"})
    void addsPrimaryAndBackupByAddressFirstInTheirTierWithNginxDefaults(String module) {
        assertThat(lua(module, "return show(du.add_primary_peer(U, '127.0.0.1:6005'))"))
                .isEqualTo("true nil nil");
        assertThat(lua(module, "return show(du.add_peer(U, '1.2.3.4'))")).isEqualTo("true nil nil");
        assertThat(lua(module, "return show(du.add_backup_peer(U, '127.0.0.1:6006'))"))
                .isEqualTo("true nil nil");
        assertThat(lua(module, "return show(du.add_backup_peer(U, '[::1]:80'))")).isEqualTo("true nil nil");
        assertThat(peersOf(module)).isEqualTo(String.join("\n",
                added("1.2.3.4:80", false).replace("server=1.2.3.4:80", "server=1.2.3.4"),
                added("127.0.0.1:6005", false), P1, P2,
                added("[::1]:80", true), added("127.0.0.1:6006", true), P3));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ngx.dynamic_upstream", "ngx.dynamic_upstream.stream"})
    void addingAnExistingPeerOfTheSameKindChangesNothing(String module) {
        assertThat(lua(module, "return show(du.add_peer(U, '127.0.0.1:6001'))")).isEqualTo("true nil nil");
        assertThat(lua(module, "return show(du.add_backup_peer(U, '127.0.0.1:6003'))"))
                .isEqualTo("true nil nil");
        assertThat(lua(module, "return show(du.add_peer(U, '127.0.0.1:6001', {weight = 9}))"))
                .isEqualTo("true nil nil");
        assertThat(peersOf(module)).isEqualTo(P1 + "\n" + P2 + "\n" + P3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ngx.dynamic_upstream", "ngx.dynamic_upstream.stream"})
    void addTakesTheUpdateKeysAsAThirdTable(String module) {
        assertThat(lua(module, "return show(du.add_backup_peer(U, '127.0.0.1:6007', "
                               + "{weight = 3, max_fails = 4, fail_timeout = 5, max_conns = 6, down = 1}))"))
                .isEqualTo("true nil nil");
        assertThat(lua(module, "local ok, t = du.get_backup_peers(U) return peers({t[1]})")).isEqualTo(
                "backup=true conns=0 down=true fail_timeout=5 max_conns=6 max_fails=4 name=127.0.0.1:6007 "
                + "server=127.0.0.1:6007 weight=3");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ngx.dynamic_upstream", "ngx.dynamic_upstream.stream"})
    void aNameOutsideAsciiIsListedWhole(String module) {
        // the peer list crosses JNI packed, each text with its length in bytes: a multi-byte name must not
        // shift the fields after it
        assertThat(lua(module, "return show(du.add_peer(U, 'b\\195\\188cher-\\226\\130\\172.test:6010'))"))
                .isEqualTo("true nil nil");
        assertThat(lua(module, "local ok, t = du.get_primary_peers(U) "
                               + "return show(#t[1].name, t[1].server == t[1].name, t[1].weight, t[2].name)"))
                .isEqualTo("21 true 1 127.0.0.1:6001");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ngx.dynamic_upstream", "ngx.dynamic_upstream.stream"})
    void aHostNameIsResolvedOffTheCallerAndListedByItsServerUntilThen(String module) {
        assertThat(lua(module, "return show(du.add_peer(U, 'localhost:6008'))")).isEqualTo("true nil nil");
        assertThat(lua(module, "local ok, t = du.get_primary_peers(U) return show(t[1].server, t[1].name)"))
                .isEqualTo("localhost:6008 localhost:6008");
        resolutions.remove().run();
        assertThat(lua(module, "local ok, t = du.get_primary_peers(U) return show(t[1].server, t[1].name, #t)"))
                .isEqualTo("localhost:6008 127.0.0.1:6008 3");

        assertThat(lua(module, "return show(du.add_backup_peer(U, 'twin.test:6009'))"))
                .isEqualTo("true nil nil");
        resolutions.remove().run();
        assertThat(lua(module, "local ok, t = du.get_backup_peers(U) "
                               + "return show(t[1].server, t[1].name, t[2].server, t[2].name, #t)"))
                .isEqualTo("twin.test:6009 127.0.0.1:6009 twin.test:6009 127.0.0.2:6009 3");
        assertThat(lua(module, "return show(du.remove_peer(U, 'twin.test:6009'))")).isEqualTo("true nil nil");
        assertThat(lua(module, "local ok, t = du.get_backup_peers(U) return peers(t)")).isEqualTo(P3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ngx.dynamic_upstream", "ngx.dynamic_upstream.stream"})
    void removesPrimaryBackupMissingAndLastPeers(String module) {
        assertThat(lua(module, "return show(du.remove_peer(U, '127.0.0.1:6002'))")).isEqualTo("true nil nil");
        assertThat(lua(module, "return show(du.remove_peer(U, '127.0.0.1:6003'))")).isEqualTo("true nil nil");
        assertThat(lua(module, "return show(du.remove_peer(U, '127.0.0.1:9999'))")).isEqualTo("true nil nil");
        assertThat(peersOf(module)).isEqualTo(P1);
        assertThat(lua(module, "return show(du.remove_peer(U, '127.0.0.1:6001'))")).isEqualTo("true nil nil");
        assertThat(lua(module, "local ok, t, err = du.get_peers(U) return show(ok, #t, err)"))
                .isEqualTo("true 0 nil");
        assertThat(lua(module, "return show(du.remove_peer(PLAIN, '127.0.0.1:6004'))"))
                .isEqualTo("true nil nil");
        assertThat(lua(module, "local ok, t = du.get_peers(PLAIN) return #t")).isEqualTo("0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ngx.dynamic_upstream", "ngx.dynamic_upstream.stream"})
    void removeMatchesByNameToo(String module) {
        assertThat(lua(module, "du.add_peer(U, '1.2.3.4') return show(du.remove_peer(U, '1.2.3.4:80'))"))
                .isEqualTo("true nil nil");
        assertThat(peersOf(module)).isEqualTo(P1 + "\n" + P2 + "\n" + P3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ngx.dynamic_upstream", "ngx.dynamic_upstream.stream"})
    void setsPeersDownAndUpIdempotently(String module) {
        assertThat(lua(module, "return show(du.set_peer_down(U, '127.0.0.1:6001'))")).isEqualTo("true nil nil");
        assertThat(lua(module, "return show(du.set_peer_down(U, '127.0.0.1:6001'))")).isEqualTo("true nil nil");
        assertThat(lua(module, "local ok, t = du.get_peers(U) return show(t[1].down)")).isEqualTo("true");
        assertThat(lua(module, "return show(du.set_peer_up(U, '127.0.0.1:6001'))")).isEqualTo("true nil nil");
        assertThat(lua(module, "return show(du.set_peer_up(U, '127.0.0.1:6001'))")).isEqualTo("true nil nil");
        assertThat(lua(module, "return show(du.set_peer_up(U, '127.0.0.1:6002'))")).isEqualTo("true nil nil");
        assertThat(lua(module, "local ok, t = du.get_peers(U) return show(t[1].down, t[2].down)"))
                .isEqualTo("nil nil");
        assertThat(lua(module, "return show(du.set_peer_down(U, '127.0.0.1:6003'))")).isEqualTo("true nil nil");
        assertThat(lua(module, "local ok, t = du.get_backup_peers(U) return show(t[1].down)"))
                .isEqualTo("true");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{weight = 4, max_fails = 0, fail_timeout = 0, max_conns = 0}|"
            + "backup=false conns=0 fail_timeout=0 max_conns=0 max_fails=0 name=127.0.0.1:6001 "
            + "server=127.0.0.1:6001 weight=4",
            "{weight = '7', max_conns = 2.0}|"
            + "backup=false conns=0 fail_timeout=5 max_conns=2 max_fails=3 name=127.0.0.1:6001 "
            + "server=127.0.0.1:6001 weight=7",
            "{down = true}|"
            + "backup=false conns=0 down=true fail_timeout=5 max_conns=7 max_fails=3 name=127.0.0.1:6001 "
            + "server=127.0.0.1:6001 weight=2",
            "{down = 1}|"
            + "backup=false conns=0 down=true fail_timeout=5 max_conns=7 max_fails=3 name=127.0.0.1:6001 "
            + "server=127.0.0.1:6001 weight=2",
            "{down = '1'}|"
            + "backup=false conns=0 down=true fail_timeout=5 max_conns=7 max_fails=3 name=127.0.0.1:6001 "
            + "server=127.0.0.1:6001 weight=2",
            "{}|" + P1})
    void updatesThePeersParameters(String params, String expected) {
        for (String module : BOTH.split(", ")) {
            assertThat(lua(module, "return show(du.update_peer(U, '127.0.0.1:6001', " + params + "))"))
                    .as(module).isEqualTo("true nil nil");
            assertThat(lua(module, "local ok, t = du.get_peers(U) return peers({t[1]})")).as(module)
                    .isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"false", "0", "'0'"})
    void downFalseZeroOrZeroStringSetsThePeerUp(String value) {
        for (String module : BOTH.split(", ")) {
            assertThat(lua(module, "return show(du.update_peer(U, '127.0.0.1:6002', {down = " + value + "}))"))
                    .isEqualTo("true nil nil");
            assertThat(lua(module, "local ok, t = du.get_peers(U) return show(t[2].down)")).isEqualTo("nil");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ngx.dynamic_upstream", "ngx.dynamic_upstream.stream"})
    void changesFromOneVmAreSeenByAnother(String module) {
        try (LibVm other = new LibVm(new LuaLibraries(service, Map.of()))) {
            assertThat(lua(module, "return show(du.add_peer(U, '127.0.0.1:6010'))")).isEqualTo("true nil nil");
            String list = other.eval("local du = require '" + module + "' local ok, t = du.get_peers('"
                                     + (module.endsWith(".stream") ? "tcpback" : "backend") + "') return t[1].name");
            assertThat(list).isEqualTo("127.0.0.1:6010");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ngx.dynamic_upstream", "ngx.dynamic_upstream.stream"})
    void currentUpstreamNamesTheProxiedUpstreamElseNoProxying(String module) {
        assertThat(lua(module, "return show(du.current_upstream())")).isEqualTo("false nil no proxying");
        vm.currentUpstream = "backend";
        assertThat(lua(module, "return show(du.current_upstream())"))
                .isEqualTo(module.endsWith(".stream") ? "false nil no proxying" : "true backend nil");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ngx.dynamic_upstream", "ngx.dynamic_upstream.stream"})
    void theNamespacesAreApart(String module) {
        String other = module.endsWith(".stream") ? "backend" : "tcpback";
        assertThat(lua(module, "return show(du.get_peers('" + other + "'))"))
                .isEqualTo("false nil upstream not found");
    }
}

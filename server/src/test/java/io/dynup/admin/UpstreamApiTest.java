package io.dynup.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.dynup.balancer.Attempt;
import io.dynup.balancer.Balancer;
import io.dynup.model.PeerSpec;
import io.dynup.model.UpstreamKind;
import io.dynup.model.UpstreamSpec;
import io.dynup.upstream.Peer;
import io.dynup.upstream.UpstreamRegistry;
import io.dynup.upstream.UpstreamService;

/**
 * The JSON API's contract, endpoint by endpoint and error code by error code, without sockets: NGINX Plus
 * API v9 shapes, plus ETags, If-Match and batches. Every refused request is checked to leave the full state
 * (every upstream's servers and generation) exactly as it was.
 */
class UpstreamApiTest {

    private final AtomicLong tickerMillis = new AtomicLong(1_000_000);
    private final UpstreamService service = new UpstreamService(new UpstreamRegistry(List.of(
            UpstreamSpec.of("backend", UpstreamKind.HTTP, List.of(peer("127.0.0.1:9090", false),
                                                                  peer("127.0.0.1:9091", true))),
            UpstreamSpec.of("other", UpstreamKind.HTTP, List.of(peer("127.0.0.1:9100", false))),
            UpstreamSpec.of("tcp", UpstreamKind.STREAM, List.of(peer("127.0.0.1:9200", false))))),
            host -> {
                throw new UnknownHostException(host);
            }, Runnable::run);
    private final UpstreamApi api = new UpstreamApi(service, () -> tickerMillis.get() * 1_000_000L,
                                                    () -> 1_700_000_000_000L, true);
    private final UpstreamApi readOnly = new UpstreamApi(service, () -> tickerMillis.get() * 1_000_000L,
                                                         () -> 1_700_000_000_000L, false);

    @Test
    void rootListsVersionsAndVersionListsSections() {
        assertThat(text(get(""))).isEqualTo("[1,2,3,4,5,6,7,8,9]");
        assertThat(text(get("/"))).isEqualTo("[1,2,3,4,5,6,7,8,9]");
        assertThat(text(get("9"))).isEqualTo("[\"http\",\"stream\"]");
        assertThat(text(get("9/http/"))).isEqualTo("[\"upstreams\"]");
        assertThat(text(get("9/stream"))).isEqualTo("[\"upstreams\"]");
    }

    @Test
    void serversListsTheConfigurationOfEveryPeerWithItsGenerationAsETag() {
        UpstreamApi.Response r = get("9/http/upstreams/backend/servers");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.etag()).isEqualTo(1);
        assertThat(text(r)).isEqualTo("[{\"id\":0,\"server\":\"127.0.0.1:9090\",\"weight\":1,\"max_conns\":0,"
                + "\"max_fails\":1,\"fail_timeout\":\"10s\",\"backup\":false,\"down\":false},"
                + "{\"id\":1,\"server\":\"127.0.0.1:9091\",\"weight\":1,\"max_conns\":0,\"max_fails\":1,"
                + "\"fail_timeout\":\"10s\",\"backup\":true,\"down\":false}]");
        assertThat(text(get("9/http/upstreams/backend/servers/1"))).isEqualTo("{\"id\":1,\"server\":"
                + "\"127.0.0.1:9091\",\"weight\":1,\"max_conns\":0,\"max_fails\":1,\"fail_timeout\":\"10s\","
                + "\"backup\":true,\"down\":false}");
        assertThat(text(get("9/stream/upstreams/tcp/servers"))).contains("\"server\":\"127.0.0.1:9200\"");
    }

    @Test
    void upstreamStatusShowsPeersWithStateAndCounters() {
        Balancer b = Balancer.create(service.registry().find(UpstreamKind.HTTP, "backend"),
                                     () -> tickerMillis.get() * 1_000_000L);
        Attempt a = b.newAttempt();
        Peer p = b.pick(a);
        p.state().recordResponse(200);
        tickerMillis.addAndGet(500);
        assertThat(text(get("9/http/upstreams/backend"))).isEqualTo("{\"peers\":[{\"id\":0,\"server\":"
                + "\"127.0.0.1:9090\",\"name\":\"127.0.0.1:9090\",\"backup\":false,\"weight\":1,\"state\":\"up\","
                + "\"active\":1,\"requests\":1,\"responses\":{\"1xx\":0,\"2xx\":1,\"3xx\":0,\"4xx\":0,\"5xx\":0,"
                + "\"total\":1},\"fails\":0,\"unavail\":0,\"selected\":\"2023-11-14T22:13:19.500Z\"},"
                + "{\"id\":1,\"server\":\"127.0.0.1:9091\",\"name\":\"127.0.0.1:9091\",\"backup\":true,"
                + "\"weight\":1,\"state\":\"up\",\"active\":0,\"requests\":0,\"responses\":{\"1xx\":0,"
                + "\"2xx\":0,\"3xx\":0,\"4xx\":0,\"5xx\":0,\"total\":0},\"fails\":0,\"unavail\":0}],"
                + "\"keepalive\":0}");
        b.release(a, true);
        assertThat(text(get("9/http/upstreams/backend"))).contains("\"state\":\"unavail\"", "\"fails\":1",
                                                                   "\"unavail\":1", "\"active\":0");
        service.setPeerDown(UpstreamKind.HTTP, "backend", "127.0.0.1:9090");
        assertThat(text(get("9/http/upstreams/backend"))).contains("\"state\":\"down\"");
        tickerMillis.addAndGet(11_000);
        service.setPeerUp(UpstreamKind.HTTP, "backend", "127.0.0.1:9090");
        assertThat(text(get("9/http/upstreams/backend")))
                .doesNotContain("\"state\":\"unavail\"", "\"state\":\"down\"");
    }

    @Test
    void upstreamsMapsNamesToStatusPerNamespace() {
        String all = text(get("9/http/upstreams"));
        assertThat(all).startsWith("{\"backend\":{\"peers\":[").contains(",\"other\":{\"peers\":[")
                       .doesNotContain("tcp");
        assertThat(text(get("9/stream/upstreams"))).startsWith("{\"tcp\":{\"peers\":[");
    }

    @Test
    void postAddsAServerAndAnswers201WithIt() {
        UpstreamApi.Response r = call("POST", "9/http/upstreams/backend/servers", null,
                "{\"server\":\"127.0.0.1:9095\",\"weight\":3,\"max_conns\":7,\"max_fails\":2,"
                + "\"fail_timeout\":\"1m\",\"down\":true}");
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.etag()).isEqualTo(2);
        assertThat(text(r)).isEqualTo("{\"id\":2,\"server\":\"127.0.0.1:9095\",\"weight\":3,\"max_conns\":7,"
                + "\"max_fails\":2,\"fail_timeout\":\"60s\",\"backup\":false,\"down\":true}");
        UpstreamApi.Response backup = call("POST", "9/http/upstreams/backend/servers", null,
                "{\"server\":\"127.0.0.1:9096\",\"backup\":true,\"fail_timeout\":5}");
        assertThat(text(backup)).contains("\"id\":3", "\"fail_timeout\":\"5s\"", "\"backup\":true");
        assertThat(service.getBackupPeers(UpstreamKind.HTTP, "backend").get().get(0).name())
                .isEqualTo("127.0.0.1:9096");
    }

    @Test
    void patchChangesParametersAndKeepsTheId() {
        UpstreamApi.Response r = call("PATCH", "9/http/upstreams/backend/servers/0", null,
                                      "{\"weight\":5,\"down\":true,\"id\":0,\"server\":\"127.0.0.1:9090\","
                                      + "\"backup\":false}");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.etag()).isEqualTo(2);
        assertThat(text(r)).isEqualTo("{\"id\":0,\"server\":\"127.0.0.1:9090\",\"weight\":5,\"max_conns\":0,"
                + "\"max_fails\":1,\"fail_timeout\":\"10s\",\"backup\":false,\"down\":true}");
    }

    @Test
    void deleteRemovesByIdAndAnswersTheServersLeft() {
        UpstreamApi.Response r = call("DELETE", "9/http/upstreams/backend/servers/1", null, "");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.etag()).isEqualTo(2);
        assertThat(text(r)).startsWith("[{\"id\":0,").doesNotContain("9091");
        // ids are never reused
        UpstreamApi.Response again = call("POST", "9/http/upstreams/backend/servers", null,
                                          "{\"server\":\"127.0.0.1:9091\"}");
        assertThat(text(again)).startsWith("{\"id\":2,");
    }

    @Test
    void ifMatchMakesAWriteConditional() {
        assertThat(call("PATCH", "9/http/upstreams/backend/servers/0", "\"1\"", "{\"weight\":2}").status())
                .isEqualTo(200);
        String before = dump();
        UpstreamApi.Response stale = call("PATCH", "9/http/upstreams/backend/servers/0", "\"1\"", "{\"weight\":3}");
        assertThat(stale.status()).isEqualTo(412);
        assertThat(text(stale)).contains("\"code\":\"PreconditionFailed\"",
                                         "generation changed: 2 (expected: 1)");
        assertThat(dump()).isEqualTo(before);
        assertThat(call("DELETE", "9/http/upstreams/backend/servers/1", "W/\"2\"", "").status()).isEqualTo(200);
        assertThat(call("POST", "9/http/upstreams/backend/servers", "*", "{\"server\":\"127.0.0.1:9099\"}")
                .status()).isEqualTo(201);
    }

    @Test
    void aBatchAppliesAllOperationsAsOneGeneration() {
        UpstreamApi.Response r = call("POST", "9/http/upstreams/backend/batch", "\"1\"",
                "[{\"op\":\"add\",\"server\":\"127.0.0.1:9097\",\"weight\":4},"
                + "{\"op\":\"update\",\"id\":0,\"down\":true,\"fail_timeout\":\"30s\"},"
                + "{\"op\":\"remove\",\"id\":1}]");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.etag()).isEqualTo(2);
        assertThat(text(r)).isEqualTo("[{\"id\":2,\"server\":\"127.0.0.1:9097\",\"weight\":4,\"max_conns\":0,"
                + "\"max_fails\":1,\"fail_timeout\":\"10s\",\"backup\":false,\"down\":false},"
                + "{\"id\":0,\"server\":\"127.0.0.1:9090\",\"weight\":1,\"max_conns\":0,\"max_fails\":1,"
                + "\"fail_timeout\":\"30s\",\"backup\":false,\"down\":true}]");
    }

    /** Every refusal: status, Plus code, a text naming the problem, and no change at all. */
    @ParameterizedTest(name = "{0} {1} {3} -> {4} {5}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            "GET|8/http/upstreams|NULL|''|404|UnknownVersion|unknown version \"8\"",
            "GET|nine|NULL|''|404|UnknownVersion|unknown version \"nine\"",
            "GET|9/nginx|NULL|''|404|PathNotFound|path not found",
            "GET|9/http/caches|NULL|''|404|PathNotFound|path not found",
            "GET|9/http/upstreams/backend/peers|NULL|''|404|PathNotFound|path not found",
            "GET|9/http/upstreams/nosuch|NULL|''|404|UpstreamNotFound|upstream \"nosuch\" not found",
            "GET|9/stream/upstreams/backend/servers|NULL|''|404|UpstreamNotFound|upstream \"backend\" not found",
            "GET|9/http/upstreams/backend/servers/7|NULL|''|404|UpstreamServerNotFound|server with id 7 does not exist",
            "GET|9/http/upstreams/backend/servers/x|NULL|''|400|UpstreamBadServerId|invalid server id \"x\"",
            "PUT|9/http/upstreams/backend/servers|NULL|''|405|MethodNotSupported|method not supported",
            "DELETE|9/http/upstreams/backend|NULL|''|405|MethodNotSupported|method not supported",
            "POST|9/http/upstreams|NULL|'{}'|405|MethodNotSupported|method not supported",
            "GET|9/http/upstreams/backend/batch|NULL|''|405|MethodNotSupported|method not supported",
            "POST|9/http/upstreams/nosuch/servers|NULL|'{\"server\":\"1.1.1.1\"}'|404|UpstreamNotFound|upstream \"nosuch\"",
            "POST|9/http/upstreams/backend/servers|NULL|''|415|JsonError|empty body",
            "POST|9/http/upstreams/backend/servers|NULL|'{\"server\":'|415|JsonError|invalid JSON",
            "POST|9/http/upstreams/backend/servers|NULL|'{} {}'|415|JsonError|unexpected data after the JSON value",
            "POST|9/http/upstreams/backend/servers|NULL|'[[[[[[[[[1]]]]]]]]]'|400|JsonError|JSON nested deeper than 8 levels",
            "POST|9/http/upstreams/backend/servers|NULL|'{\"weight\":1,\"weight\":2}'|415|JsonError|Duplicate field 'weight'",
            "POST|9/http/upstreams/backend/servers|NULL|'[1]'|400|UpstreamConfFormatError|expected a JSON object",
            "POST|9/http/upstreams/backend/servers|NULL|'{\"weight\":2}'|400|UpstreamConfFormatError|missing \"server\" argument",
            "POST|9/http/upstreams/backend/servers|NULL|'{\"server\":\"1.1.1.1\",\"slow_start\":\"0s\"}'|400|UpstreamConfFormatError|unknown parameter \"slow_start\" (expected: server, weight, max_conns, max_fails, fail_timeout, backup, down)",
            "POST|9/http/upstreams/backend/servers|NULL|'{\"server\":\"1.1.1.1\",\"weight\":[1]}'|400|UpstreamConfFormatError|nested object or list in \"weight\"",
            "POST|9/http/upstreams/backend/servers|NULL|'{\"server\":\"1.2.3.4:99999\"}'|400|UpstreamBadAddress|server \"1.2.3.4:99999\": invalid port",
            "POST|9/http/upstreams/backend/servers|NULL|'{\"server\":\"\"}'|400|UpstreamBadAddress|server: \"\" (expected: an address",
            "POST|9/http/upstreams/backend/servers|NULL|'{\"server\":7}'|400|UpstreamBadAddress|server: 7 (expected",
            "POST|9/http/upstreams/backend/servers|NULL|'{\"server\":\"1.1.1.1\",\"weight\":0}'|400|UpstreamBadWeight|weight: 0 (expected: an integer 1..1000000)",
            "POST|9/http/upstreams/backend/servers|NULL|'{\"server\":\"1.1.1.1\",\"weight\":2.5}'|400|UpstreamBadWeight|weight: 2.5 (expected: an integer 1..1000000)",
            "POST|9/http/upstreams/backend/servers|NULL|'{\"server\":\"1.1.1.1\",\"weight\":null}'|400|UpstreamBadWeight|weight: null",
            "POST|9/http/upstreams/backend/servers|NULL|'{\"server\":\"1.1.1.1\",\"max_fails\":-1}'|400|UpstreamBadMaxFails|max_fails: -1 (expected: an integer 0..1000000)",
            "POST|9/http/upstreams/backend/servers|NULL|'{\"server\":\"1.1.1.1\",\"fail_timeout\":\"soon\"}'|400|UpstreamBadFailTimeout|fail_timeout: \"soon\" (expected: a time such as \"10s\"",
            "POST|9/http/upstreams/backend/servers|NULL|'{\"server\":\"1.1.1.1\",\"fail_timeout\":-5}'|400|UpstreamBadFailTimeout|fail_timeout: -5 (expected: an integer 0..1000000)",
            "POST|9/http/upstreams/backend/servers|NULL|'{\"server\":\"1.1.1.1\",\"max_conns\":\"x\"}'|400|UpstreamBadMaxConns|max_conns: \"x\" (expected: an integer 0..1000000)",
            "POST|9/http/upstreams/backend/servers|NULL|'{\"server\":\"1.1.1.1\",\"down\":\"maybe\"}'|400|UpstreamConfFormatError|down: \"maybe\" (expected: true, false, 1 or 0)",
            "POST|9/http/upstreams/backend/servers|NULL|'{\"server\":\"1.1.1.1\",\"backup\":1}'|400|UpstreamConfFormatError|backup: 1 (expected: true or false)",
            "POST|9/http/upstreams/backend/servers|NULL|'{\"server\":\"127.0.0.1:9090\"}'|409|EntryExists|127.0.0.1:9090: server already exists",
            "POST|9/http/upstreams/backend/servers|NULL|'{\"server\":\"127.0.0.1:9091\"}'|409|EntryExists|127.0.0.1:9091: can't change server type (primary<->backup)",
            "POST|9/http/upstreams/backend/servers|'\"7\"'|'{\"server\":\"1.1.1.1\"}'|412|PreconditionFailed|If-Match: generation changed: 1 (expected: 7)",
            "POST|9/http/upstreams/backend/servers|'abc'|'{\"server\":\"1.1.1.1\"}'|412|PreconditionFailed|If-Match: abc (expected: an ETag",
            "PATCH|9/http/upstreams/backend/servers/9|NULL|'{\"weight\":2}'|404|UpstreamServerNotFound|server with id 9 does not exist",
            "PATCH|9/http/upstreams/backend/servers/0|NULL|'{\"backup\":true}'|400|UpstreamServerImmutable|backup: true cannot be changed (it is false)",
            "PATCH|9/http/upstreams/backend/servers/0|NULL|'{\"server\":\"1.1.1.1\"}'|400|UpstreamServerImmutable|server: \"1.1.1.1\" cannot be changed",
            "PATCH|9/http/upstreams/backend/servers/0|NULL|'{\"id\":1}'|400|UpstreamServerImmutable|id: 1 cannot be changed",
            "PATCH|9/http/upstreams/backend/servers/0|NULL|'{\"weight\":2,\"route\":\"a\"}'|400|UpstreamConfFormatError|unknown parameter \"route\"",
            "PATCH|9/http/upstreams/backend/servers/0|NULL|'{\"weight\":1000001}'|400|UpstreamBadWeight|weight: 1000001",
            "DELETE|9/http/upstreams/backend/servers/5|NULL|''|404|UpstreamServerNotFound|id 5: server or peer is not found",
            "POST|9/http/upstreams/backend/batch|NULL|'{}'|400|UpstreamConfFormatError|expected a JSON array of operations, got an object",
            "POST|9/http/upstreams/backend/batch|NULL|'[{\"op\":\"update\",\"id\":0,\"down\":true},{\"op\":\"remove\",\"id\":3}]'|404|UpstreamServerNotFound|id 3: server or peer is not found",
            "POST|9/http/upstreams/backend/batch|NULL|'[{\"op\":\"add\",\"server\":\"127.0.0.1:9097\"},{\"op\":\"add\",\"server\":\"127.0.0.1:9097\"}]'|409|EntryExists|127.0.0.1:9097: server already exists",
            "POST|9/http/upstreams/backend/batch|NULL|'[{\"op\":\"remove\",\"id\":1},{\"op\":\"update\",\"id\":0,\"weight\":0}]'|400|UpstreamBadWeight|operation 1: weight: 0",
            "POST|9/http/upstreams/backend/batch|NULL|'[{\"op\":\"rename\"}]'|400|UpstreamConfFormatError|operation 0: op: \"rename\" (expected: \"add\", \"update\" or \"remove\")",
            "POST|9/http/upstreams/backend/batch|NULL|'[{\"op\":\"remove\",\"id\":\"1\"}]'|400|UpstreamBadServerId|operation 0: id: \"1\" (expected: a server id)",
            "POST|9/http/upstreams/backend/batch|NULL|'[{\"op\":\"update\",\"id\":0,\"server\":\"x\"}]'|400|UpstreamConfFormatError|operation 0: unknown parameter \"server\""})
    void refusalsChangeNothing(String method, String path, String ifMatch, String body, int status, String code,
                               String text) {
        String before = dump();
        UpstreamApi.Response r = call(method, path, ifMatch, body);
        assertThat(r.status()).isEqualTo(status);
        Map<?, ?> error = (Map<?, ?>) ((Map<?, ?>) Json.parse(r.json())).get("error");
        assertThat(error.get("status")).isEqualTo(status);
        assertThat(error.get("code")).isEqualTo(code);
        assertThat((String) error.get("text")).contains(text);
        assertThat(text(r)).matches(".*\"request_id\":\"[0-9a-f]{32}\",\"href\":\"https://nginx.org/en/docs/"
                                    + "http/ngx_http_api_module.html\"}");
        assertThat(dump()).isEqualTo(before);
        // not even a server id was used up
        assertThat(text(call("POST", "9/http/upstreams/backend/servers", null, "{\"server\":\"127.0.0.1:9300\"}")))
                .startsWith("{\"id\":2,");
    }

    @Test
    void writesAreDisabledUnlessWriteIsOn() {
        String before = dump();
        for (String[] req : new String[][] {{"POST", "9/http/upstreams/backend/servers"},
                {"PATCH", "9/http/upstreams/backend/servers/0"}, {"DELETE", "9/http/upstreams/backend/servers/0"},
                {"POST", "9/http/upstreams/backend/batch"}}) {
            UpstreamApi.Response r = readOnly.handle(req[0], req[1], null, "{}".getBytes(StandardCharsets.UTF_8));
            assertThat(r.status()).isEqualTo(405);
            assertThat(text(r)).contains("\"code\":\"MethodDisabled\"");
        }
        assertThat(readOnly.handle("GET", "9/http/upstreams/backend/servers", null, new byte[0]).status())
                .isEqualTo(200);
        assertThat(dump()).isEqualTo(before);
    }

    /** The whole observable state: every upstream's servers with the generation. */
    private String dump() {
        StringBuilder sb = new StringBuilder();
        for (UpstreamKind kind : UpstreamKind.values()) {
            for (String name : service.getUpstreams(kind).get()) {
                UpstreamApi.Response r = api.handle("GET", "9/" + kind.configName() + "/upstreams/" + name
                                                           + "/servers", null, new byte[0]);
                sb.append(name).append(' ').append(r.etag()).append(' ').append(text(r)).append('\n');
            }
        }
        return sb.toString();
    }

    private UpstreamApi.Response get(String path) {
        return api.handle("GET", path, null, new byte[0]);
    }

    private UpstreamApi.Response call(String method, String path, String ifMatch, String body) {
        return api.handle(method, path, ifMatch, body.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(UpstreamApi.Response r) {
        return new String(r.json(), StandardCharsets.UTF_8);
    }

    private static PeerSpec peer(String addr, boolean backup) {
        int c = addr.lastIndexOf(':');
        return PeerSpec.of(addr, addr, new InetSocketAddress(addr.substring(0, c),
                                                            Integer.parseInt(addr.substring(c + 1))))
                       .withBackup(backup);
    }
}

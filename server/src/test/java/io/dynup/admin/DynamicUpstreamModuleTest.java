package io.dynup.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import io.dynup.model.HealthCheck;
import io.dynup.model.Overlay;
import io.dynup.model.PeerSpec;
import io.dynup.model.UpstreamKind;
import io.dynup.model.UpstreamSpec;
import io.dynup.upstream.ChangeJournal;
import io.dynup.upstream.UpstreamRegistry;
import io.dynup.upstream.UpstreamService;

/**
 * REFERENCE.md section 2, row by row (dynup column), without a server; {@code conformance/lua/query_api.t} runs
 * the same rows over HTTP (405 for POST, text/plain) in LuaConformanceTest.
 */
class DynamicUpstreamModuleTest {

    private final UpstreamService service = new UpstreamService(new UpstreamRegistry(List.of(
            UpstreamSpec.of("backend", UpstreamKind.HTTP, List.of(peer("127.0.0.1:9090", false),
                                                                  peer("127.0.0.1:9092", true))))),
            host -> {
                throw new java.net.UnknownHostException(host);
            }, Runnable::run);

    private DynamicUpstreamModule.Answer ask(String query) {
        return DynamicUpstreamModule.answer(new QueryArgs(query.isEmpty() ? null : query), service);
    }

    @ParameterizedTest(name = "{0} -> {1} {2}")
    @CsvSource(delimiter = '|', value = {
            "''|400|upstream required",
            "upstream=nosuch|404|upstream is not found",
            "upstream=backend&stream=|400|module is not configured",
            "upstream=backend&add=&server=127.0.0.1:9090|304|''",
            "upstream=backend&add=&server=127.0.0.1:9092|412|can't change server type (primary<->backup)",
            "upstream=backend&add=|400|'server' argument required",
            "upstream=backend&add=&remove=&server=1.1.1.1|400|add and remove at once are not allowed",
            "upstream=backend&up=&down=&server=127.0.0.1:9090|400|down and up at once are not allowed",
            "upstream=backend&server=127.0.0.1:9090&weight=abc|400|weight: not a number",
            "upstream=backend&server=127.0.0.1:9090&weight=-1|400|weight: not a number",
            "upstream=backend&server=127.0.0.1:9090&max_fails=x|400|max_fails: not a number",
            "upstream=backend&server=127.0.0.1:9090&fail_timeout=x|400|fail_timeout: not a number",
            "upstream=backend&server=127.0.0.1:9090&max_conns=-1|400|max_conns: not a number",
            "upstream=backend&server=127.0.0.1:9090&weight=0|400|weight: 0 (expected: an integer 1..1000000)",
            "upstream=backend&server=unknown:1&weight=2|400|server or peer is not found",
            "upstream=backend&remove=&server=127.0.0.1:1|304|''",
            "upstream=backend&add=&server=1.2.3.4:99999|400|invalid port",
            "upstream=backend&peer=127.0.0.1:9090&weight=3|400|'server' argument required"})
    void errorsAndNoOps(String query, int status, String body) {
        DynamicUpstreamModule.Answer a = ask(query);
        assertThat(a.status()).isEqualTo(status);
        assertThat(a.body()).isEqualTo(body);
        assertThat(service.getPeers(UpstreamKind.HTTP, "backend").get()).hasSize(2);
    }

    @Test
    void diffShowsRuntimeChangesAndResetUndoesThem() {
        assertThat(ask("upstream=backend&diff=")).isEqualTo(new DynamicUpstreamModule.Answer(200, ""));
        assertThat(ask("upstream=backend&reset=").status()).isEqualTo(304);
        ask("upstream=backend&server=127.0.0.1:9090&weight=3");
        ask("upstream=backend&remove=&server=127.0.0.1:9092");

        assertThat(ask("upstream=backend&diff=")).isEqualTo(new DynamicUpstreamModule.Answer(200,
                "changed 127.0.0.1:9090 addr=127.0.0.1:9090 weight=3 max_fails=1 fail_timeout=10 max_conns=0 "
                + "base=weight=1,max_fails=1,fail_timeout=10,max_conns=0\n"
                + "removed 127.0.0.1:9092 addr=127.0.0.1:9092 base=weight=1,max_fails=1,fail_timeout=10,max_conns=0"
                + ",backup\n"));
        assertThat(ask("upstream=backend&reset=&weight=2&server=127.0.0.1:9090")).isEqualTo(
                new DynamicUpstreamModule.Answer(400, "reset and other changes at once are not allowed"));
        assertThat(ask("upstream=backend&reset=")).isEqualTo(new DynamicUpstreamModule.Answer(200,
                "server 127.0.0.1:9090 addr=127.0.0.1:9090 weight=1 max_fails=1 fail_timeout=10 max_conns=0 conns=0;\n"
                + "server 127.0.0.1:9092 addr=127.0.0.1:9092 weight=1 max_fails=1 fail_timeout=10 max_conns=0 conns=0"
                + " backup;\n"));
        assertThat(ask("upstream=backend&diff=").body()).isEmpty();
    }

    @Test
    void aChangeTheStateFileCannotTakeAnswers500AndChangesNothing() {
        ChangeJournal full = new ChangeJournal() {
            @Override
            public Overlay stored() {
                return Overlay.EMPTY;
            }

            @Override
            public void record(UpstreamSpec config, List<PeerSpec> peers, HealthCheck check) throws IOException {
                throw new IOException("state file \"/var/lib/dynup/b.state\": write failed (No space left on device)");
            }

            @Override
            public void compact(UpstreamSpec config, List<PeerSpec> peers, HealthCheck check) {
            }
        };
        UpstreamRegistry registry = new UpstreamRegistry(List.of(UpstreamSpec.of("b", UpstreamKind.HTTP,
                List.of(peer("127.0.0.1:9090", false)))), null, spec -> full);
        registry.takeOver();
        UpstreamService failing = new UpstreamService(registry, host -> new java.net.InetAddress[0], Runnable::run);

        assertThat(DynamicUpstreamModule.answer(new QueryArgs("upstream=b&add=&server=127.0.0.1:9091"), failing))
                .isEqualTo(new DynamicUpstreamModule.Answer(500,
                        "state file \"/var/lib/dynup/b.state\": write failed (No space left on device)"));
        assertThat(failing.getPeers(UpstreamKind.HTTP, "b").get()).hasSize(1);
    }

    @Test
    void listsPeersPlainAndVerbose() {
        assertThat(ask("upstream=backend")).isEqualTo(new DynamicUpstreamModule.Answer(200,
                "server 127.0.0.1:9090 addr=127.0.0.1:9090;\nserver 127.0.0.1:9092 addr=127.0.0.1:9092 backup;\n"));
        assertThat(ask("upstream=backend&verbose=").body()).isEqualTo(
                "server 127.0.0.1:9090 addr=127.0.0.1:9090 weight=1 max_fails=1 fail_timeout=10 max_conns=0 conns=0;\n"
                + "server 127.0.0.1:9092 addr=127.0.0.1:9092 weight=1 max_fails=1 fail_timeout=10 max_conns=0 conns=0"
                + " backup;\n");
    }

    @Test
    void addWithEveryParameterAnswersTheVerboseList() {
        DynamicUpstreamModule.Answer a = ask("upstream=backend&add=&server=127.0.0.1:9093&backup=&weight=3"
                                             + "&max_fails=4&fail_timeout=5&max_conns=6&down=");
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.body()).contains("server 127.0.0.1:9093 addr=127.0.0.1:9093 weight=3 max_fails=4 "
                                      + "fail_timeout=5 max_conns=6 conns=0 down backup;\n");
    }

    @Test
    void downUpWeightAndRemove() {
        assertThat(ask("upstream=backend&server=127.0.0.1:9090&down=").body())
                .startsWith("server 127.0.0.1:9090 addr=127.0.0.1:9090 weight=1 max_fails=1 fail_timeout=10 "
                            + "max_conns=0 conns=0 down;");
        assertThat(ask("upstream=backend&server=127.0.0.1:9090&up=&weight=5").body())
                .startsWith("server 127.0.0.1:9090 addr=127.0.0.1:9090 weight=5 ");
        assertThat(ask("upstream=backend&remove=&server=127.0.0.1:9092").body())
                .isEqualTo("server 127.0.0.1:9090 addr=127.0.0.1:9090 weight=5 max_fails=1 fail_timeout=10 "
                           + "max_conns=0 conns=0;\n");
    }

    @Test
    void hostNameIsAddedAndListedUntilResolved() {
        DynamicUpstreamModule.Answer a = ask("upstream=backend&add=&server=app.invalid:8080");
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.body()).startsWith("server app.invalid:8080 addr=app.invalid:8080 ");
    }

    private static PeerSpec peer(String addr, boolean backup) {
        int c = addr.lastIndexOf(':');
        return PeerSpec.of(addr, addr, new InetSocketAddress(addr.substring(0, c), Integer.parseInt(addr.substring(c + 1))))
                       .withBackup(backup);
    }
}

package io.dynup.state;

import static io.dynup.model.UpstreamKind.HTTP;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.dynup.model.HealthCheck;
import io.dynup.model.HealthCheckFields;
import io.dynup.model.PeerSpec;
import io.dynup.model.PeerUpdate;
import io.dynup.model.UpstreamSpec;
import io.dynup.upstream.UpstreamRegistry;
import io.dynup.upstream.UpstreamService;

/** A health check tuned at run time across restarts: the {@code check} entry of the state file. */
class CheckStateTest {

    @TempDir
    Path dir;

    private StateFiles files;

    @AfterEach
    void closeFiles() {
        if (files != null) {
            files.close();
        }
    }

    private static HealthCheck httpCheck() {
        return HealthCheck.defaults().toBuilder().type(HealthCheck.Type.HTTP).uri("/health")
                .responseCodes(List.of(200)).build();
    }

    private UpstreamSpec spec(@Nullable HealthCheck check) {
        PeerSpec p = PeerSpec.of("127.0.0.1:1", "127.0.0.1:1", new InetSocketAddress("127.0.0.1", 1));
        return UpstreamSpec.of("backend", HTTP, List.of(p)).withCheck(check)
                .withState(dir.resolve("backend.state").toString());
    }

    /** A new process: fresh state files, a registry started from {@code spec} on the same file. */
    private UpstreamService start(UpstreamSpec spec) {
        if (files != null) {
            files.close();
        }
        files = new StateFiles();
        UpstreamRegistry registry = new UpstreamRegistry(List.of(spec), null, files);
        registry.takeOver();
        return new UpstreamService(registry, host -> new InetAddress[0], Runnable::run);
    }

    private static @Nullable HealthCheck check(UpstreamService s) {
        return s.registry().find(HTTP, "backend").snapshot().check();
    }

    private Path file() {
        return dir.resolve("backend.state");
    }

    /** Everything the run-time APIs can change, at once. */
    private static HealthCheck tune(HealthCheck c) {
        return HealthCheckFields.parse(Map.of(
                "fall", 3, "interval", "0.5", "timeout", 2500, "disabled_hosts", List.of("127.0.0.1:1"),
                "excluded_hosts", List.of("a b,c"),
                "command", Map.of("uri", "/ready?x=1", "headers", Map.of("Host", "example.com", "X-A", "1, 2"),
                                  "expected", Map.of("codes", List.of(200, 204), "body", "ok")))).get().apply(c);
    }

    @Test
    void aTunedCheckComesBackAfterARestart() throws IOException {
        UpstreamService s = start(spec(httpCheck()));
        assertThat(s.updateCheck(HTTP, "backend", CheckStateTest::tune).get()).isTrue();
        HealthCheck tuned = check(s);

        UpstreamService again = start(spec(httpCheck()));

        assertThat(check(again)).isEqualTo(tuned).isNotEqualTo(httpCheck());
        assertThat(Files.readString(file())).contains("check base=" + CheckLine.fingerprint(httpCheck()) + " ")
                .contains(" command.headers.Host=example.com ");
        // compacted on start: the entry is still there for the next restart
        assertThat(check(start(spec(httpCheck())))).isEqualTo(tuned);
        assertThat(Files.exists(dir.resolve("backend.state.bad"))).isFalse();
    }

    @Test
    void aCheckTunedWithoutCheckDirectivesComesBack() {
        UpstreamService s = start(spec(null));
        s.updateCheck(HTTP, "backend", c -> c.toBuilder().off(false).fall(2).build());

        HealthCheck back = check(start(spec(null)));

        assertThat(back).isNotNull();
        assertThat(back.off()).isFalse();
        assertThat(back.fall()).isEqualTo(2);
    }

    @Test
    void aCheckChangedBackToTheConfigLeavesNoEntry() throws IOException {
        UpstreamService s = start(spec(httpCheck()));
        s.updateCheck(HTTP, "backend", c -> c.toBuilder().fall(4).build());
        s.updateCheck(HTTP, "backend", c -> c.toBuilder().fall(1).build());

        assertThat(Files.readString(file())).contains("\ncheck config\n");
        assertThat(check(start(spec(httpCheck())))).isEqualTo(httpCheck());
        assertThat(Files.readString(file())).doesNotContain("check ");
    }

    @Test
    void checkDirectivesEditedBetweenRunsWinOverTheTunedCheck() throws IOException {
        UpstreamService s = start(spec(httpCheck()));
        s.updateCheck(HTTP, "backend", c -> c.toBuilder().fall(4).build());
        s.addPeer(HTTP, "backend", "127.0.0.1:8", false, PeerUpdate.NONE);

        HealthCheck edited = httpCheck().toBuilder().rise(2).build();
        UpstreamService again = start(spec(edited));

        assertThat(check(again)).isEqualTo(edited);
        assertThat(again.getPeers(HTTP, "backend").get()).hasSize(2);
        // compacted: the overruled entry is gone, the peer entry stays
        assertThat(Files.readString(file())).doesNotContain("check ").contains("added 127.0.0.1:8 ");
    }

    @Test
    void aDamagedCheckLineIsSkippedWithItsChangeAndTheOthersKept() throws IOException {
        UpstreamService s = start(spec(httpCheck()));
        s.addPeer(HTTP, "backend", "127.0.0.1:8", false, PeerUpdate.NONE);
        s.updateCheck(HTTP, "backend", c -> c.toBuilder().fall(4).build());
        String text = Files.readString(file());
        Files.writeString(file(), text.replace(" fall=4 ", " fall=5 "));

        UpstreamService again = start(spec(httpCheck()));

        assertThat(check(again)).isEqualTo(httpCheck());
        assertThat(again.getPeers(HTTP, "backend").get()).hasSize(2);
        assertThat(Files.readString(dir.resolve("backend.state.bad"))).contains(" fall=5 ");
    }

    @Test
    void aCheckLineThatDoesNotParseIsSkippedWithItsLine() {
        assertThat(CheckLine.parse("check base=none fall=0").error())
                .isEqualTo("check: fall: \"0\" (expected: an integer 1..1000)");
        assertThat(CheckLine.parse("check fall=2").error()).startsWith("expected \"check base=");
        assertThat(CheckLine.parse("check base=none command=x command.uri=/a").ok()).isTrue();
    }

    @Test
    void aCheckChangeThatCannotBeWrittenFailsAndChangesNothing() throws IOException {
        UpstreamService s = start(spec(httpCheck()));
        Files.deleteIfExists(file());
        Files.delete(dir);

        assertThat(s.updateCheck(HTTP, "backend", c -> c.toBuilder().fall(4).build()).error())
                .startsWith("state file \"" + file() + "\": write failed (");
        assertThat(check(s)).isEqualTo(httpCheck());
    }
}

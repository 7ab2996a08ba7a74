package io.dynup.state;

import static io.dynup.model.UpstreamKind.HTTP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.dynup.config.ConfigException;
import io.dynup.model.PeerSpec;
import io.dynup.model.PeerUpdate;
import io.dynup.model.UpstreamSpec;
import io.dynup.upstream.Peer;
import io.dynup.upstream.UpstreamRegistry;
import io.dynup.upstream.UpstreamService;

/** A state file across restarts: what comes back, what the config overrules, what a damaged file keeps. */
class StateFileTest {

    @TempDir
    Path dir;

    private StateFiles files;

    @AfterEach
    void closeFiles() {
        if (files != null) {
            files.close();
        }
    }

    private static PeerSpec peer(int port) {
        String name = "127.0.0.1:" + port;
        return PeerSpec.of(name, name, new InetSocketAddress("127.0.0.1", port));
    }

    private UpstreamSpec spec(PeerSpec... peers) {
        return UpstreamSpec.of("backend", HTTP, List.of(peers)).withState(dir.resolve("backend.state").toString());
    }

    /** A new process: fresh state files, a registry started from {@code spec}. */
    private UpstreamService start(UpstreamSpec spec) {
        if (files != null) {
            files.close();
        }
        files = new StateFiles();
        UpstreamRegistry registry = new UpstreamRegistry(List.of(spec), null, files);
        registry.takeOver();
        return new UpstreamService(registry, host -> new InetAddress[0], Runnable::run);
    }

    private static List<String> peers(UpstreamService s) {
        return s.getPeers(HTTP, "backend").get().stream().map(StateFileTest::show).toList();
    }

    private static String show(Peer p) {
        return p.name() + ' ' + p.spec().parameters();
    }

    private Path file() {
        return dir.resolve("backend.state");
    }

    private static PeerUpdate weight(int w) {
        return new PeerUpdate(w, null, null, null, null);
    }

    @Test
    void everyKindOfChangeComesBackAfterARestart() throws IOException {
        UpstreamSpec spec = spec(peer(1), peer(2), peer(3));
        UpstreamService s = start(spec);
        s.addPeer(HTTP, "backend", "127.0.0.1:8", false, weight(3));
        s.addPeer(HTTP, "backend", "127.0.0.1:9", true, PeerUpdate.NONE);
        s.addPeer(HTTP, "backend", "127.0.0.1:7", false, PeerUpdate.NONE);
        s.updatePeer(HTTP, "backend", "127.0.0.1:1", new PeerUpdate(5, 2, 30, 100, null));
        s.setPeerDown(HTTP, "backend", "127.0.0.1:3");
        s.removePeer(HTTP, "backend", "127.0.0.1:2");
        List<String> before = peers(s);

        UpstreamService again = start(spec);

        assertThat(peers(again)).containsExactlyElementsOf(before);
        assertThat(before.get(0)).startsWith("127.0.0.1:7 ");
        String text = Files.readString(file());
        assertThat(text).startsWith("# dynup state of http upstream \"backend\"")
                .contains("removed 127.0.0.1:2 addr=127.0.0.1:2 base=weight=1,max_fails=1,fail_timeout=10,"
                          + "max_conns=0\n")
                .contains("changed 127.0.0.1:3 addr=127.0.0.1:3 weight=1 max_fails=1 fail_timeout=10 max_conns=0 down"
                          + " base=");
        assertThat(Files.exists(dir.resolve("backend.state.bad"))).isFalse();
    }

    @Test
    void aChangeUndoneAtRunTimeLeavesTheFile() {
        UpstreamSpec spec = spec(peer(1));
        UpstreamService s = start(spec);
        s.updatePeer(HTTP, "backend", "127.0.0.1:1", weight(4));
        s.addPeer(HTTP, "backend", "127.0.0.1:8", false, PeerUpdate.NONE);
        s.updatePeer(HTTP, "backend", "127.0.0.1:1", weight(1));
        s.removePeer(HTTP, "backend", "127.0.0.1:8");

        assertThat(start(spec).diff(HTTP, "backend").get().isEmpty()).isTrue();
    }

    @Test
    void aConfigLineEditedBetweenRunsWinsOverTheRuntimeChangeMadeAgainstTheOldLine() throws IOException {
        UpstreamService s = start(spec(peer(1), peer(2), peer(3)));
        s.updatePeer(HTTP, "backend", "127.0.0.1:1", weight(5));
        s.updatePeer(HTTP, "backend", "127.0.0.1:2", weight(6));
        s.removePeer(HTTP, "backend", "127.0.0.1:3");

        // the operator edits the config of peer 1 while dynup is down
        UpstreamService again = start(spec(peer(1).withWeight(2), peer(2), peer(3)));

        assertThat(peers(again)).containsExactly("127.0.0.1:1 weight=2 max_fails=1 fail_timeout=10s",
                                                 "127.0.0.1:2 weight=6 max_fails=1 fail_timeout=10s");
        // compacted: the overruled entry is gone for good
        assertThat(Files.readString(file())).doesNotContain("127.0.0.1:1 ").contains("127.0.0.1:2 ");
    }

    @Test
    void diffShowsTheOverlayAndResetRestoresTheConfigKeepingCounters() {
        UpstreamService s = start(spec(peer(1), peer(2)));
        s.addPeer(HTTP, "backend", "127.0.0.1:8", false, PeerUpdate.NONE);
        s.removePeer(HTTP, "backend", "127.0.0.1:2");
        s.updatePeer(HTTP, "backend", "127.0.0.1:1", weight(9));
        Peer one = s.getPeers(HTTP, "backend").get().get(1);

        assertThat(s.diff(HTTP, "backend").get().entries()).extracting(e -> e.line().split(" ")[0])
                .containsExactly("added", "changed", "removed");
        assertThat(s.reset(HTTP, "backend").get()).isTrue();
        assertThat(s.reset(HTTP, "backend").get()).isFalse();

        assertThat(peers(s)).containsExactly("127.0.0.1:1 weight=1 max_fails=1 fail_timeout=10s",
                                             "127.0.0.1:2 weight=1 max_fails=1 fail_timeout=10s");
        assertThat(s.getPeers(HTTP, "backend").get().get(0).state()).isSameAs(one.state());
        assertThat(peers(start(spec(peer(1), peer(2))))).hasSize(2);
        assertThat(s.diff(HTTP, "nosuch").error()).isEqualTo("upstream not found");
    }

    @Test
    void aCutLastChangeIsDroppedAndTheRestKept() throws IOException {
        UpstreamSpec spec = spec(peer(1));
        UpstreamService s = start(spec);
        s.addPeer(HTTP, "backend", "127.0.0.1:8", false, PeerUpdate.NONE);
        s.addPeer(HTTP, "backend", "127.0.0.1:9", false, PeerUpdate.NONE);
        byte[] whole = Files.readAllBytes(file());
        String text = new String(whole, StandardCharsets.UTF_8);
        int lastChange = text.lastIndexOf("added 127.0.0.1:9");
        for (int cut = lastChange + 1; cut < whole.length; cut += 7) {
            Files.write(file(), Arrays.copyOf(whole, cut));

            UpstreamService again = start(spec);

            assertThat(peers(again)).as("cut at %d", cut).extracting(p -> p.split(" ")[0])
                    .containsExactly("127.0.0.1:8", "127.0.0.1:1");
            assertThat(dir.resolve("backend.state.bad")).hasBinaryContent(Arrays.copyOf(whole, cut));
            // the rewritten file is clean and takes new changes
            assertThat(again.addPeer(HTTP, "backend", "127.0.0.1:9", false, PeerUpdate.NONE).get()).isTrue();
            Files.delete(dir.resolve("backend.state.bad"));
        }
    }

    @Test
    void aDamagedChangeIsSkippedAndTheOthersKept() throws IOException {
        UpstreamSpec spec = spec(peer(1), peer(2));
        UpstreamService s = start(spec);
        s.addPeer(HTTP, "backend", "127.0.0.1:8", false, PeerUpdate.NONE);
        s.updatePeer(HTTP, "backend", "127.0.0.1:1", weight(4));
        s.removePeer(HTTP, "backend", "127.0.0.1:2");
        String text = Files.readString(file());
        Files.writeString(file(), text.replace("weight=4", "weight=5"));

        assertThat(peers(start(spec))).containsExactly("127.0.0.1:8 weight=1 max_fails=1 fail_timeout=10s",
                                                       "127.0.0.1:1 weight=1 max_fails=1 fail_timeout=10s");
        assertThat(Files.readString(dir.resolve("backend.state.bad"))).contains("weight=5");
    }

    @Test
    void garbageNeverStopsStartup() throws IOException {
        UpstreamSpec spec = spec(peer(1));
        byte[] garbage = new byte[4096];
        new Random(7).nextBytes(garbage);
        Files.write(file(), garbage);

        UpstreamService s = start(spec);

        assertThat(peers(s)).containsExactly("127.0.0.1:1 weight=1 max_fails=1 fail_timeout=10s");
        assertThat(dir.resolve("backend.state.bad")).hasBinaryContent(garbage);
        assertThat(Files.readString(file())).startsWith("# dynup state");
        Files.writeString(file(), "commit 1 crc=zz\nadded x\ncommit 2 crc=00000000\n");
        assertThat(peers(start(spec))).hasSize(1);
    }

    @Test
    void aChangeThatCannotBeWrittenFailsAndChangesNothing() throws IOException {
        UpstreamService s = start(spec(peer(1)));
        Files.delete(file());
        Files.delete(dir);

        assertThat(s.addPeer(HTTP, "backend", "127.0.0.1:8", false, PeerUpdate.NONE).error())
                .startsWith("state file \"" + file() + "\": write failed (");
        assertThat(peers(s)).hasSize(1);
        assertThat(s.getPeers(HTTP, "backend").get()).hasSize(1);
    }

    @Test
    void aMissingDirectoryIsAConfigurationError() {
        UpstreamSpec spec = UpstreamSpec.of("backend", HTTP, List.of(peer(1)))
                .withState(dir.resolve("nosuch/backend.state").toString());
        files = new StateFiles();
        assertThatThrownBy(() -> new UpstreamRegistry(List.of(spec), null, files))
                .isInstanceOf(ConfigException.class)
                .hasMessage("state file \"" + dir.resolve("nosuch/backend.state") + "\" cannot be written: "
                            + "no such directory");
    }

    @Test
    void theLogIsCompactedAsItGrows() throws IOException {
        UpstreamSpec spec = spec(peer(1));
        UpstreamService s = start(spec);
        for (int i = 0; i < 1001; i++) {
            s.updatePeer(HTTP, "backend", "127.0.0.1:1", weight(2 + i % 2));
        }
        assertThat(Files.size(file())).isLessThan(64 * 1024 + 4096);
        assertThat(peers(start(spec))).containsExactly("127.0.0.1:1 weight=2 max_fails=1 fail_timeout=10s");
    }
}

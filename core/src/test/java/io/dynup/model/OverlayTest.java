package io.dynup.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The precedence table of docs/STATE.md, and the entry's text form. */
class OverlayTest {

    private static PeerSpec peer(int port) {
        String name = "10.0.0.1:" + port;
        return PeerSpec.of(name, name, new InetSocketAddress("10.0.0.1", port));
    }

    private final PeerSpec a = peer(1);
    private final PeerSpec b = peer(2);
    private final PeerSpec c = peer(3);
    private final PeerSpec added = peer(9).withWeight(4).withBackup(true);

    @Test
    void emptyWhenTheUpstreamIsAsConfigured() {
        assertThat(Overlay.of(List.of(a, b), List.of(a, b)).isEmpty()).isTrue();
    }

    @Test
    void replayOnTheSameConfigGivesTheRuntimePeersBack() {
        List<PeerSpec> config = List.of(a, b, c);
        List<PeerSpec> runtime = List.of(added, a.withWeight(5).withDown(true), c);
        Overlay o = Overlay.of(config, runtime);

        assertThat(o.entries()).extracting(Overlay.Entry::line).containsExactly(
                "added 10.0.0.1:9 addr=10.0.0.1:9 weight=4 max_fails=1 fail_timeout=10 max_conns=0 backup",
                "changed 10.0.0.1:1 addr=10.0.0.1:1 weight=5 max_fails=1 fail_timeout=10 max_conns=0 down "
                + "base=weight=1,max_fails=1,fail_timeout=10,max_conns=0",
                "removed 10.0.0.1:2 addr=10.0.0.1:2 base=weight=1,max_fails=1,fail_timeout=10,max_conns=0");
        Overlay.Applied applied = o.applyTo(config);
        assertThat(applied.peers()).containsExactlyElementsOf(runtime);
        assertThat(applied.overruled()).isEmpty();
    }

    @Test
    void aConfigLineEditedSinceTheChangeWins() {
        Overlay o = Overlay.of(List.of(a, b), List.of(a.withWeight(5)));
        // a's line now says weight=2, b's line says max_fails=3: both edits are newer than the run-time changes
        List<PeerSpec> edited = List.of(a.withWeight(2), b.withMaxFails(3));

        Overlay.Applied applied = o.applyTo(edited);

        assertThat(applied.peers()).containsExactly(a.withWeight(2), b.withMaxFails(3));
        assertThat(applied.overruled()).extracting(e -> e.key().name()).containsExactly("10.0.0.1:1", "10.0.0.1:2");
    }

    @Test
    void unrelatedConfigEditsKeepTheRuntimeChanges() {
        Overlay o = Overlay.of(List.of(a, b), List.of(added, b.withWeight(7)));

        Overlay.Applied applied = o.applyTo(List.of(b, c));

        // a left the config (its removal is moot), c is new, b keeps its run-time weight, added comes back
        assertThat(applied.peers()).containsExactly(added, b.withWeight(7), c);
    }

    @Test
    void aPeerAddedAtRunTimeThatTheConfigNowHasTakesTheConfigLine() {
        Overlay o = Overlay.of(List.of(a), List.of(added, a));
        PeerSpec configured = added.withWeight(1).withBackup(false);

        Overlay.Applied applied = o.applyTo(List.of(a, configured));

        assertThat(applied.peers()).containsExactly(a, configured);
        assertThat(applied.overruled()).hasSize(1);
    }

    @Test
    void linesReadBackToTheSameEntries() {
        PeerSpec unix = PeerSpec.of("unix:/tmp/a b,%", "unix:/tmp/a b,%", null);
        Overlay o = Overlay.of(List.of(a, b), List.of(unix, added, a.withMaxConns(3)));
        for (Overlay.Entry e : o.entries()) {
            Overlay.Entry back = Overlay.parseLine(e.line()).get();
            assertThat(back.sameAs(e)).as(e.line()).isTrue();
        }
        assertThat(o.entries().get(0).line()).startsWith("added unix:/tmp/a%20b%2C%25 addr=");
        assertThat(Overlay.parseLine(o.entries().get(1).line()).get().peer().address())
                .isEqualTo(new InetSocketAddress("10.0.0.1", 9));
    }

    @Test
    void malformedLinesAreRejectedWithTheReason() {
        assertThat(Overlay.parseLine("added 10.0.0.1:9").error()).contains("expected");
        assertThat(Overlay.parseLine("moved 1 addr=1 weight=1 max_fails=1 fail_timeout=1 max_conns=0").error())
                .isEqualTo("unknown entry \"moved\" (expected: added, changed or removed)");
        assertThat(Overlay.parseLine("added 1:1 addr=1:1 weight=0 max_fails=1 fail_timeout=1 max_conns=0").error())
                .startsWith("weight: 0");
        assertThat(Overlay.parseLine("added 1:1 addr=1:1 weight=x max_fails=1 fail_timeout=1 max_conns=0").error())
                .isEqualTo("weight: x (expected: a number)");
        assertThat(Overlay.parseLine("removed 1:1 addr=1:1").error()).contains("needs base=");
    }
}

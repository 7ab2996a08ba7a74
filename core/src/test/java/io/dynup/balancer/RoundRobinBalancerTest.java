package io.dynup.balancer;

import static io.dynup.testing.Peers.fixture;
import static io.dynup.testing.Peers.peer;
import static io.dynup.testing.Peers.upstream;
import static io.dynup.testing.Requests.request;
import static io.dynup.testing.Requests.sequence;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.dynup.model.PeerUpdate;
import io.dynup.model.UpstreamKind;
import io.dynup.testing.FakeTicker;
import io.dynup.testing.Peers;
import io.dynup.testing.Peers.Fixture;
import io.dynup.upstream.Peer;
import io.dynup.upstream.Upstream;
import io.dynup.upstream.UpstreamService;

/** The sequences of REFERENCE.md section 3, observed on Debian nginx 1.22.1. */
class RoundRobinBalancerTest {

    private final FakeTicker ticker = new FakeTicker();

    private Balancer rr(Upstream u) {
        return Balancer.create(u, ticker);
    }

    @Test
    void weights511InterleaveWithPeriodSeven() {
        Balancer b = rr(upstream(peer('A', 5), peer('B'), peer('C')));
        assertThat(sequence(b, 21)).isEqualTo("AABACAA".repeat(3));
    }

    @Test
    void weights32() {
        assertThat(sequence(rr(upstream(peer('A', 3), peer('B', 2))), 15)).isEqualTo("ABABA".repeat(3));
    }

    @Test
    void weights123GiveNginxOrderNotArmerias() {
        // nginx: c b a c b c; Armeria's weighted round robin gives a b c b c c
        assertThat(sequence(rr(upstream(peer('A', 1), peer('B', 2), peer('C', 3))), 12)).isEqualTo("CBACBC".repeat(2));
    }

    @Test
    void equalWeightsRotate() {
        assertThat(sequence(rr(upstream(peer('A'), peer('B'), peer('C'))), 9)).isEqualTo("ABCABCABC");
    }

    @Test
    void backupsOnlyWhenEveryPrimaryIsUnavailable() {
        Balancer b = rr(upstream(peer('A'), peer('B'), peer('C').withBackup(true)));
        assertThat(sequence(b, 6)).isEqualTo("ABABAB");
        assertThat(request(b, Set.of('A', 'B'))).isEqualTo("ABC");
    }

    @Test
    void downPrimariesSendTrafficToBackups() {
        Balancer b = rr(upstream(peer('A').withDown(true), peer('B').withDown(true), peer('C').withBackup(true),
                                 peer('D').withBackup(true)));
        assertThat(sequence(b, 6)).isEqualTo("CDCDCD");
    }

    @Test
    void downPeerIsSkipped() {
        assertThat(sequence(rr(upstream(peer('A'), peer('B').withDown(true), peer('C'))), 6)).isEqualTo("ACACAC");
    }

    @Test
    void failedPeerIsRetriedOnNextAndSkippedForFailTimeout() {
        Balancer b = rr(upstream(peer('A'), peer('B'), peer('C')));
        Set<Character> deadA = Set.of('A');
        assertThat(request(b, deadA)).isEqualTo("AB");
        // A has max_fails=1: skipped for fail_timeout (10s)
        assertThat(sequence(b, 4)).isEqualTo("CBCB");
        ticker.advanceSeconds(11);
        // the window has passed: A comes back gradually (its effective weight restarts at 0 and climbs)
        assertThat(sequence(b, 6)).contains("A");
        assertThat(sequence(b, 9).chars().filter(c -> c == 'A').count()).isEqualTo(3);
    }

    @Test
    void failedPeerStaysOutWhileItKeepsFailingAfterTheWindow() {
        Balancer b = rr(upstream(peer('A'), peer('B')));
        assertThat(request(b, Set.of('A'))).isEqualTo("AB");
        assertThat(request(b, Set.of('A'))).isEqualTo("B");
        ticker.advanceSeconds(11);
        // A gets one probe request, fails again, and is out for another window
        String afterWindow = request(b, Set.of('A')) + request(b, Set.of('A')) + request(b, Set.of('A'));
        assertThat(afterWindow.chars().filter(c -> c == 'A').count()).isEqualTo(1);
    }

    @Test
    void maxFailsCountsFailuresWithinTheWindow() {
        Balancer b = rr(upstream(peer('A').withMaxFails(2), peer('B')));
        assertThat(request(b, Set.of('A'))).isEqualTo("AB");
        // one failure of two allowed: A stays in rotation and fails a second time
        assertThat(request(b, Set.of('A')) + request(b, Set.of('A'))).isEqualTo("BAB");
        // two failures: out
        assertThat(sequence(b, 4)).isEqualTo("BBBB");
    }

    @Test
    void everyPeerFailedGivesNoLiveUpstreamsUntilAWindowExpires() {
        Balancer b = rr(upstream(peer('A'), peer('B')));
        assertThat(request(b, Set.of('A', 'B'))).isEqualTo("AB-");
        assertThat(request(b, Set.of())).isEqualTo("-");
        ticker.advanceSeconds(11);
        assertThat(request(b, Set.of())).hasSize(1).isNotEqualTo("-");
    }

    @Test
    void maxFailsZeroNeverTakesAPeerOut() {
        Balancer b = rr(upstream(peer('A').withMaxFails(0), peer('B')));
        request(b, Set.of('A'));
        request(b, Set.of('A'));
        assertThat(sequence(b, 4)).contains("A");
    }

    @Test
    void singlePeerIsUsedDespiteFailuresAndNotRetried() {
        Balancer b = rr(upstream(peer('A')));
        assertThat(request(b, Set.of('A'))).isEqualTo("A-");
        assertThat(request(b, Set.of('A'))).isEqualTo("A-");
        assertThat(sequence(b, 2)).isEqualTo("AA");
    }

    @Test
    void singleDownPeerGivesNoLiveUpstreams() {
        assertThat(sequence(rr(upstream(peer('A').withDown(true))), 1)).isEqualTo("-");
    }

    @Test
    void maxConnsLimitsConcurrentPicks() {
        Balancer b = rr(upstream(peer('A').withMaxConns(1), peer('B').withMaxConns(1)));
        Attempt a1 = b.newAttempt();
        Attempt a2 = b.newAttempt();
        Attempt a3 = b.newAttempt();
        Peer p1 = b.pick(a1);
        Peer p2 = b.pick(a2);
        assertThat(p1).isNotNull();
        assertThat(p2).isNotNull().isNotEqualTo(p1);
        assertThat(b.pick(a3)).isNull();
        b.release(a1, false);
        Attempt a4 = b.newAttempt();
        assertThat(b.pick(a4)).isEqualTo(p1);
        assertThat(p1.state().conns()).isEqualTo(1);
    }

    @Test
    void triesCountLivePeersAcrossBothTiers() {
        Balancer b = rr(upstream(peer('A'), peer('B').withDown(true), peer('C'), peer('D').withBackup(true)));
        assertThat(b.newAttempt().tries()).isEqualTo(3);
        assertThat(request(b, Set.of('A', 'C'))).matches("(AC|CA)D");
    }

    @Test
    void weightChangeTakesEffectAtOnce() {
        Fixture f = fixture(peer('A'), peer('B'));
        Balancer b = rr(f.upstream());
        assertThat(sequence(b, 4)).isEqualTo("ABAB");
        f.service().updatePeer(UpstreamKind.HTTP, "u", "127.0.0.1:10001", new PeerUpdate(3, null, null, null, null));
        assertThat(sequence(b, 8)).isEqualTo("AABAAABA");
    }

    @Test
    void retryMovesToTheNewSnapshotAndCanUseAnAddedPeer() {
        Fixture f = fixture(peer('A'), peer('B'));
        Balancer b = rr(f.upstream());
        UpstreamService service = f.service();
        Attempt a = b.newAttempt();
        assertThat(b.pick(a)).extracting(Peers::letterOf).isEqualTo('A');
        b.release(a, true);
        service.addPeer(UpstreamKind.HTTP, "u", "127.0.0.1:10003", false, PeerUpdate.NONE);
        Peer second = b.pick(a);
        b.release(a, true);
        Peer third = b.pick(a);
        assertThat(second).isNotNull();
        assertThat(third).isNotNull();
        assertThat(Peers.letters(List.of(second, third))).isIn("BC", "CB");
    }

    @Test
    void removedPeerDrainsToItsOwnState() {
        Fixture f = fixture(peer('A'), peer('B'));
        Balancer b = rr(f.upstream());
        Attempt a = b.newAttempt();
        Peer p = b.pick(a);
        f.service().removePeer(UpstreamKind.HTTP, "u", p.name());
        assertThat(p.state().conns()).isEqualTo(1);
        b.release(a, false);
        assertThat(p.state().conns()).isZero();
        assertThat(sequence(b, 3)).doesNotContain(String.valueOf(Peers.letterOf(p)));
    }

    @Test
    void triedSetCoversTiersBeyond64Peers() {
        Balancer b = rr(io.dynup.testing.Peers.fixture(Peers.many(100).toArray(new io.dynup.model.PeerSpec[0])).upstream());
        Attempt a = b.newAttempt();
        java.util.Set<String> seen = new java.util.HashSet<>();
        Peer p;
        while ((p = b.pick(a)) != null) {
            assertThat(seen.add(p.name())).as("picked twice: %s", p.name()).isTrue();
            b.release(a, true);
            if (a.tries() == 0) {
                break;
            }
        }
        assertThat(seen).hasSize(100);
    }
}

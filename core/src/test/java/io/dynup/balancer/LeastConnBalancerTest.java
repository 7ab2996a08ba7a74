package io.dynup.balancer;

import static io.dynup.testing.Peers.peer;
import static io.dynup.testing.Peers.upstream;
import static io.dynup.testing.Requests.request;
import static io.dynup.testing.Requests.sequence;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.dynup.model.Balancing;
import io.dynup.model.PeerSpec;
import io.dynup.testing.FakeTicker;
import io.dynup.testing.Peers;
import io.dynup.upstream.Peer;

/**
 * Sequences marked "observed" were recorded on Debian nginx 1.22.1 (nginx-light) with {@code least_conn}
 * upstreams of {@code server 127.0.0.1:10001} (A), :10002 (B) ...; a held connection is a request the
 * backend answers only when told to, a released one is answered and finished before the next request.
 */
class LeastConnBalancerTest {

    private final FakeTicker ticker = new FakeTicker();
    private final List<Attempt> held = new ArrayList<>();

    private Balancer lc(PeerSpec... peers) {
        Balancer b = Balancer.create(upstream(Balancing.LEAST_CONN, peers), ticker);
        assertThat(b).isInstanceOf(LeastConnBalancer.class);
        return b;
    }

    /** Picks and keeps the connection open; the letter, or '-'. */
    private char hold(Balancer b) {
        Attempt a = b.newAttempt();
        Peer p = b.pick(a);
        if (p == null) {
            return '-';
        }
        held.add(a);
        return Peers.letterOf(p);
    }

    private String hold(Balancer b, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(hold(b));
        }
        return sb.toString();
    }

    @Test
    void withoutLoadEveryPeerTiesAndSmoothRoundRobinDecides() {
        // observed on nginx 1.22.1: least_conn; server A weight=5; server B; server C; 14 sequential requests
        assertThat(sequence(lc(peer('A', 5), peer('B'), peer('C')), 14)).isEqualTo("AABACAAAABACAA");
    }

    @Test
    void picksThePeerWithFewestActiveConnections() { // observed: ABC B CBA AC
        Balancer b = lc(peer('A'), peer('B'), peer('C'));
        assertThat(hold(b, 3)).isEqualTo("ABC");
        // B finishes: it alone has no connection
        b.release(held.remove(1), false);
        assertThat(hold(b)).isEqualTo('B');
        // all at 1: ties go by the current weights the earlier choices left (A -2, B 0, C 2)
        assertThat(hold(b, 3)).isEqualTo("CBA");
        // everyone has 2; A and C finish and are the only ones at 1
        b.release(held.remove(0), false);
        b.release(held.remove(0), false);
        assertThat(hold(b, 2)).isEqualTo("AC");
    }

    @Test
    void connectionsAreScaledByWeight() { // observed: ABA BAAABA
        Balancer b = lc(peer('A', 2), peer('B'));
        // 0/2 = 0/1: tie, round robin gives A; then 1/2 > 0/1: B; then 1/2 < 1/1: A; then 2/2 = 1/1: tie
        assertThat(hold(b, 3)).isEqualTo("ABA");
        // with 2 and 1 open, A and B tie again, and with 4 and 2 the same: A carries twice B's load
        String next = hold(b, 6);
        assertThat(next).isEqualTo("BAAABA");
        assertThat(next.chars().filter(c -> c == 'A').count()).isEqualTo(4);
    }

    @Test
    void tiedPeersRotateInRoundRobinOrderAmongThemselvesOnly() {
        Balancer b = lc(peer('A'), peer('B'), peer('C'));
        assertThat(hold(b)).isEqualTo('A');
        // A is busy: B and C tie and alternate, A never comes up
        assertThat(sequence(b, 6)).isEqualTo("BCBCBC");
    }

    @Test
    void tieBreakStartsAtTheFirstTiedPeerAndKeepsCurrentWeights() { // observed: B ACAC
        Balancer b = lc(peer('A'), peer('B', 2), peer('C'));
        assertThat(hold(b)).isEqualTo('B');
        // B holds 1/2; A and C tie at 0 and share the round robin between them
        assertThat(sequence(b, 4)).isEqualTo("ACAC");
    }

    @Test
    void failedPeerIsRetriedOnNextAndSkippedForFailTimeout() {
        Balancer b = lc(peer('A'), peer('B'), peer('C'));
        assertThat(request(b, Set.of('A'))).isEqualTo("AB");
        assertThat(sequence(b, 4)).isEqualTo("CBCB");
        ticker.advanceSeconds(11);
        assertThat(sequence(b, 6)).contains("A");
    }

    @Test
    void maxFailsCountsFailuresWithinTheWindow() {
        Balancer b = lc(peer('A').withMaxFails(2), peer('B'));
        assertThat(request(b, Set.of('A'))).isEqualTo("AB");
        // one failure of two allowed: A stays in the rotation and fails a second time
        assertThat(request(b, Set.of('A')) + request(b, Set.of('A'))).isEqualTo("BAB");
        assertThat(sequence(b, 4)).isEqualTo("BBBB");
    }

    @Test
    void backupsOnlyWhenEveryPrimaryIsUnavailable() {
        Balancer b = lc(peer('A'), peer('B'), peer('C').withBackup(true), peer('D').withBackup(true));
        assertThat(sequence(b, 4)).isEqualTo("ABAB");
        assertThat(request(b, Set.of('A', 'B'))).isEqualTo("ABC");
        // both primaries are out for fail_timeout: the backups share the load by connections, ties by the
        // current weights (C -1, D 1 after C was chosen)
        assertThat(hold(b, 3)).isEqualTo("DCC");
    }

    @Test
    void busyPrimariesAtMaxConnsSpillToBackup() { // observed: ABCC
        Balancer b = lc(peer('A').withMaxConns(1), peer('B').withMaxConns(1), peer('C').withBackup(true));
        assertThat(hold(b, 4)).isEqualTo("ABCC");
    }

    @Test
    void downPrimariesSendTrafficToBackups() {
        Balancer b = lc(peer('A').withDown(true), peer('B').withDown(true), peer('C').withBackup(true),
                        peer('D').withBackup(true));
        assertThat(sequence(b, 4)).isEqualTo("CDCD");
    }

    @Test
    void singlePeerGoesThroughRoundRobinsSingleRule() {
        Balancer b = lc(peer('A'));
        assertThat(request(b, Set.of('A'))).isEqualTo("A-");
        assertThat(request(b, Set.of('A'))).isEqualTo("A-");
        assertThat(sequence(b, 2)).isEqualTo("AA");
    }

    @Test
    void maxConnsIsRespected() { // observed: ABB-
        Balancer b = lc(peer('A').withMaxConns(1), peer('B').withMaxConns(2));
        assertThat(hold(b, 4)).isEqualTo("ABB-");
    }

    @Test
    void noLiveUpstreams() {
        assertThat(sequence(lc(peer('A').withDown(true), peer('B').withDown(true)), 1)).isEqualTo("-");
        Balancer b = lc(peer('A'), peer('B'));
        assertThat(request(b, Set.of('A', 'B'))).isEqualTo("AB-");
        assertThat(sequence(b, 1)).isEqualTo("-");
    }
}

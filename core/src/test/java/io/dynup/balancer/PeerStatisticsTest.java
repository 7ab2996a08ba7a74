package io.dynup.balancer;

import static io.dynup.testing.Peers.peer;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.dynup.testing.FakeTicker;
import io.dynup.testing.Peers;
import io.dynup.upstream.Peer;
import io.dynup.upstream.PeerState;

/** The counters the JSON API and the status page show, as the balancer and the proxy keep them. */
class PeerStatisticsTest {

    private final FakeTicker ticker = new FakeTicker();

    @Test
    void picksCountRequestsAndTheLastSelection() {
        Balancer b = Balancer.create(Peers.upstream(peer('A'), peer('B')), ticker);
        Peer first = pickAndRelease(b, false);
        ticker.advanceSeconds(5);
        pickAndRelease(b, false);
        Peer third = pickAndRelease(b, false);
        assertThat(third).isSameAs(first);
        assertThat(first.state().requests()).isEqualTo(2);
        assertThat(first.state().selectedMillis()).isEqualTo(ticker.readMillis());
        assertThat(first.state().conns()).isZero();
    }

    @Test
    void failuresAreCountedForEverAndUnavailWhenMaxFailsIsReached() {
        Balancer b = Balancer.create(Peers.upstream(peer('A').withMaxFails(2), peer('B').withMaxFails(0)),
                                     ticker);
        Peer a = b.upstream().snapshot().primary().get(0);
        Peer bPeer = b.upstream().snapshot().primary().get(1);
        for (int i = 0; i < 4; i++) {
            pickAndRelease(b, true);
        }
        // A failed twice (disabled at the second), B twice (max_fails=0 never disables)
        assertThat(a.state().failures()).isEqualTo(2);
        assertThat(a.state().unavail()).isEqualTo(1);
        assertThat(Balancer.failedOut(a, ticker.readMillis())).isTrue();
        assertThat(bPeer.state().failures()).isEqualTo(2);
        assertThat(bPeer.state().unavail()).isZero();
        assertThat(Balancer.failedOut(bPeer, ticker.readMillis())).isFalse();
        ticker.advanceSeconds(11);
        assertThat(Balancer.failedOut(a, ticker.readMillis())).isFalse();
        // the window is over, not forgotten: the total stays
        assertThat(a.state().failures()).isEqualTo(2);
    }

    @Test
    void responsesAreCountedByStatusClass() {
        PeerState st = PeerState.forWeight(1);
        for (int status : new int[] {101, 200, 204, 302, 404, 500, 503, 99, 600}) {
            st.recordResponse(status);
        }
        assertThat(new long[] {st.responses(1), st.responses(2), st.responses(3), st.responses(4),
                st.responses(5)}).containsExactly(1, 2, 1, 1, 2);
        assertThat(st.responsesTotal()).isEqualTo(7);
    }

    private static Peer pickAndRelease(Balancer b, boolean failed) {
        Attempt a = b.newAttempt();
        Peer p = b.pick(a);
        b.release(a, failed);
        return p;
    }
}

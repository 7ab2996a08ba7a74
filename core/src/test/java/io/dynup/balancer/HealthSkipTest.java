package io.dynup.balancer;

import static io.dynup.testing.Peers.peer;
import static io.dynup.testing.Requests.sequence;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.dynup.model.HealthCheck;
import io.dynup.model.HostResolver;
import io.dynup.model.PeerSpec;
import io.dynup.model.PeerUpdate;
import io.dynup.model.UpstreamKind;
import io.dynup.model.UpstreamSpec;
import io.dynup.testing.FakeTicker;
import io.dynup.upstream.HealthStatus;
import io.dynup.upstream.Peer;
import io.dynup.upstream.PeerState;
import io.dynup.upstream.Upstream;
import io.dynup.upstream.UpstreamRegistry;
import io.dynup.upstream.UpstreamService;

/** Active health decides selection next to the operator's down, and lives with the peer's state. */
class HealthSkipTest {

    private static final long NOW = 1_700_000_000_000L;

    private final FakeTicker ticker = new FakeTicker();

    private static UpstreamService service(HealthCheck check, PeerSpec... peers) {
        UpstreamRegistry registry = new UpstreamRegistry(
                List.of(UpstreamSpec.of("u", UpstreamKind.HTTP, List.of(peers)).withCheck(check)));
        return new UpstreamService(registry, HostResolver.system(), Runnable::run);
    }

    private static HealthCheck check(int fall, int rise, boolean initialUp) {
        HealthCheck d = HealthCheck.defaults();
        return new HealthCheck(d.type(), fall, rise, d.interval(), d.timeout(), 0, 1, initialUp, d.method(), d.uri(),
                               List.of(), null, List.of(), null, false);
    }

    private static Upstream upstream(UpstreamService s) {
        return s.registry().find(UpstreamKind.HTTP, "u");
    }

    private static PeerState state(UpstreamService s, int index) {
        return upstream(s).snapshot().primary().get(index).state();
    }

    @Test
    void unhealthyPeersAreSkippedAndHealthyOnesKeepNginxOrder() {
        UpstreamService s = service(check(2, 2, true), peer('A', 5), peer('B'), peer('C'));
        Balancer b = Balancer.create(upstream(s), ticker);
        assertThat(sequence(b, 7)).isEqualTo("AABACAA");

        PeerState c = state(s, 2);
        c.recordCheck(false, NOW, 2, 2);
        assertThat(c.health()).isEqualTo(HealthStatus.HEALTHY); // one failure of fall=2
        c.recordCheck(false, NOW, 2, 2);
        assertThat(c.health()).isEqualTo(HealthStatus.UNHEALTHY);
        assertThat(sequence(b, 12)).doesNotContain("C");

        c.recordCheck(true, NOW, 2, 2);
        assertThat(c.health()).isEqualTo(HealthStatus.UNHEALTHY); // one pass of rise=2
        c.recordCheck(true, NOW, 2, 2);
        assertThat(c.health()).isEqualTo(HealthStatus.HEALTHY);
        assertThat(sequence(b, 14)).contains("C");
        assertThat(c.checks()).isEqualTo(4);
        assertThat(c.checkFails()).isEqualTo(2);
        assertThat(c.checkPasses()).isEqualTo(2);
        assertThat(c.unhealthyTimes()).isEqualTo(1);
        assertThat(c.lastFailureEpochMillis()).isEqualTo(NOW);
        assertThat(c.lastPassed()).isTrue();
    }

    @Test
    void aLoneUnhealthyPeerIsNotSelected() {
        UpstreamService s = service(check(1, 1, true), peer('A'));
        Balancer b = Balancer.create(upstream(s), ticker);
        state(s, 0).recordCheck(false, NOW, 1, 1);
        assertThat(b.pick(b.newAttempt())).isNull();
    }

    @Test
    void checksNeitherUndoNorHideTheOperatorsDown() {
        UpstreamService s = service(check(1, 1, true), peer('A'), peer('B'));
        Balancer b = Balancer.create(upstream(s), ticker);
        s.setPeerDown(UpstreamKind.HTTP, "u", "127.0.0.1:10002");
        state(s, 1).recordCheck(true, NOW, 1, 1);
        assertThat(sequence(b, 4)).isEqualTo("AAAA");
        s.setPeerUp(UpstreamKind.HTTP, "u", "127.0.0.1:10002");
        state(s, 1).recordCheck(false, NOW, 1, 1);
        assertThat(sequence(b, 4)).isEqualTo("AAAA");
        state(s, 1).recordCheck(true, NOW, 1, 1);
        assertThat(sequence(b, 4)).isEqualTo("ABAB");
    }

    @Test
    void newPeersWaitForTheirFirstPassUnlessInitialUp() {
        UpstreamService s = service(check(3, 3, false), peer('A'));
        Balancer b = Balancer.create(upstream(s), ticker);
        s.addPeer(UpstreamKind.HTTP, "u", "127.0.0.1:10002", false, PeerUpdate.NONE);
        Peer added = upstream(s).snapshot().primary().get(0);
        assertThat(added.state().health()).isEqualTo(HealthStatus.CHECKING);
        state(s, 1).recordCheck(true, NOW, 3, 3);
        assertThat(sequence(b, 4)).isEqualTo("AAAA");
        added.state().recordCheck(true, NOW, 3, 3); // the first pass is enough for a checking peer
        assertThat(added.state().health()).isEqualTo(HealthStatus.HEALTHY);
        assertThat(sequence(b, 4)).contains("B");

        UpstreamService up = service(check(3, 3, true), peer('A'));
        up.addPeer(UpstreamKind.HTTP, "u", "127.0.0.1:10002", false, PeerUpdate.NONE);
        assertThat(state(up, 0).health()).isEqualTo(HealthStatus.HEALTHY);
    }

    @Test
    void aWeightUpdateKeepsTheHealthState() {
        UpstreamService s = service(check(1, 1, true), peer('A'), peer('B'));
        PeerState b = state(s, 1);
        b.recordCheck(false, NOW, 1, 1);
        s.updatePeer(UpstreamKind.HTTP, "u", "127.0.0.1:10002", new PeerUpdate(7, null, null, null, null));
        assertThat(state(s, 1)).isSameAs(b);
        assertThat(state(s, 1).health()).isEqualTo(HealthStatus.UNHEALTHY);
    }

    @Test
    void aReloadThatDropsTheChecksMakesEveryPeerHealthy() {
        UpstreamService s = service(check(1, 1, true), peer('A'));
        state(s, 0).recordCheck(false, NOW, 1, 1);
        UpstreamRegistry next = new UpstreamRegistry(
                List.of(UpstreamSpec.of("u", UpstreamKind.HTTP, List.of(peer('A')))), s.registry());
        assertThat(next.find(UpstreamKind.HTTP, "u").snapshot().primary().get(0).state().health())
                .isEqualTo(HealthStatus.HEALTHY);
    }
}

package io.dynup.upstream;

import static io.dynup.testing.Peers.peer;
import static io.dynup.testing.Requests.sequence;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.dynup.balancer.Balancer;
import io.dynup.model.HealthCheck;
import io.dynup.model.HostResolver;
import io.dynup.model.PeerSpec;
import io.dynup.model.PeerUpdate;
import io.dynup.model.Result;
import io.dynup.model.UpstreamKind;
import io.dynup.model.UpstreamSpec;
import io.dynup.testing.FakeTicker;

/** The health check is tuned at run time through UpstreamService, one change like any other. */
class CheckTuningTest {

    private static final long NOW = 1_700_000_000_000L;
    private static final String B = "127.0.0.1:10002";

    private final FakeTicker ticker = new FakeTicker();

    private static UpstreamService service(UpstreamKind kind, HealthCheck check, PeerSpec... peers) {
        UpstreamSpec spec = UpstreamSpec.of("u", kind, List.of(peers));
        UpstreamRegistry registry = new UpstreamRegistry(List.of(check == null ? spec : spec.withCheck(check)));
        return new UpstreamService(registry, HostResolver.system(), Runnable::run);
    }

    private static UpstreamService service(HealthCheck check, PeerSpec... peers) {
        return service(UpstreamKind.HTTP, check, peers);
    }

    private static HealthCheck upFirst() {
        return HealthCheck.defaults().toBuilder().initialUp(true).build();
    }

    private static Upstream upstream(UpstreamService s) {
        return s.registry().find(UpstreamKind.HTTP, "u");
    }

    private static PeerState state(UpstreamService s, int index) {
        return upstream(s).snapshot().all().get(index).state();
    }

    @Test
    void aChangePublishesTheNewCheckAsOneGeneration() {
        UpstreamService s = service(upFirst(), peer('A'));
        List<Long> seen = new ArrayList<>();
        s.addListener((u, before, after) -> seen.add(after.generation()));
        long g = upstream(s).snapshot().generation();

        Result<Boolean> r = s.updateCheck(UpstreamKind.HTTP, "u",
                                          c -> c.toBuilder().fall(3).interval(Duration.ofSeconds(2)).build());

        assertThat(r.get()).isTrue();
        HealthCheck now = upstream(s).snapshot().check();
        assertThat(now.fall()).isEqualTo(3);
        assertThat(now.interval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(seen).containsExactly(g + 1);
        assertThat(s.updateCheck(UpstreamKind.HTTP, "u", c -> c).get()).as("no change, no generation").isFalse();
        assertThat(upstream(s).snapshot().generation()).isEqualTo(g + 1);
    }

    @Test
    void anInvalidChangeNamesTheParameterAndChangesNothing() {
        UpstreamService s = service(upFirst(), peer('A'));
        UpstreamSnapshot before = upstream(s).snapshot();

        assertThat(s.updateCheck(UpstreamKind.HTTP, "u", c -> c.toBuilder().fall(0).build()).error())
                .isEqualTo("fall: 0 (expected: >= 1)");
        assertThat(s.updateCheck(UpstreamKind.HTTP, "u", c -> c.toBuilder().responseCodes(List.of(99)).build())
                           .error()).isEqualTo("response code: 99 (expected: 100-599)");
        assertThat(s.updateCheck(UpstreamKind.HTTP, "u", c -> c.toBuilder().responseBody("(").build()).error())
                .startsWith("response body: invalid regex \"(\"");
        assertThat(s.updateCheck(UpstreamKind.HTTP, "nope", c -> c).error())
                .isEqualTo(UpstreamService.UPSTREAM_NOT_FOUND);
        assertThat(upstream(s).snapshot()).isSameAs(before);
    }

    @Test
    void aStreamUpstreamTakesHttpChecksOfItsPeersStatusPort() {
        UpstreamService s = service(UpstreamKind.STREAM, upFirst(), peer('A'));
        assertThat(s.updateCheck(UpstreamKind.STREAM, "u", c -> c.toBuilder().type(HealthCheck.Type.HTTP).port(8081)
                .build()).get()).isTrue();
        assertThat(s.registry().find(UpstreamKind.STREAM, "u").snapshot().check().type())
                .isEqualTo(HealthCheck.Type.HTTP);
    }

    @Test
    void disableHoldsEveryPeerOutUntilEnabledThenTheyProveThemselves() {
        UpstreamService s = service(HealthCheck.defaults(), peer('A'), peer('B'));
        state(s, 0).recordCheck(true, NOW, 1, 1);
        state(s, 1).recordCheck(true, NOW, 1, 1);
        Balancer b = Balancer.create(upstream(s), ticker);
        assertThat(sequence(b, 2)).isEqualTo("AB");

        s.updateCheck(UpstreamKind.HTTP, "u", c -> c.toBuilder().disabled(true).build());
        assertThat(state(s, 0).health()).isEqualTo(HealthStatus.DISABLED);
        assertThat(b.pick(b.newAttempt())).isNull();
        state(s, 0).recordCheck(true, NOW, 1, 1); // a probe in flight when it was disabled
        assertThat(state(s, 0).health()).isEqualTo(HealthStatus.DISABLED);
        assertThat(upstream(s).snapshot().all().get(0).spec().down()).as("the operator's flag is not touched")
                .isFalse();

        s.updateCheck(UpstreamKind.HTTP, "u", c -> c.toBuilder().disabled(false).build());
        assertThat(state(s, 0).health()).isEqualTo(HealthStatus.CHECKING);
        state(s, 0).recordCheck(true, NOW, 1, 1);
        assertThat(sequence(b, 2)).isEqualTo("AA");
    }

    @Test
    void aDisabledHostStaysOutAndSoDoesAPeerAddedAtThatAddress() {
        UpstreamService s = service(upFirst(), peer('A'), peer('B'));
        Balancer b = Balancer.create(upstream(s), ticker);
        s.updateCheck(UpstreamKind.HTTP, "u", c -> c.toBuilder().disabledHosts(List.of(B)).build());
        assertThat(sequence(b, 4)).isEqualTo("AAAA");

        s.removePeer(UpstreamKind.HTTP, "u", B);
        s.addPeer(UpstreamKind.HTTP, "u", B, false, PeerUpdate.NONE);
        assertThat(upstream(s).snapshot().primary().get(0).state().health()).isEqualTo(HealthStatus.DISABLED);
        assertThat(sequence(b, 4)).isEqualTo("AAAA");

        s.updateCheck(UpstreamKind.HTTP, "u", c -> c.toBuilder().disabledHosts(List.of()).build());
        assertThat(sequence(b, 4)).contains("B"); // initial=up: selectable at once
    }

    @Test
    void checksOffMakeEveryPeerHealthyAndBackOnTheyStartOver() {
        UpstreamService s = service(upFirst(), peer('A'), peer('B'));
        state(s, 1).recordCheck(false, NOW, 1, 1);
        assertThat(state(s, 1).health()).isEqualTo(HealthStatus.UNHEALTHY);

        s.updateCheck(UpstreamKind.HTTP, "u", c -> c.toBuilder().off(true).build());
        assertThat(state(s, 1).health()).isEqualTo(HealthStatus.HEALTHY);

        s.updateCheck(UpstreamKind.HTTP, "u", c -> c.toBuilder().off(false).initialUp(false).build());
        assertThat(state(s, 1).health()).isEqualTo(HealthStatus.CHECKING);
    }

    @Test
    void anUpstreamWithoutChecksGetsThemOnlyWhenTurnedOn() {
        UpstreamService s = service(null, peer('A'));
        s.updateCheck(UpstreamKind.HTTP, "u", c -> c.toBuilder().disabledHosts(List.of("127.0.0.1:10001")).build());
        HealthCheck c = upstream(s).snapshot().check();
        assertThat(c.off()).isTrue();
        assertThat(state(s, 0).health()).isEqualTo(HealthStatus.DISABLED);
        assertThat(c.probes(upstream(s).snapshot().all().get(0).spec())).isFalse();
    }

    @Test
    void aReloadKeepsATunedCheckUnlessItEditedTheCheck() {
        HealthCheck configured = upFirst();
        UpstreamService s = service(configured, peer('A'));
        s.updateCheck(UpstreamKind.HTTP, "u", c -> c.toBuilder().fall(5).build());

        UpstreamRegistry same = new UpstreamRegistry(List.of(
                UpstreamSpec.of("u", UpstreamKind.HTTP, List.of(peer('A'), peer('B'))).withCheck(configured)),
                s.registry());
        same.takeOver();
        assertThat(same.find(UpstreamKind.HTTP, "u").snapshot().check().fall()).isEqualTo(5);

        HealthCheck edited = configured.toBuilder().rise(4).build();
        UpstreamRegistry changed = new UpstreamRegistry(List.of(
                UpstreamSpec.of("u", UpstreamKind.HTTP, List.of(peer('A'))).withCheck(edited)), same);
        changed.takeOver();
        assertThat(changed.find(UpstreamKind.HTTP, "u").snapshot().check()).isEqualTo(edited);
    }
}

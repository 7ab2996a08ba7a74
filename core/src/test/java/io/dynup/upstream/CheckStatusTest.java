package io.dynup.upstream;

import static io.dynup.testing.Peers.peer;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.dynup.model.HealthCheck;
import io.dynup.model.HostResolver;
import io.dynup.model.Result;
import io.dynup.model.UpstreamKind;
import io.dynup.model.UpstreamSpec;

/** ngx_dynamic_healthcheck's status view, and check changes made only at the generation a client saw. */
class CheckStatusTest {

    private static final long NOW = 1_700_000_000_000L;

    private final UpstreamService service = new UpstreamService(new UpstreamRegistry(List.of(
            UpstreamSpec.of("u", UpstreamKind.HTTP, List.of(peer('A'), peer('B'), peer('C').withDown(true),
                                                             peer('D').withBackup(true)))
                    .withCheck(HealthCheck.defaults().toBuilder().initialUp(true).fall(2).build()))),
            HostResolver.system(), Runnable::run);

    private UpstreamSnapshot snapshot() {
        return service.registry().find(UpstreamKind.HTTP, "u").snapshot();
    }

    @Test
    void downIsOneForAnUnhealthyDisabledOrOperatorDownPeerAndCountsAreTheChecks() {
        PeerState b = snapshot().primary().get(1).state();
        b.recordCheck(true, NOW, 2, 1);
        b.recordCheck(false, NOW, 2, 1);
        b.recordCheck(false, NOW, 2, 1);
        service.updateCheck(UpstreamKind.HTTP, "u",
                            c -> c.toBuilder().disabledHosts(List.of("127.0.0.1:10004")).build());

        assertThat(CheckStatus.view(snapshot())).isEqualTo(Map.of(
                "primary", Map.of(
                        "127.0.0.1:10001", Map.of("down", 0, "fall", 0, "rise", 0, "fall_total", 0L, "rise_total", 0L),
                        "127.0.0.1:10002", Map.of("down", 1, "fall", 2, "rise", 0, "fall_total", 2L, "rise_total", 1L),
                        "127.0.0.1:10003", Map.of("down", 1, "fall", 0, "rise", 0, "fall_total", 0L, "rise_total", 0L)),
                "backup", Map.of(
                        "127.0.0.1:10004", Map.of("down", 1, "fall", 0, "rise", 0, "fall_total", 0L, "rise_total", 0L))));
    }

    @Test
    void aCheckChangeAtAnOldGenerationIsRefusedAndChangesNothing() {
        long g = snapshot().generation();
        Result<UpstreamSnapshot> ok = service.updateCheck(UpstreamKind.HTTP, "u", g, c -> c.toBuilder().rise(3).build());
        assertThat(ok.get().generation()).isEqualTo(g + 1);
        assertThat(ok.get().check().rise()).isEqualTo(3);

        Result<UpstreamSnapshot> stale = service.updateCheck(UpstreamKind.HTTP, "u", g,
                                                             c -> c.toBuilder().rise(4).build());
        assertThat(stale.error()).isEqualTo(UpstreamService.GENERATION_CHANGED + ": " + (g + 1) + " (expected: " + g
                                            + ")");
        assertThat(snapshot().check().rise()).isEqualTo(3);
        assertThat(service.updateCheck(UpstreamKind.HTTP, "u", g + 1, c -> c).get()).isSameAs(snapshot());
    }
}

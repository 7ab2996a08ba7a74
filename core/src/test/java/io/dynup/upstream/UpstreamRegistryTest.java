package io.dynup.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.dynup.model.PeerUpdate;
import io.dynup.model.UpstreamKind;
import io.dynup.model.UpstreamSpec;
import io.dynup.testing.Peers;

class UpstreamRegistryTest {

    @Test
    void reloadKeepsUnchangedUpstreamsWithTheirRuntimeChangesAndTakesEditedOnesFromConfig() {
        UpstreamSpec a = UpstreamSpec.of("a", UpstreamKind.HTTP, List.of(Peers.peer('A')));
        UpstreamSpec b = UpstreamSpec.of("b", UpstreamKind.HTTP, List.of(Peers.peer('B')));
        UpstreamRegistry first = new UpstreamRegistry(List.of(a, b));
        UpstreamService service = new UpstreamService(first, host -> new java.net.InetAddress[0], Runnable::run);
        service.addPeer(UpstreamKind.HTTP, "a", "127.0.0.1:10003", false, PeerUpdate.NONE);
        service.addPeer(UpstreamKind.HTTP, "b", "127.0.0.1:10003", false, PeerUpdate.NONE);

        UpstreamSpec bEdited = UpstreamSpec.of("b", UpstreamKind.HTTP, List.of(Peers.peer('B', 3)));
        UpstreamSpec c = UpstreamSpec.of("c", UpstreamKind.HTTP, List.of(Peers.peer('C')));
        UpstreamRegistry second = new UpstreamRegistry(List.of(a, bEdited, c), first);

        assertThat(second.find(UpstreamKind.HTTP, "a")).isSameAs(first.find(UpstreamKind.HTTP, "a"));
        assertThat(second.find(UpstreamKind.HTTP, "a").snapshot().all()).hasSize(2);
        assertThat(second.find(UpstreamKind.HTTP, "b")).isNotSameAs(first.find(UpstreamKind.HTTP, "b"));
        assertThat(second.find(UpstreamKind.HTTP, "b").snapshot().all()).hasSize(1);
        assertThat(second.upstreams(UpstreamKind.HTTP)).extracting(Upstream::name).containsExactly("a", "b", "c");
    }
}

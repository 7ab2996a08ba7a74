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
    void reloadKeepsUnchangedUpstreamsAndReplaysRuntimeChangesOnEditedOnes() {
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
        Upstream oldB = first.find(UpstreamKind.HTTP, "b");
        Upstream newB = second.find(UpstreamKind.HTTP, "b");
        assertThat(newB).isNotSameAs(oldB);
        // the peer added at run time is replayed; B takes its edited config line; ids and counters carry over
        assertThat(newB.snapshot().all()).extracting(p -> p.name() + " w" + p.spec().weight())
                .containsExactly("127.0.0.1:10003 w1", "127.0.0.1:10002 w3");
        assertThat(newB.snapshot().all()).extracting(Peer::id)
                .containsExactlyElementsOf(oldB.snapshot().all().stream().map(Peer::id).toList());
        assertThat(newB.snapshot().all().get(1).state()).isSameAs(oldB.snapshot().all().get(1).state());
        assertThat(newB.snapshot().generation()).isEqualTo(oldB.snapshot().generation() + 1);
        assertThat(second.upstreams(UpstreamKind.HTTP)).extracting(Upstream::name).containsExactly("a", "b", "c");
    }

    @Test
    void aChangeSentToTheReplacedUpstreamLandsOnceOnItsSuccessor() {
        UpstreamSpec b = UpstreamSpec.of("b", UpstreamKind.HTTP, List.of(Peers.peer('B')));
        UpstreamSpec gone = UpstreamSpec.of("gone", UpstreamKind.HTTP, List.of(Peers.peer('G')));
        UpstreamRegistry first = new UpstreamRegistry(List.of(b, gone));
        UpstreamService oldService = new UpstreamService(first, host -> new java.net.InetAddress[0], Runnable::run);

        UpstreamRegistry second = new UpstreamRegistry(
                List.of(UpstreamSpec.of("b", UpstreamKind.HTTP, List.of(Peers.peer('B', 2)))), first);
        // a request still on the old configuration changes "b" after the reload
        assertThat(oldService.addPeer(UpstreamKind.HTTP, "b", "127.0.0.1:10003", false, PeerUpdate.NONE).get())
                .isTrue();

        assertThat(second.find(UpstreamKind.HTTP, "b").snapshot().all()).hasSize(2);
        assertThat(first.find(UpstreamKind.HTTP, "b").snapshot().all()).hasSize(1);
        assertThat(oldService.removePeer(UpstreamKind.HTTP, "gone", "127.0.0.1:10007").error())
                .isEqualTo("upstream not found");
    }

    @Test
    void aFailedSwitchLeavesTheOldUpstreamsInService() {
        UpstreamSpec b = UpstreamSpec.of("b", UpstreamKind.HTTP, List.of(Peers.peer('B')));
        UpstreamRegistry first = new UpstreamRegistry(List.of(b));
        UpstreamService oldService = new UpstreamService(first, host -> new java.net.InetAddress[0], Runnable::run);
        UpstreamRegistry second = new UpstreamRegistry(
                List.of(UpstreamSpec.of("b", UpstreamKind.HTTP, List.of(Peers.peer('B', 2)))), first,
                ChangeJournal.Store.NONE);

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> second.takeOver(() -> {
            throw new IllegalStateException("bind failed");
        })).hasMessage("bind failed");

        assertThat(oldService.addPeer(UpstreamKind.HTTP, "b", "127.0.0.1:10003", false, PeerUpdate.NONE).get())
                .isTrue();
        assertThat(first.find(UpstreamKind.HTTP, "b").snapshot().all()).hasSize(2);
    }
}

package io.dynup.upstream;

import static io.dynup.model.UpstreamKind.HTTP;
import static io.dynup.testing.Peers.peer;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.dynup.model.PeerUpdate;
import io.dynup.model.Result;
import io.dynup.testing.Peers;

/** Peer ids, generations and atomic batches: what the JSON API's ids, ETags and batch endpoint stand on. */
class UpstreamBatchTest {

    private final Peers.Fixture f = Peers.fixture(peer('A'), peer('B'), peer('C').withBackup(true));
    private final UpstreamService service = f.service();
    private final List<Long> published = new ArrayList<>();

    UpstreamBatchTest() {
        service.addListener((u, before, after) -> published.add(after.generation()));
    }

    @Test
    void idsCountFromZeroInConfigOrderAndAreNeverReused() {
        assertThat(ids()).containsExactly(0L, 1L, 2L);
        service.addPeer(HTTP, "u", "127.0.0.1:10004", false, PeerUpdate.NONE);
        assertThat(idOf("127.0.0.1:10004")).isEqualTo(3);
        service.removePeer(HTTP, "u", "127.0.0.1:10004");
        service.addPeer(HTTP, "u", "127.0.0.1:10004", false, PeerUpdate.NONE);
        // the same address again is a new peer with a new id
        assertThat(idOf("127.0.0.1:10004")).isEqualTo(4);
    }

    @Test
    void anUpdateKeepsThePeersIdAndState() {
        Peer before = f.upstream().snapshot().primary().get(0);
        service.updatePeer(HTTP, "u", before.name(), new PeerUpdate(7, null, null, null, null));
        Peer after = f.upstream().snapshot().primary().get(0);
        assertThat(after.id()).isEqualTo(before.id());
        assertThat(after.state()).isSameAs(before.state());
        assertThat(after.spec().weight()).isEqualTo(7);
    }

    @Test
    void generationGrowsByOneWithEveryEffectiveChangeOnly() {
        long g = generation();
        service.setPeerDown(HTTP, "u", "127.0.0.1:10001");
        assertThat(generation()).isEqualTo(g + 1);
        service.setPeerDown(HTTP, "u", "127.0.0.1:10001"); // already down: no change
        service.addPeer(HTTP, "u", "127.0.0.1:10002", false, PeerUpdate.NONE); // there: no change
        service.updatePeer(HTTP, "u", "nosuch:1", PeerUpdate.down(true)); // failed: no change
        assertThat(generation()).isEqualTo(g + 1);
        assertThat(published).containsExactly(g + 1);
    }

    @Test
    void aBatchIsPublishedAsOneSnapshot() {
        long g = generation();
        Result<UpstreamSnapshot> r = service.applyBatch(HTTP, "u", -1, List.of(
                new PeerOperation.Add("127.0.0.1:10004", false, new PeerUpdate(3, null, null, null, null)),
                new PeerOperation.Update(1, PeerUpdate.down(true)),
                new PeerOperation.Remove(2),
                new PeerOperation.Add("127.0.0.1:10005", true, PeerUpdate.NONE)));
        assertThat(r.ok()).isTrue();
        UpstreamSnapshot s = r.get();
        assertThat(s.generation()).isEqualTo(g + 1);
        assertThat(published).containsExactly(g + 1);
        assertThat(Peers.letters(s.primary())).isEqualTo("DAB");
        assertThat(Peers.letters(s.backup())).isEqualTo("E");
        assertThat(s.primary().get(0).spec().weight()).isEqualTo(3);
        assertThat(s.primary().get(0).id()).isEqualTo(3);
        assertThat(s.primary().get(2).spec().down()).isTrue();
        // what the batch answers is what was published
        assertThat(f.upstream().snapshot().all()).isEqualTo(s.all());
    }

    @Test
    void aFailingOperationLeavesEverythingAsItWas() {
        UpstreamSnapshot before = f.upstream().snapshot();
        Result<UpstreamSnapshot> r = service.applyBatch(HTTP, "u", -1, List.of(
                new PeerOperation.Add("127.0.0.1:10004", false, PeerUpdate.NONE),
                new PeerOperation.Update(0, PeerUpdate.down(true)),
                new PeerOperation.Remove(42)));
        assertThat(r.error()).isEqualTo("id 42: " + UpstreamService.PEER_NOT_FOUND);
        assertThat(f.upstream().snapshot()).isSameAs(before);
        assertThat(published).isEmpty();
        // not even an id was taken: the next peer gets the one the failed add had
        service.addPeer(HTTP, "u", "127.0.0.1:10004", false, PeerUpdate.NONE);
        assertThat(idOf("127.0.0.1:10004")).isEqualTo(3);
    }

    @Test
    void aBatchSeesTheStateItsEarlierOperationsLeave() {
        // removing a peer twice in one batch fails: the second remove no longer finds it
        assertThat(service.applyBatch(HTTP, "u", -1, List.of(new PeerOperation.Remove(0),
                new PeerOperation.Remove(0))).error()).isEqualTo("id 0: " + UpstreamService.PEER_NOT_FOUND);
        // an added peer can be removed by the operation after it: its id is the next one
        Result<UpstreamSnapshot> r = service.applyBatch(HTTP, "u", -1, List.of(
                new PeerOperation.Add("127.0.0.1:10004", false, PeerUpdate.NONE), new PeerOperation.Remove(3)));
        assertThat(r.ok()).isTrue();
        assertThat(Peers.letters(r.get().all())).isEqualTo("ABC");
    }

    @Test
    void addingAPeerThatIsThereFailsInABatch() {
        assertThat(service.applyBatch(HTTP, "u", -1, List.of(
                new PeerOperation.Add("127.0.0.1:10001", false, PeerUpdate.NONE))).error())
                .isEqualTo("127.0.0.1:10001: " + UpstreamService.PEER_EXISTS);
        assertThat(service.applyBatch(HTTP, "u", -1, List.of(
                new PeerOperation.Add("127.0.0.1:10003", false, PeerUpdate.NONE))).error())
                .isEqualTo("127.0.0.1:10003: " + UpstreamService.TYPE_SWITCH);
        assertThat(service.applyBatch(HTTP, "u", -1, List.of(
                new PeerOperation.Add("1.2.3.4:99999", false, PeerUpdate.NONE))).error())
                .isEqualTo("1.2.3.4:99999: invalid port");
        assertThat(published).isEmpty();
    }

    @Test
    void anExpectedGenerationMakesTheBatchConditional() {
        long g = generation();
        List<PeerOperation> down = List.of(new PeerOperation.Update(0, PeerUpdate.down(true)));
        assertThat(service.applyBatch(HTTP, "u", g + 1, down).error())
                .isEqualTo(UpstreamService.GENERATION_CHANGED + ": " + g + " (expected: " + (g + 1) + ")");
        assertThat(published).isEmpty();
        assertThat(service.applyBatch(HTTP, "u", g, down).get().generation()).isEqualTo(g + 1);
    }

    @Test
    void aBatchWithoutEffectAnswersTheCurrentSnapshot() {
        UpstreamSnapshot before = f.upstream().snapshot();
        List<PeerOperation> noChange = List.of(new PeerOperation.Update(0, PeerUpdate.down(false)));
        assertThat(service.applyBatch(HTTP, "u", -1, noChange).get()).isSameAs(before);
        assertThat(service.applyBatch(HTTP, "nosuch", -1, List.of()).error())
                .isEqualTo(UpstreamService.UPSTREAM_NOT_FOUND);
    }

    private long generation() {
        return f.upstream().snapshot().generation();
    }

    private List<Long> ids() {
        List<Long> ids = new ArrayList<>();
        for (Peer p : f.upstream().snapshot().all()) {
            ids.add(p.id());
        }
        return ids;
    }

    private long idOf(String name) {
        for (Peer p : f.upstream().snapshot().all()) {
            if (p.name().equals(name)) {
                return p.id();
            }
        }
        throw new AssertionError(name + " not found");
    }
}

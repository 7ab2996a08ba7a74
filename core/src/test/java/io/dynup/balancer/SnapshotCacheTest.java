package io.dynup.balancer;

import static io.dynup.testing.Peers.fixture;
import static io.dynup.testing.Peers.peer;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.dynup.model.PeerUpdate;
import io.dynup.model.UpstreamKind;
import io.dynup.testing.Peers.Fixture;
import io.dynup.upstream.UpstreamSnapshot;

class SnapshotCacheTest {

    @Test
    void buildsOncePerSnapshotAndKeepsTheNewest() {
        Fixture f = fixture(peer('A'), peer('B'));
        AtomicInteger builds = new AtomicInteger();
        SnapshotCache<Long> cache = new SnapshotCache<>(s -> {
            builds.incrementAndGet();
            return s.generation();
        });
        UpstreamSnapshot s1 = f.upstream().snapshot();
        assertThat(cache.get(s1)).isEqualTo(s1.generation());
        assertThat(cache.get(s1)).isEqualTo(s1.generation());
        assertThat(builds).hasValue(1);

        f.service().updatePeer(UpstreamKind.HTTP, "u", "127.0.0.1:10001", new PeerUpdate(3, null, null, null, null));
        UpstreamSnapshot s2 = f.upstream().snapshot();
        assertThat(cache.get(s2)).isEqualTo(s2.generation());
        assertThat(cache.get(s2)).isEqualTo(s2.generation());
        assertThat(builds).hasValue(2);

        // an attempt still on the older snapshot gets its own structure, and the newer one stays cached
        assertThat(cache.get(s1)).isEqualTo(s1.generation());
        assertThat(builds).hasValue(3);
        assertThat(cache.get(s2)).isEqualTo(s2.generation());
        assertThat(builds).hasValue(3);
    }
}

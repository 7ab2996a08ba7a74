package io.dynup.balancer;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

import org.jspecify.annotations.Nullable;

import io.dynup.internal.Ticker;
import io.dynup.upstream.Peer;
import io.dynup.upstream.Upstream;
import io.dynup.upstream.UpstreamSnapshot;

/**
 * {@code random} and {@code random two [least_conn]}: nginx's {@code ngx_http_upstream_get_random_peer},
 * {@code ngx_http_upstream_get_random2_peer} and {@code ngx_http_upstream_peek_random_peer}
 * (ngx_http_upstream_random_module.c, 1.22).
 *
 * <p>A draw picks a peer with probability proportional to its weight (a uniform value below the total
 * weight, looked up in the cumulative ranges of {@code ngx_http_upstream_update_random}). {@code random}
 * takes the first drawn peer that is untried and available. {@code random two} draws until it holds two
 * different such peers and takes the one with fewer active connections per unit of weight, the second drawn
 * on a tie ({@code least_conn} is its only, default, comparison). Every unusable draw costs a try, and in
 * {@code random two} so does the first peer held; after 20 the request goes to round robin. A lone peer goes
 * to round robin as in nginx.
 *
 * <p>nginx draws with {@code ngx_random() % total_weight}; here the draw is an unbiased
 * {@link RandomGenerator#nextLong(long)} of {@link ThreadLocalRandom}, or of a generator given by tests.
 *
 * <p>State in {@link Attempt}: {@code hashTries} is {@code rp->tries}.
 */
public final class RandomBalancer extends Balancer {

    private final boolean two;
    /** Used under {@link #lock} only; null: the calling thread's {@link ThreadLocalRandom}. */
    private final @Nullable RandomGenerator random;
    private final SnapshotCache<WeightRanges> ranges = new SnapshotCache<>(s -> WeightRanges.of(s.primary()));

    RandomBalancer(Upstream upstream, Ticker ticker, boolean two) {
        this(upstream, ticker, two, null);
    }

    /** With a seeded generator, for deterministic tests. */
    RandomBalancer(Upstream upstream, Ticker ticker, boolean two, @Nullable RandomGenerator random) {
        super(upstream, ticker);
        this.two = two;
        this.random = random;
    }

    @Override
    public Attempt newAttempt(@Nullable String hashKey, byte @Nullable [] clientAddress) {
        Attempt a = super.newAttempt(hashKey, clientAddress);
        ranges.get(a.snapshot);
        return a;
    }

    @Override
    protected @Nullable Peer get(Attempt a) {
        UpstreamSnapshot snap = a.snapshot;
        if (a.hashTries > 20 || snap.single() || snap.primary().isEmpty()) {
            return getRoundRobin(a);
        }
        return two ? getRandom2(a, snap.primary(), ranges.get(snap))
                : getRandom(a, snap.primary(), ranges.get(snap));
    }

    /** nginx's {@code ngx_http_upstream_get_random_peer}. */
    private @Nullable Peer getRandom(Attempt a, List<Peer> peers, WeightRanges w) {
        long now = ticker.readMillis();
        for (;;) {
            int i = peek(w);
            Peer peer = peers.get(i);
            if (!a.isTried(i) && available(peer, now)) {
                return select(a, peer, i, now);
            }
            if (++a.hashTries > 20) {
                return getRoundRobin(a);
            }
        }
    }

    /** nginx's {@code ngx_http_upstream_get_random2_peer}. */
    private @Nullable Peer getRandom2(Attempt a, List<Peer> peers, WeightRanges w) {
        long now = ticker.readMillis();
        Peer prev = null;
        int p = -1;
        for (;;) {
            int i = peek(w);
            Peer peer = peers.get(i);
            if (i != p && !a.isTried(i) && available(peer, now)) {
                if (prev != null) {
                    // the first held wins only when the second is strictly busier per unit of weight
                    if ((long) peer.state().conns() * prev.spec().weight()
                        > (long) prev.state().conns() * peer.spec().weight()) {
                        peer = prev;
                        i = p;
                    }
                    return select(a, peer, i, now);
                }
                prev = peer;
                p = i;
            }
            if (++a.hashTries > 20) {
                return getRoundRobin(a);
            }
        }
    }

    /** nginx's {@code ngx_http_upstream_peek_random_peer}: a peer index drawn in proportion to weight. */
    private int peek(WeightRanges w) {
        RandomGenerator r = random != null ? random : ThreadLocalRandom.current();
        return w.find(r.nextLong(w.totalWeight()));
    }
}

package io.dynup.balancer;

import java.util.List;

import org.jspecify.annotations.Nullable;

import io.dynup.internal.Ticker;
import io.dynup.upstream.Peer;
import io.dynup.upstream.Upstream;
import io.dynup.upstream.UpstreamSnapshot;

/**
 * {@code hash KEY} (without {@code consistent}): nginx's {@code ngx_http_upstream_get_hash_peer}
 * (ngx_http_upstream_hash_module.c, 1.22), compatible with Cache::Memcached.
 *
 * <p>Each round takes {@code (crc32(REHASH KEY) >> 16) & 0x7fff}, where {@code REHASH} is the decimal
 * count of earlier rounds of this request and is left out in the first one, adds it to the request's
 * running hash, and lands at {@code hash % total_weight} in one peer's share of the weights. A peer already
 * tried or not available costs a try and starts another round; after 20 the request goes to round robin.
 * Because the total counts every peer, down and failed ones included, a peer taken out moves only its own
 * keys; the others keep theirs. A lone peer, a missing or empty key, and an exhausted hash go to round
 * robin, as in nginx.
 *
 * <p>State in {@link Attempt}: {@code hashTries} is {@code hp->tries}; {@code hash} holds {@code hp->hash}
 * (an unsigned 32-bit value) and {@code rehash} is {@code hp->rehash}.
 */
public final class HashBalancer extends Balancer {

    private final SnapshotCache<WeightRanges> ranges = new SnapshotCache<>(s -> WeightRanges.of(s.primary()));
    /** Used under {@link #lock} only. */
    private final KeyCrc crc = new KeyCrc();

    HashBalancer(Upstream upstream, Ticker ticker) {
        super(upstream, ticker);
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
        List<Peer> peers = snap.primary();
        String key = a.hashKey;
        if (a.hashTries > 20 || snap.single() || key == null || key.isEmpty() || peers.isEmpty()) {
            return getRoundRobin(a);
        }
        WeightRanges w = ranges.get(snap);
        long now = ticker.readMillis();
        for (;;) {
            long hash = (crc.of(a.rehash, key) >>> 16) & 0x7fff;
            a.hash = (a.hash + hash) & 0xffff_ffffL;
            a.rehash++;

            int p = w.find(a.hash % w.totalWeight());
            Peer peer = peers.get(p);
            if (!a.isTried(p) && available(peer, now)) {
                return select(a, peer, p, now);
            }
            if (++a.hashTries > 20) {
                return getRoundRobin(a);
            }
        }
    }
}

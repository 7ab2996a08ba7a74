package io.dynup.balancer;

import java.util.List;

import io.dynup.upstream.Peer;

/**
 * The primary peers laid end to end by weight: nginx's {@code ngx_http_upstream_random_range_t} array
 * ({@code ngx_http_upstream_update_random}) with {@code peers->total_weight}. Peer {@code i} owns the
 * values {@code [range[i], range[i] + weight)}; down and failed peers keep their share, as in nginx, and the
 * modules skip them after the draw.
 *
 * <p>The hash modules walk the peer list subtracting weights ({@code while (w >= peer->weight)}); the
 * binary search here finds the same peer for every value, in log time.
 */
final class WeightRanges {

    /** {@code range[i]}: the sum of the weights of peers before {@code i}. */
    private final long[] range;
    private final long totalWeight;

    private WeightRanges(long[] range, long totalWeight) {
        this.range = range;
        this.totalWeight = totalWeight;
    }

    static WeightRanges of(List<Peer> peers) {
        long[] range = new long[peers.size()];
        long total = 0;
        for (int i = 0; i < range.length; i++) {
            range[i] = total;
            total += peers.get(i).spec().weight();
        }
        return new WeightRanges(range, total);
    }

    /** nginx's {@code peers->total_weight}; zero when the tier is empty. */
    long totalWeight() {
        return totalWeight;
    }

    /**
     * The index of the peer owning {@code x}, {@code 0 <= x < totalWeight}: the search of
     * {@code ngx_http_upstream_peek_random_peer}, the last {@code i} with {@code range[i] <= x}.
     */
    int find(long x) {
        int i = 0;
        int j = range.length;
        while (j - i > 1) {
            int k = (i + j) >>> 1;
            if (x < range[k]) {
                j = k;
            } else {
                i = k;
            }
        }
        return i;
    }
}

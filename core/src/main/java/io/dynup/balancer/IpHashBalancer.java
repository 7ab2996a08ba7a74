package io.dynup.balancer;

import java.util.List;

import org.jspecify.annotations.Nullable;

import io.dynup.internal.Ticker;
import io.dynup.upstream.Peer;
import io.dynup.upstream.Upstream;
import io.dynup.upstream.UpstreamSnapshot;

/**
 * {@code ip_hash}: nginx's {@code ngx_http_upstream_init_ip_hash_peer} and
 * {@code ngx_http_upstream_get_ip_hash_peer} (ngx_http_upstream_ip_hash_module.c, 1.22).
 *
 * <p>The client's network (the first three octets of an IPv4 address, all sixteen bytes of an IPv6 one) is
 * folded into a hash that starts at 89 ({@code hash = (hash * 113 + octet) % 6271}); {@code hash %
 * total_weight} lands in one peer's share of the weights. If that peer was tried by this request or is not
 * available, the same network is folded in again on top of the last hash, which gives a new position; after
 * 20 such misses the request goes to round robin. The hash reached is kept for the request's retries.
 * Clients of the same /24 therefore share a peer while it is available.
 *
 * <p>As in nginx, a lone peer goes to round robin (its single-peer rule), a client address that is neither
 * IPv4 nor IPv6 (here: none given) hashes as three zero bytes, and there is no backup tier. Weights and the
 * total are the configured ones, down and failed peers included: taking a peer out moves only its clients.
 *
 * <p>State in {@link Attempt}: {@code hash} is {@code iphp->hash}, {@code hashTries} is {@code iphp->tries}.
 */
public final class IpHashBalancer extends Balancer {

    /** nginx's {@code ngx_http_upstream_ip_hash_pseudo_addr}: what clients without an IP address hash. */
    private static final byte[] PSEUDO_ADDR = new byte[3];

    private final SnapshotCache<WeightRanges> ranges = new SnapshotCache<>(s -> WeightRanges.of(s.primary()));

    IpHashBalancer(Upstream upstream, Ticker ticker) {
        super(upstream, ticker);
    }

    /** nginx's {@code ngx_http_upstream_init_ip_hash_peer}: the hash starts at 89. */
    @Override
    public Attempt newAttempt(@Nullable String hashKey, byte @Nullable [] clientAddress) {
        Attempt a = super.newAttempt(hashKey, clientAddress);
        a.hash = 89;
        ranges.get(a.snapshot);
        return a;
    }

    @Override
    protected @Nullable Peer get(Attempt a) {
        UpstreamSnapshot snap = a.snapshot;
        List<Peer> peers = snap.primary();
        // an empty primary list cannot be configured in nginx; here every peer may have been removed
        if (a.hashTries > 20 || snap.single() || peers.isEmpty()) {
            return getRoundRobin(a);
        }
        WeightRanges w = ranges.get(snap);
        byte[] addr = a.clientAddress;
        int addrlen;
        if (addr != null && addr.length == 4) {
            addrlen = 3;
        } else if (addr != null && addr.length == 16) {
            addrlen = 16;
        } else {
            addr = PSEUDO_ADDR;
            addrlen = 3;
        }

        long now = ticker.readMillis();
        int hash = (int) a.hash;
        for (;;) {
            for (int i = 0; i < addrlen; i++) {
                hash = (hash * 113 + (addr[i] & 0xff)) % 6271;
            }
            int p = w.find(hash % w.totalWeight());
            Peer peer = peers.get(p);
            if (!a.isTried(p) && available(peer, now)) {
                a.hash = hash;
                return select(a, peer, p, now);
            }
            if (++a.hashTries > 20) {
                return getRoundRobin(a);
            }
        }
    }
}

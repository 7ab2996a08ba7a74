package io.dynup.balancer;

import java.util.List;

import org.jspecify.annotations.Nullable;

import io.dynup.internal.Ticker;
import io.dynup.upstream.Peer;
import io.dynup.upstream.PeerState;
import io.dynup.upstream.Upstream;
import io.dynup.upstream.UpstreamSnapshot;

/**
 * {@code least_conn}: nginx's {@code ngx_http_upstream_get_least_conn_peer}
 * (ngx_http_upstream_least_conn_module.c, 1.22).
 *
 * <p>The available peer with the fewest active connections per unit of weight wins ({@code conns / weight},
 * compared by cross-multiplying). When several peers share that lowest ratio, smooth weighted round robin
 * runs over them only, starting at the first of them, so equal loads rotate in weight order (weights 5,1,1
 * with no load give {@code A A B A C A A}, as round robin does). When no primary is available the attempt
 * moves to the backup tier and chooses there the same way. A lone primary without backups goes through
 * round robin's single-peer rule, as nginx does. Release is round robin's.
 */
public final class LeastConnBalancer extends Balancer {

    LeastConnBalancer(Upstream upstream, Ticker ticker) {
        super(upstream, ticker);
    }

    @Override
    protected @Nullable Peer get(Attempt a) {
        UpstreamSnapshot snap = a.snapshot;
        if (snap.single()) {
            return getRoundRobin(a);
        }
        long now = ticker.readMillis();
        Peer best = getLeastConn(a, a.backup ? snap.backup() : snap.primary(), now);
        if (best != null) {
            return best;
        }
        // nginx's "failed:" label: on to peers->next, with a fresh tried set, when there is one
        if (!a.backup && !snap.backup().isEmpty()) {
            a.backup = true;
            a.clearTried();
            return getLeastConn(a, snap.backup(), now);
        }
        return null;
    }

    /** One tier: the least loaded available peer, ties broken by smooth weighted round robin. */
    private static @Nullable Peer getLeastConn(Attempt a, List<Peer> peers, long now) {
        Peer best = null;
        int p = -1;
        boolean many = false;
        for (int i = 0; i < peers.size(); i++) {
            if (a.isTried(i)) {
                continue;
            }
            Peer peer = peers.get(i);
            reconcileWeight(peer);
            if (!available(peer, now)) {
                continue;
            }
            if (best == null || lessLoaded(peer, best)) {
                best = peer;
                many = false;
                p = i;
            } else if (sameLoad(peer, best)) {
                many = true;
            }
        }
        if (best == null) {
            return null;
        }

        int total = 0;
        if (many) {
            // the tied peers all come at or after the first of them
            for (int i = p; i < peers.size(); i++) {
                if (a.isTried(i)) {
                    continue;
                }
                Peer peer = peers.get(i);
                if (!sameLoad(peer, best) || !available(peer, now)) {
                    continue;
                }
                total += raiseCurrentWeight(peer);
                if (peer.state().currentWeight() > best.state().currentWeight()) {
                    best = peer;
                    p = i;
                }
            }
        }
        PeerState st = best.state();
        st.currentWeight(st.currentWeight() - total);
        return select(a, best, p, now);
    }

    /** {@code peer->conns * best->weight < best->conns * peer->weight}, without overflow. */
    static boolean lessLoaded(Peer peer, Peer best) {
        return (long) peer.state().conns() * best.spec().weight()
               < (long) best.state().conns() * peer.spec().weight();
    }

    static boolean sameLoad(Peer peer, Peer best) {
        return (long) peer.state().conns() * best.spec().weight()
               == (long) best.state().conns() * peer.spec().weight();
    }
}

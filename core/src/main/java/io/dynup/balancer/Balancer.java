package io.dynup.balancer;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dynup.internal.Ticker;
import io.dynup.model.PeerSpec;
import io.dynup.upstream.Peer;
import io.dynup.upstream.PeerState;
import io.dynup.upstream.Upstream;
import io.dynup.upstream.UpstreamSnapshot;

/**
 * Selects peers of one upstream for requests, as nginx's upstream balancing modules do: a request
 * {@linkplain #newAttempt starts an attempt}, {@linkplain #pick picks} a peer (nginx's {@code get}), and
 * {@linkplain #release releases} it with the outcome (nginx's {@code free}) before picking again on failure.
 *
 * <p>This base class is nginx's round robin core ({@code ngx_http_upstream_round_robin.c}): the per-peer
 * filter (down, max_fails within fail_timeout, max_conns), the backup tier, the single-peer rule and the
 * failure accounting on release. The other methods reuse it the way nginx's modules reuse round robin.
 *
 * <p>One balancer per upstream, shared by all threads: picks and releases of an upstream are serialized by
 * its lock, which gives one global sequence across workers (nginx with {@code zone}) and makes
 * {@code max_conns} exact. The lock covers a loop over the tier; no I/O or allocation happens under it.
 */
public abstract class Balancer {

    private static final Logger logger = LoggerFactory.getLogger(Balancer.class);

    protected final Upstream upstream;
    protected final Ticker ticker;
    /** nginx's {@code peers_wlock}: guards every {@link PeerState} balancing field of this upstream. */
    protected final Object lock = new Object();

    protected Balancer(Upstream upstream, Ticker ticker) {
        this.upstream = upstream;
        this.ticker = ticker;
    }

    /** The balancer for {@code upstream}'s configured method. */
    public static Balancer create(Upstream upstream, Ticker ticker) {
        switch (upstream.balancing().method()) {
            case ROUND_ROBIN:
                return new RoundRobinBalancer(upstream, ticker);
            case LEAST_CONN:
                return new LeastConnBalancer(upstream, ticker);
            case IP_HASH:
                return new IpHashBalancer(upstream, ticker);
            case HASH:
                return upstream.balancing().consistent() ? new ConsistentHashBalancer(upstream, ticker)
                        : new HashBalancer(upstream, ticker);
            case RANDOM:
                return new RandomBalancer(upstream, ticker, upstream.balancing().two());
            default:
                throw new IllegalArgumentException("balancing: " + upstream.balancing()
                                                   + " (expected: a supported method)");
        }
    }

    public Upstream upstream() {
        return upstream;
    }

    /**
     * Starts a request's selection on the current snapshot.
     *
     * @param hashKey       the evaluated key for {@code hash}, else null
     * @param clientAddress the client's address bytes for {@code ip_hash}, else null
     */
    public Attempt newAttempt(@Nullable String hashKey, byte @Nullable [] clientAddress) {
        return new Attempt(upstream.snapshot(), hashKey, clientAddress);
    }

    /** An attempt without a key, for round robin, least_conn and random. */
    public Attempt newAttempt() {
        return newAttempt(null, null);
    }

    /**
     * Picks the next peer for {@code attempt} and counts a connection on it; null means no live upstreams
     * (nginx's {@code NGX_BUSY}: answer 502). Every non-null pick must be {@linkplain #release released}.
     */
    public final @Nullable Peer pick(Attempt attempt) {
        UpstreamSnapshot now = upstream.snapshot();
        if (attempt.snapshot != now) {
            moveTo(attempt, now);
        }
        Peer peer;
        synchronized (lock) {
            peer = get(attempt);
            if (peer != null) {
                peer.state().incrementConns();
                peer.state().recordSelected(ticker.readMillis());
            }
        }
        attempt.current = peer;
        return peer;
    }

    /**
     * Ends the use of the current peer. {@code failed} is nginx's {@code NGX_PEER_FAILED}: the attempt counts
     * toward the peer's {@code max_fails} (an error, a timeout, or a next_upstream status).
     */
    public void release(Attempt attempt, boolean failed) {
        Peer peer = attempt.current;
        if (peer == null) {
            return;
        }
        PeerState st = peer.state();
        PeerSpec spec = peer.spec();
        synchronized (lock) {
            if (attempt.currentSingle) {
                st.decrementConns();
                attempt.tries = 0;
                return;
            }
            if (failed) {
                long now = ticker.readMillis();
                st.fails(st.fails() + 1);
                st.accessedMillis(now);
                st.checkedMillis(now);
                boolean disabled = spec.maxFails() != 0 && st.fails() >= spec.maxFails();
                st.recordFailure(disabled);
                if (spec.maxFails() != 0) {
                    st.effectiveWeight(st.effectiveWeight() - spec.weight() / spec.maxFails());
                    if (disabled) {
                        logger.warn("upstream server temporarily disabled: upstream \"{}\", peer {}",
                                    upstream.name(), spec.name());
                    }
                }
                if (st.effectiveWeight() < 0) {
                    st.effectiveWeight(0);
                }
            } else if (st.accessedMillis() < st.checkedMillis()) {
                // a success after the fail window reopened the peer: it is live again
                st.fails(0);
            }
            st.decrementConns();
        }
        if (attempt.tries > 0) {
            attempt.tries--;
        }
    }

    /** Selects under {@link #lock}; null when no peer is available in any tier. */
    protected abstract @Nullable Peer get(Attempt attempt);

    /**
     * nginx's {@code ngx_http_upstream_get_round_robin_peer}: the single-peer rule, the smooth weighted
     * choice, then the backup tier when the primaries give nothing.
     */
    protected final @Nullable Peer getRoundRobin(Attempt a) {
        UpstreamSnapshot snap = a.snapshot;
        Peer peer = a.backup ? null : getFromTier(a, snap.primary(), snap.single());
        if (peer == null && !a.backup && !snap.backup().isEmpty()) {
            a.backup = true;
            a.clearTried();
        }
        if (peer == null && a.backup) {
            peer = getFromTier(a, snap.backup(), false);
        }
        return peer;
    }

    private @Nullable Peer getFromTier(Attempt a, List<Peer> tier, boolean single) {
        if (single) {
            Peer peer = tier.get(0);
            PeerSpec s = peer.spec();
            reconcileWeight(peer);
            if (!peer.inService() || s.maxConns() != 0 && peer.state().conns() >= s.maxConns()) {
                return null;
            }
            a.currentIndex = 0;
            a.currentSingle = true;
            return peer;
        }
        a.currentSingle = false;
        return smoothWeighted(a, tier);
    }

    /**
     * nginx's {@code ngx_http_upstream_get_peer}: smooth weighted round robin. Each available peer's
     * {@code current_weight} grows by its {@code effective_weight}; the largest wins and gives back the total.
     * Over a cycle each peer is chosen in proportion to its weight, interleaved rather than in runs
     * (weights 5,1,1 give a a b a c a a). {@code effective_weight} drops on failures and climbs back by one
     * per pick, so a recovering peer returns gradually.
     */
    private @Nullable Peer smoothWeighted(Attempt a, List<Peer> tier) {
        long now = ticker.readMillis();
        Peer best = null;
        int bestIndex = -1;
        int total = 0;
        for (int i = 0; i < tier.size(); i++) {
            if (a.isTried(i)) {
                continue;
            }
            Peer peer = tier.get(i);
            reconcileWeight(peer);
            if (!available(peer, now)) {
                continue;
            }
            PeerState st = peer.state();
            st.currentWeight(st.currentWeight() + st.effectiveWeight());
            total += st.effectiveWeight();
            if (st.effectiveWeight() < peer.spec().weight()) {
                st.effectiveWeight(st.effectiveWeight() + 1);
            }
            if (best == null || st.currentWeight() > best.state().currentWeight()) {
                best = peer;
                bestIndex = i;
            }
        }
        if (best == null) {
            return null;
        }
        a.setTried(bestIndex);
        a.currentIndex = bestIndex;
        best.state().currentWeight(best.state().currentWeight() - total);
        markChecked(best, now);
        return best;
    }

    /**
     * nginx's filter: not down, not failed {@code max_fails} times within {@code fail_timeout} seconds of the
     * last check (whole seconds, see {@link #seconds}), not at {@code max_conns}; and, in dynup, resolved and
     * healthy by active checks (one volatile read, always {@code HEALTHY} without checks, so the sequence of
     * healthy peers is nginx's).
     */
    protected static boolean available(Peer peer, long nowMillis) {
        PeerSpec s = peer.spec();
        PeerState st = peer.state();
        if (!peer.inService() || failedOut(peer, nowMillis)) {
            return false;
        }
        return s.maxConns() == 0 || st.conns() < s.maxConns();
    }

    /**
     * The peer failed {@code max_fails} times and {@code fail_timeout} has not passed since: NGINX Plus's
     * state {@code unavail}. {@code nowMillis} is the balancers' ticker time.
     */
    public static boolean failedOut(Peer peer, long nowMillis) {
        PeerSpec s = peer.spec();
        PeerState st = peer.state();
        return s.maxFails() != 0 && st.fails() >= s.maxFails()
               && seconds(nowMillis) - seconds(st.checkedMillis()) <= s.failTimeout();
    }

    /** After a pick, opens a new fail window if the last one has passed (nginx updates {@code checked}). */
    protected static void markChecked(Peer peer, long nowMillis) {
        PeerState st = peer.state();
        if (seconds(nowMillis) - seconds(st.checkedMillis()) > peer.spec().failTimeout()) {
            st.checkedMillis(nowMillis);
        }
    }

    /**
     * The fail window is kept in whole seconds, as nginx keeps it ({@code time_t} from {@code ngx_time()}):
     * a failure at x.1 s with {@code fail_timeout=1} keeps the peer out until second x+2 begins, and
     * {@code fail_timeout=0} means "for the rest of this second". The conformance suite checks this against
     * nginx request by request.
     */
    private static long seconds(long millis) {
        return Math.floorDiv(millis, 1000L);
    }

    /**
     * Ends a module's get: {@code peer}, at {@code index} in the attempt's tier, becomes the attempt's pick,
     * is marked tried, and opens a new fail window if the last one has passed.
     */
    protected static Peer select(Attempt a, Peer peer, int index, long nowMillis) {
        a.setTried(index);
        a.currentIndex = index;
        a.currentSingle = false;
        markChecked(peer, nowMillis);
        return peer;
    }

    /**
     * One step of smooth weighted round robin for a candidate, as least_conn's tie-break and the consistent
     * hash's same-server choice run it: {@code current_weight} grows by {@code effective_weight}, which then
     * climbs back by one toward the weight. Returns the {@code effective_weight} added, for the total.
     */
    protected static int raiseCurrentWeight(Peer peer) {
        PeerState st = peer.state();
        int ew = st.effectiveWeight();
        st.currentWeight(st.currentWeight() + ew);
        if (ew < peer.spec().weight()) {
            st.effectiveWeight(ew + 1);
        }
        return ew;
    }

    /**
     * A weight changed at run time takes effect at once: {@code effective_weight} restarts at the new weight
     * and {@code current_weight} at zero, as the dynamic-upstream module does when it sets a weight.
     */
    protected static void reconcileWeight(Peer peer) {
        PeerState st = peer.state();
        int w = peer.spec().weight();
        if (st.weightApplied() != w) {
            st.weightApplied(w);
            st.effectiveWeight(w);
            st.currentWeight(0);
        }
    }

    /**
     * Moves an attempt to a newer snapshot before a retry: the peers it tried stay tried (matched by their
     * state object), and its remaining tries follow the change in the number of live peers.
     */
    private static void moveTo(Attempt a, UpstreamSnapshot next) {
        List<Peer> oldTier = a.backup ? a.snapshot.backup() : a.snapshot.primary();
        Map<PeerState, Boolean> tried = new IdentityHashMap<>();
        for (int i = 0; i < oldTier.size(); i++) {
            if (a.isTried(i)) {
                tried.put(oldTier.get(i).state(), Boolean.TRUE);
            }
        }
        List<Peer> newTier = a.backup ? next.backup() : next.primary();
        a.sizeTried(Math.max(next.primary().size(), next.backup().size()));
        for (int i = 0; i < newTier.size(); i++) {
            if (tried.containsKey(newTier.get(i).state())) {
                a.setTried(i);
            }
        }
        a.tries = Math.max(0, a.tries + next.tries() - a.snapshot.tries());
        a.snapshot = next;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "{" + upstream.name() + "}";
    }
}

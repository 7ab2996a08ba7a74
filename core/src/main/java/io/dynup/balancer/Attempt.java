package io.dynup.balancer;

import org.jspecify.annotations.Nullable;

import io.dynup.upstream.Peer;
import io.dynup.upstream.UpstreamSnapshot;

/**
 * One request's walk over an upstream's peers: nginx's {@code ngx_http_upstream_rr_peer_data_t} (the tried
 * set, the current peer, the tier) with the peer connection's {@code tries}. Confined to the request's thread.
 *
 * <p>It is bound to the snapshot it started with; if the upstream changes before a retry, the next pick moves
 * it to the new snapshot, keeping the peers already tried, and {@code tries} follows the new number of live
 * peers (a reference-module bug kept the old count, so a request could not retry onto an added peer).
 */
public final class Attempt {

    UpstreamSnapshot snapshot;
    /** In the backup tier (nginx's {@code rrp->peers = peers->next}). */
    boolean backup;
    /** nginx's {@code rrp->data}: the tried set of tiers up to 64 peers, so most requests allocate nothing. */
    long triedSmall;
    /** The tried set of larger tiers (nginx allocates {@code rrp->tried} the same way); null otherwise. */
    long @Nullable [] tried;
    @Nullable Peer current;
    int currentIndex = -1;
    /** The current peer was taken by the single-peer rule: no failure accounting, no retry. */
    boolean currentSingle;
    int tries;
    final @Nullable String hashKey;
    final byte @Nullable [] clientAddress;
    /** Hash-family state kept across retries: nginx's {@code hp->hash}, {@code hp->tries}, {@code hp->rehash}. */
    long hash;
    int hashTries;
    int rehash;

    Attempt(UpstreamSnapshot snapshot, @Nullable String hashKey, byte @Nullable [] clientAddress) {
        this.snapshot = snapshot;
        sizeTried(Math.max(snapshot.primary().size(), snapshot.backup().size()));
        this.tries = snapshot.tries();
        this.hashKey = hashKey;
        this.clientAddress = clientAddress;
    }

    /** Attempts left, nginx's {@code pc->tries}; the proxy stops retrying at zero. */
    public int tries() {
        return tries;
    }

    /** Caps the attempts, as {@code proxy_next_upstream_tries} does. */
    public void limitTries(int max) {
        if (max > 0 && tries > max) {
            tries = max;
        }
    }

    /**
     * One more attempt, as nginx grants when a cached (keep-alive) upstream connection fails: the peer may
     * simply have closed an idle connection, which says nothing about the next one.
     */
    public void addTry() {
        tries++;
    }

    /** The peer picked last, or null before the first pick or after "no live upstreams". */
    public @Nullable Peer current() {
        return current;
    }

    public UpstreamSnapshot snapshot() {
        return snapshot;
    }

    boolean isTried(int i) {
        long[] t = tried;
        return t == null ? i < 64 && (triedSmall & (1L << i)) != 0 : (t[i >>> 6] & (1L << i)) != 0;
    }

    void setTried(int i) {
        long[] t = tried;
        if (t == null) {
            triedSmall |= 1L << i;
        } else {
            t[i >>> 6] |= 1L << i;
        }
    }

    void clearTried() {
        triedSmall = 0;
        if (tried != null) {
            java.util.Arrays.fill(tried, 0);
        }
    }

    /** An empty tried set for tiers of up to {@code peers} peers. */
    void sizeTried(int peers) {
        triedSmall = 0;
        tried = peers <= 64 ? null : new long[(peers + 63) >>> 6];
    }
}

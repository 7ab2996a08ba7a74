package io.dynup.testing;

import java.util.Set;

import org.jspecify.annotations.Nullable;

import io.dynup.balancer.Attempt;
import io.dynup.balancer.Balancer;
import io.dynup.upstream.Peer;

/**
 * Plays requests against a balancer the way nginx's proxy loop does: pick, and when the peer is "dead"
 * (a refused connection) release it as failed and pick again while tries remain.
 */
public final class Requests {

    private Requests() {
    }

    /** Letters of {@code n} requests that all succeed, e.g. {@code AABACAA}. */
    public static String sequence(Balancer b, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            Attempt a = b.newAttempt();
            Peer p = b.pick(a);
            sb.append(p == null ? '-' : Peers.letterOf(p));
            if (p != null) {
                b.release(a, false);
            }
        }
        return sb.toString();
    }

    /**
     * One request against peers of which {@code dead} refuse connections: the letters tried, like nginx's
     * {@code $upstream_addr} ("AB" = A failed, then B answered), with "-" at the end for a 502.
     */
    public static String request(Balancer b, Set<Character> dead) {
        return request(b, null, null, dead);
    }

    /** The same for a keyed method: {@code key} for hash, {@code client} address bytes for ip_hash. */
    public static String request(Balancer b, @Nullable String key, byte @Nullable [] client, Set<Character> dead) {
        StringBuilder sb = new StringBuilder();
        Attempt a = b.newAttempt(key, client);
        while (true) {
            Peer p = b.pick(a);
            if (p == null) {
                return sb.append('-').toString();
            }
            char c = Peers.letterOf(p);
            sb.append(c);
            boolean failed = dead.contains(c);
            b.release(a, failed);
            if (!failed) {
                return sb.toString();
            }
            if (a.tries() == 0) {
                return sb.append('-').toString();
            }
        }
    }
}

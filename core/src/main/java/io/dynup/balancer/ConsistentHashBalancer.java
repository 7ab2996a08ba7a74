package io.dynup.balancer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;

import org.jspecify.annotations.Nullable;

import io.dynup.internal.Ticker;
import io.dynup.upstream.Peer;
import io.dynup.upstream.PeerState;
import io.dynup.upstream.Upstream;
import io.dynup.upstream.UpstreamSnapshot;

/**
 * {@code hash KEY consistent}: nginx's {@code ngx_http_upstream_init_chash},
 * {@code ngx_http_upstream_init_chash_peer} and {@code ngx_http_upstream_get_chash_peer}
 * (ngx_http_upstream_hash_module.c, 1.22), a ketama ring compatible with Cache::Memcached::Fast.
 *
 * <p>Every primary {@code server} (the address as written, shared by the peers its host resolved to) puts
 * {@code 160 * weight} points on a ring of 32-bit values: {@code crc32(HOST \0 PORT PREV_HASH)}, where
 * {@code PREV_HASH} is the previous point of the same server as four little-endian bytes (zero for the
 * first). A request starts at the first point at or after {@code crc32(KEY)} (wrapping past the last) and
 * takes, among the untried available peers of that point's server, one by smooth weighted round robin;
 * when there is none it moves to the next point, and after 20 moves it goes to round robin. Adding a
 * server takes over only the arcs before its own points, about {@code 1/N} of the keys.
 *
 * <p>The ring is built from each new snapshot, once (nginx builds it once at configuration time), and
 * includes down and unresolved peers' servers as nginx includes down ones. A lone peer, a missing or empty
 * key and an exhausted walk go to round robin, as in nginx.
 *
 * <p>State in {@link Attempt}: {@code hash} is {@code crc32(KEY)}, computed when the attempt starts;
 * {@code hashTries} is {@code hp->tries}. nginx's point index {@code hp->hash} equals the key's point plus
 * {@code hp->tries}; it is found again on each pick, so a retry after a change of peers walks the new ring.
 */
public final class ConsistentHashBalancer extends Balancer {

    private final SnapshotCache<Points> points = new SnapshotCache<>(s -> Points.of(s.primary()));

    ConsistentHashBalancer(Upstream upstream, Ticker ticker) {
        super(upstream, ticker);
    }

    /** nginx's {@code ngx_http_upstream_init_chash_peer}: the key's crc32, before any lock. */
    @Override
    public Attempt newAttempt(@Nullable String hashKey, byte @Nullable [] clientAddress) {
        Attempt a = super.newAttempt(hashKey, clientAddress);
        if (hashKey != null) {
            a.hash = KeyCrc.of(hashKey);
        }
        points.get(a.snapshot);
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
        Points ring = points.get(snap);
        long now = ticker.readMillis();
        int start = ring.find(a.hash);
        for (;;) {
            String server = ring.server((start + a.hashTries) % ring.number());

            Peer best = null;
            int bestI = -1;
            int total = 0;
            for (int i = 0; i < peers.size(); i++) {
                if (a.isTried(i)) {
                    continue;
                }
                Peer peer = peers.get(i);
                if (!available(peer, now) || !peer.server().equals(server)) {
                    continue;
                }
                reconcileWeight(peer);
                total += raiseCurrentWeight(peer);
                if (best == null || peer.state().currentWeight() > best.state().currentWeight()) {
                    best = peer;
                    bestI = i;
                }
            }
            if (best != null) {
                PeerState st = best.state();
                st.currentWeight(st.currentWeight() - total);
                return select(a, best, bestI, now);
            }
            if (++a.hashTries > 20) {
                return getRoundRobin(a);
            }
        }
    }

    /**
     * The ring: nginx's {@code ngx_http_upstream_chash_points_t}, sorted by hash with duplicate hashes
     * removed. Points are kept as parallel arrays (hash, server index) rather than objects.
     */
    static final class Points {

        /** nginx's 160 points per unit of weight, as in ketama. */
        static final int POINTS_PER_WEIGHT = 160;

        /** Unsigned 32-bit hashes, ascending, distinct. */
        private final int[] hash;
        private final int[] serverIndex;
        private final String[] servers;

        private Points(int[] hash, int[] serverIndex, String[] servers) {
            this.hash = hash;
            this.serverIndex = serverIndex;
            this.servers = servers;
        }

        /**
         * nginx adds each peer's chain and drops repeated hashes; the peers of one server share its chain,
         * and a shorter chain is a prefix of a longer one, so each server contributes the chain of its
         * heaviest peer. Where two servers' points collide, nginx keeps whichever its unstable sort put
         * first; here the server listed first keeps it.
         */
        static Points of(List<Peer> peers) {
            Map<String, Integer> weights = new LinkedHashMap<>();
            for (Peer p : peers) {
                weights.merge(p.server(), p.spec().weight(), Math::max);
            }
            long n = 0;
            for (int w : weights.values()) {
                n += (long) w * POINTS_PER_WEIGHT;
            }
            if (n > Integer.MAX_VALUE - 8) {
                throw new IllegalStateException("consistent hash ring of " + n + " points (weights too large)");
            }
            String[] servers = weights.keySet().toArray(new String[0]);
            // hash in the high half with its sign bit flipped, so that a signed sort orders hashes unsigned
            long[] sorted = new long[(int) n];
            int k = 0;
            CRC32 crc = new CRC32();
            byte[] prevHash = new byte[4];
            for (int s = 0; s < servers.length; s++) {
                byte[] base = baseBytes(servers[s]);
                Arrays.fill(prevHash, (byte) 0);
                int npoints = weights.get(servers[s]) * POINTS_PER_WEIGHT;
                for (int j = 0; j < npoints; j++) {
                    crc.reset();
                    crc.update(base);
                    crc.update(prevHash);
                    long h = crc.getValue();
                    sorted[k++] = ((h ^ 0x8000_0000L) << 32) | s;
                    prevHash[0] = (byte) h;
                    prevHash[1] = (byte) (h >>> 8);
                    prevHash[2] = (byte) (h >>> 16);
                    prevHash[3] = (byte) (h >>> 24);
                }
            }
            Arrays.sort(sorted);
            int[] hash = new int[sorted.length];
            int[] serverIndex = new int[sorted.length];
            int number = 0;
            for (long v : sorted) {
                int h = (int) (v >>> 32) ^ 0x8000_0000;
                if (number == 0 || hash[number - 1] != h) {
                    hash[number] = h;
                    serverIndex[number] = (int) v;
                    number++;
                }
            }
            return new Points(Arrays.copyOf(hash, number), Arrays.copyOf(serverIndex, number), servers);
        }

        /**
         * {@code HOST \0 PORT}: the server as written, split at a trailing {@code :digits}, or after the
         * {@code unix:} prefix with no port (nginx's parse in {@code ngx_http_upstream_init_chash}).
         */
        static byte[] baseBytes(String server) {
            String host = server;
            String port = "";
            if (server.length() >= 5 && server.regionMatches(true, 0, "unix:", 0, 5)) {
                host = server.substring(5);
            } else {
                for (int j = server.length() - 1; j >= 0; j--) {
                    char c = server.charAt(j);
                    if (c == ':') {
                        host = server.substring(0, j);
                        port = server.substring(j + 1);
                        break;
                    }
                    if (c < '0' || c > '9') {
                        break;
                    }
                }
            }
            byte[] h = host.getBytes(StandardCharsets.UTF_8);
            byte[] p = port.getBytes(StandardCharsets.UTF_8);
            byte[] out = new byte[h.length + 1 + p.length];
            System.arraycopy(h, 0, out, 0, h.length);
            System.arraycopy(p, 0, out, h.length + 1, p.length);
            return out;
        }

        /** nginx's {@code points->number}. */
        int number() {
            return hash.length;
        }

        /** The unsigned hash of point {@code i}. */
        long hash(int i) {
            return hash[i] & 0xffff_ffffL;
        }

        String server(int i) {
            return servers[serverIndex[i]];
        }

        /**
         * nginx's {@code ngx_http_upstream_find_chash_point}: the first point whose hash is at least
         * {@code h}, or {@link #number()} when every point is below it (the walk then wraps to 0).
         */
        int find(long h) {
            int i = 0;
            int j = hash.length;
            while (i < j) {
                int k = (i + j) >>> 1;
                long v = hash(k);
                if (h > v) {
                    i = k + 1;
                } else if (h < v) {
                    j = k;
                } else {
                    return k;
                }
            }
            return i;
        }
    }
}

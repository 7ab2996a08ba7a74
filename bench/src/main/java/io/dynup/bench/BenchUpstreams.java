package io.dynup.bench;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import io.dynup.balancer.Balancer;
import io.dynup.internal.Ticker;
import io.dynup.model.HostResolver;
import io.dynup.model.PeerSpec;
import io.dynup.model.UpstreamKind;
import io.dynup.model.UpstreamSpec;
import io.dynup.upstream.Peer;
import io.dynup.upstream.Upstream;
import io.dynup.upstream.UpstreamRegistry;
import io.dynup.upstream.UpstreamService;

/**
 * Builds the upstream every benchmark measures: HTTP upstream "u" in a registry, literal addresses only (no
 * DNS anywhere), weights cycling 1..5 so smooth weighted round robin has real work on every pick.
 */
final class BenchUpstreams {

    static final String UPSTREAM = "u";
    static final int FIRST_PORT = 20000;

    private BenchUpstreams() {
    }

    /** {@code n} peers 127.0.0.1:20000.. with weights 1, 2, 3, 4, 5, 1, 2, ... */
    static List<PeerSpec> peers(int n) {
        if (n < 1 || FIRST_PORT + n > 65536) {
            throw new IllegalArgumentException("peers: " + n + " (expected: 1.." + (65536 - FIRST_PORT) + ")");
        }
        List<PeerSpec> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(peer(i).withWeight(1 + i % 5));
        }
        return out;
    }

    /** The {@code i}-th peer with nginx's defaults; its server and name are both {@code 127.0.0.1:port}. */
    static PeerSpec peer(int i) {
        String name = name(i);
        return PeerSpec.of(name, name, new InetSocketAddress("127.0.0.1", FIRST_PORT + i));
    }

    static String name(int i) {
        return "127.0.0.1:" + (FIRST_PORT + i);
    }

    static UpstreamRegistry registry(int n) {
        return new UpstreamRegistry(List.of(UpstreamSpec.of(UPSTREAM, UpstreamKind.HTTP, peers(n))));
    }

    static Upstream upstream(UpstreamRegistry registry) {
        Upstream u = registry.find(UpstreamKind.HTTP, UPSTREAM);
        if (u == null) {
            throw new IllegalStateException("upstream " + UPSTREAM + " missing from " + registry);
        }
        return u;
    }

    /** The service as the server builds it, but resolving on the calling thread (only literals here). */
    static UpstreamService service(UpstreamRegistry registry) {
        return new UpstreamService(registry, HostResolver.system(), Runnable::run);
    }

    static Balancer balancer(Upstream upstream) {
        return Balancer.create(upstream, Ticker.system());
    }

    /**
     * Fails the trial if a benchmark leaked a connection count: every pick was released, so once the threads
     * have stopped every peer must be back at zero.
     */
    static void checkDrained(Upstream upstream) {
        long leaked = 0;
        for (Peer p : upstream.snapshot().all()) {
            leaked += p.state().conns();
        }
        if (leaked != 0) {
            throw new IllegalStateException("conns: " + leaked + " (expected: 0 after the trial: a pick was not"
                                            + " released)");
        }
    }
}

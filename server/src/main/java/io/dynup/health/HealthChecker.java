package io.dynup.health;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dynup.http.Transport;
import io.dynup.model.HealthCheck;
import io.dynup.model.UpstreamKind;
import io.dynup.upstream.Peer;
import io.dynup.upstream.PeerState;
import io.dynup.upstream.Upstream;
import io.dynup.upstream.UpstreamRegistry;
import io.dynup.upstream.UpstreamService;
import io.netty.channel.EventLoopGroup;

/**
 * Keeps one {@link Probe} per probed peer of every upstream with a {@code check} (as tuned at run time: off,
 * disabled and excluded peers are not probed), following the configuration: peers
 * added at run time are probed at once, removed ones stop being probed, and a reload keeps the probes (and the
 * health) of the peers it keeps, since those keep their {@link PeerState}. Probes are spread over the event loops
 * and start with a jitter, so a large upstream does not probe all its peers in the same millisecond.
 */
public final class HealthChecker implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(HealthChecker.class);

    /** A new peer is probed within this, so that a {@code checking} one is selectable soon. */
    private static final long MAX_START_JITTER_MILLIS = 1000;

    private final EventLoopGroup loops;
    private final Transport transport;
    /** Guarded by {@code this}: the probes of each checked upstream ("kind name"), by peer state. */
    private final Map<String, Map<PeerState, Probe>> probes = new HashMap<>();
    /** Guarded by {@code this}. */
    private @Nullable UpstreamRegistry registry;
    private boolean closed;

    public HealthChecker(EventLoopGroup loops, Transport transport) {
        this.loops = loops;
        this.transport = transport;
    }

    /**
     * Probes the upstreams of {@code service} from now on (at start and after every reload). Probes of peers that
     * are no longer configured stop.
     */
    public synchronized void follow(UpstreamService service) {
        UpstreamRegistry next = service.registry();
        registry = next;
        // changes made through a service of an older configuration land on the live upstream and arrive here too
        service.addListener((u, before, after) -> changed(u));
        Map<String, Map<PeerState, Probe>> old = new HashMap<>(probes);
        probes.clear();
        for (UpstreamKind kind : UpstreamKind.values()) {
            for (Upstream u : next.upstreams(kind)) {
                Map<PeerState, Probe> kept = old.remove(key(u));
                probes.put(key(u), kept == null ? new IdentityHashMap<>() : kept);
                sync(u);
            }
        }
        for (Map<PeerState, Probe> gone : old.values()) {
            gone.values().forEach(Probe::stop);
        }
    }

    private synchronized void changed(Upstream u) {
        if (!closed && registry != null && registry.find(u.kind(), u.name()) == u) {
            sync(u);
        }
    }

    /** Makes the probes of {@code u} match its current peers. Caller holds {@code this}. */
    private void sync(Upstream u) {
        Map<PeerState, Probe> current = probes.get(key(u));
        HealthCheck check = u.snapshot().check();
        Map<PeerState, Probe> next = new IdentityHashMap<>();
        if (check != null && !closed) {
            for (Peer peer : u.snapshot().all()) {
                if (!check.probes(peer.spec())) {
                    continue;
                }
                Probe p = current.remove(peer.state());
                if (p == null) {
                    p = new Probe(peer.state(), loops.next(), transport);
                    p.target(u.name(), peer.spec(), check);
                    long jitter = Math.min(check.interval().toMillis(), MAX_START_JITTER_MILLIS);
                    p.start(ThreadLocalRandom.current().nextLong(jitter + 1));
                } else {
                    p.target(u.name(), peer.spec(), check);
                }
                next.put(peer.state(), p);
            }
        }
        current.values().forEach(Probe::stop);
        probes.put(key(u), next);
        if (check != null) {
            logger.debug("{}: {} peer(s) checked", u, next.size());
        }
    }

    private static String key(Upstream u) {
        return u.kind().configName() + ' ' + u.name();
    }

    /** Probes running now, for tests and the status of the checker. */
    public synchronized int probeCount() {
        int n = 0;
        for (Map<PeerState, Probe> m : probes.values()) {
            n += m.size();
        }
        return n;
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (Map<PeerState, Probe> m : probes.values()) {
            m.values().forEach(Probe::stop);
        }
        probes.clear();
    }

    @Override
    public synchronized String toString() {
        return "HealthChecker{" + probes.size() + " upstreams, " + probeCount() + " probes}";
    }
}

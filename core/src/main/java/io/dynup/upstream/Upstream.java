package io.dynup.upstream;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;

import io.dynup.model.Balancing;
import io.dynup.model.PeerSpec;
import io.dynup.model.UpstreamKind;
import io.dynup.model.UpstreamSpec;

/**
 * A live upstream: its configured settings and the current {@link UpstreamSnapshot} of its peers.
 * Changes go through {@link UpstreamService}, which builds a new snapshot under this upstream's write lock
 * and publishes it with one volatile write; readers never lock.
 */
public final class Upstream {

    private final UpstreamSpec config;
    /** Writers only; held for the time it takes to build one snapshot, never while notifying. */
    final ReentrantLock writeLock = new ReentrantLock();
    private volatile UpstreamSnapshot snapshot;
    /**
     * The next peer id: ids count from 0 in config order, as NGINX Plus numbers servers, and are never reused.
     * Guarded by {@link #writeLock} (and the constructor).
     */
    private long nextPeerId;

    Upstream(UpstreamSpec config) {
        this.config = config;
        List<Peer> primary = new ArrayList<>();
        List<Peer> backup = new ArrayList<>();
        for (PeerSpec spec : config.peers()) {
            (spec.backup() ? backup : primary).add(newPeer(spec));
        }
        this.snapshot = new UpstreamSnapshot(1, primary, backup);
    }

    /** An upstream outside any registry, for embedding and benchmarks; change it through a service. */
    public static Upstream of(UpstreamSpec spec) {
        return new Upstream(spec);
    }

    public String name() {
        return config.name();
    }

    public UpstreamKind kind() {
        return config.kind();
    }

    public @Nullable String zone() {
        return config.zone();
    }

    public Balancing balancing() {
        return config.balancing();
    }

    /** The upstream as the configuration declared it (peers as loaded, before any run-time change). */
    public UpstreamSpec config() {
        return config;
    }

    /** The current peers; one volatile read. */
    public UpstreamSnapshot snapshot() {
        return snapshot;
    }

    /** The upstream as it is now: the configured settings with the current peers. */
    public UpstreamSpec currentSpec() {
        return config.withPeers(snapshot.specs());
    }

    /** Caller holds {@link #writeLock}. */
    Peer newPeer(PeerSpec spec) {
        return new Peer(nextPeerId++, spec, new PeerState(spec.weight()));
    }

    /** The id the next new peer gets. Caller holds {@link #writeLock}. */
    long nextPeerId() {
        return nextPeerId;
    }

    /** Takes back the ids of peers an edit made but did not publish. Caller holds {@link #writeLock}. */
    void rewindPeerIds(long next) {
        nextPeerId = next;
    }

    /** Caller holds {@link #writeLock}; returns the published snapshot. */
    UpstreamSnapshot publish(List<Peer> primary, List<Peer> backup) {
        UpstreamSnapshot next = new UpstreamSnapshot(snapshot.generation() + 1, primary, backup);
        snapshot = next;
        return next;
    }

    @Override
    public String toString() {
        return config.kind().configName() + " upstream " + config.name() + " (" + snapshot + ')';
    }
}

package io.dynup.upstream;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dynup.model.Balancing;
import io.dynup.model.HealthCheck;
import io.dynup.model.Overlay;
import io.dynup.model.PeerSpec;
import io.dynup.model.UpstreamKind;
import io.dynup.model.UpstreamSpec;

/**
 * A live upstream: its configured settings and the current {@link UpstreamSnapshot} of its peers.
 * Changes go through {@link UpstreamService}, which builds a new snapshot under this upstream's write lock
 * and publishes it with one volatile write; readers never lock.
 */
public final class Upstream {

    private static final Logger logger = LoggerFactory.getLogger(Upstream.class);

    private final UpstreamSpec config;
    /** Writers only; held for the time it takes to build one snapshot, never while notifying. */
    final ReentrantLock writeLock = new ReentrantLock();
    private volatile UpstreamSnapshot snapshot;
    /**
     * The next peer id: ids count from 0 in config order, as NGINX Plus numbers servers, and are never reused.
     * Guarded by {@link #writeLock} (and the constructor).
     */
    private long nextPeerId;
    /** Guarded by {@link #writeLock}; set once, when the upstream starts. */
    private ChangeJournal journal = ChangeJournal.NONE;
    /** Guarded by {@link #writeLock}: set when a reload replaced or removed this upstream. */
    private boolean retired;
    /** Guarded by {@link #writeLock}: the upstream that replaced this one, null if it was removed. */
    private @Nullable Upstream successor;
    /**
     * Idle keep-alive connections the data plane holds for this upstream (its per-event-loop pools live outside
     * core); an adder, so that event loops counting on every reuse do not contend on one cache line.
     */
    private final LongAdder idleConnections = new LongAdder();

    Upstream(UpstreamSpec config) {
        this.config = config;
        // the snapshot's check decides the initial health of the peers made below
        this.snapshot = new UpstreamSnapshot(1, List.of(), List.of(), config.check());
        List<Peer> primary = new ArrayList<>();
        List<Peer> backup = new ArrayList<>();
        for (PeerSpec spec : config.peers()) {
            (spec.backup() ? backup : primary).add(newPeer(spec));
        }
        this.snapshot = new UpstreamSnapshot(1, primary, backup, config.check());
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

    /** The data plane took ({@code -1}) or put back ({@code +1}) an idle keep-alive connection. */
    public void countIdleConnection(int delta) {
        idleConnections.add(delta);
    }

    /** Idle keep-alive connections cached for this upstream now, over all event loops (Plus's {@code keepalive}). */
    public long idleConnections() {
        return idleConnections.sum();
    }

    /** The upstream as it is now: the configured settings with the current peers. */
    public UpstreamSpec currentSpec() {
        return config.withPeers(snapshot.specs());
    }

    /**
     * Locks the upstream that stands for this one now: itself, or, when a reload replaced it, its successor
     * (so a change that raced a reload lands once, on the new upstream). Null when a reload removed it.
     */
    @Nullable Upstream lockLive() {
        Upstream u = this;
        while (true) {
            u.writeLock.lock();
            if (!u.retired) {
                return u;
            }
            Upstream next = u.successor;
            u.writeLock.unlock();
            if (next == null) {
                return null;
            }
            u = next;
        }
    }

    /** Caller holds {@link #writeLock}. */
    ChangeJournal journal() {
        return journal;
    }

    /**
     * Builds the first snapshot: {@code overlay} replayed on the config, with {@code storedCheck} (a check tuned
     * before a restart, null for none) in place of the configured one. {@code predecessor} is the upstream
     * this one replaces on reload (its lock held by the caller): its peers' ids and counters carry over, and so
     * does its check. Caller holds {@link #writeLock}.
     */
    void prepare(Overlay overlay, @Nullable HealthCheck storedCheck, @Nullable Upstream predecessor) {
        Overlay.Applied applied = overlay.applyTo(config.peers());
        for (Overlay.Entry e : applied.overruled()) {
            logger.info("{} upstream \"{}\": the config line of peer {} changed since it was changed at run time; "
                        + "the config wins", kind().configName(), name(), e.key());
        }
        List<Peer> carried = List.of();
        long generation = 1;
        nextPeerId = 0;
        HealthCheck check = storedCheck != null ? storedCheck : config.check();
        if (predecessor != null) {
            carried = predecessor.snapshot.all();
            nextPeerId = predecessor.nextPeerId;
            generation = predecessor.snapshot.generation() + 1;
            // a check tuned at run time stays tuned unless the reload edited the check directives themselves
            if (Objects.equals(check, predecessor.config.check())) {
                check = predecessor.snapshot.check();
            }
        }
        // the snapshot's check decides the initial health of the peers made below
        snapshot = new UpstreamSnapshot(generation, List.of(), List.of(), check);
        List<Peer> peers = peersFor(applied.peers(), carried);
        if (check == null) {
            // checks removed by this reload: their verdicts would otherwise hold forever
            for (Peer p : peers) {
                p.state().resetHealth();
            }
        }
        snapshot = new UpstreamSnapshot(generation, tier(peers, false), tier(peers, true), check);
        applyCheck(snapshot, predecessor == null ? null : predecessor.snapshot.check());
    }

    /**
     * Puts the prepared upstream in service: its changes go to {@code journal} (rewritten now against this
     * config) and {@code predecessor}, if any, is retired, forwarding later changes here. Caller holds both locks.
     */
    void commit(ChangeJournal journal, @Nullable Upstream predecessor) {
        this.journal = journal;
        try {
            journal.compact(config, snapshot.specs(), snapshot.check());
        } catch (IOException e) {
            logger.error("{} upstream \"{}\": {}", kind().configName(), name(), e.getMessage());
        }
        if (predecessor != null) {
            predecessor.retire(this);
        }
    }

    /** Caller holds {@link #writeLock}; {@code successor} null when a reload removed this upstream. */
    void retire(@Nullable Upstream successor) {
        this.retired = true;
        this.successor = successor;
    }

    /**
     * Peers for {@code specs}: a spec whose peer (server and address) is in {@code current} keeps that peer's id
     * and counters, the others are new. Caller holds {@link #writeLock}.
     */
    List<Peer> peersFor(List<PeerSpec> specs, List<Peer> current) {
        Map<Overlay.Key, Peer> existing = new HashMap<>();
        for (Peer p : current) {
            existing.putIfAbsent(Overlay.Key.of(p.spec()), p);
        }
        List<Peer> out = new ArrayList<>(specs.size());
        for (PeerSpec spec : specs) {
            Peer p = existing.remove(Overlay.Key.of(spec));
            out.add(p != null ? new Peer(p.id(), spec, p.state()) : newPeer(spec));
        }
        return out;
    }

    static List<Peer> tier(List<Peer> peers, boolean backup) {
        List<Peer> out = new ArrayList<>();
        for (Peer p : peers) {
            if (p.backup() == backup) {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * A new peer waits in {@code checking} until its first check passes when the upstream checks its peers
     * (unless {@code initial=up}). Caller holds {@link #writeLock}.
     */
    Peer newPeer(PeerSpec spec) {
        return new Peer(nextPeerId++, spec, new PeerState(spec.weight(), initialHealth(snapshot.check(), spec)));
    }

    /** Where a peer's health starts under {@code check}: checking until its first pass, unless not probed. */
    private static HealthStatus initialHealth(@Nullable HealthCheck check, PeerSpec spec) {
        if (check == null) {
            return HealthStatus.HEALTHY;
        }
        if (check.disables(spec)) {
            return HealthStatus.DISABLED;
        }
        return check.initialUp() || !check.probes(spec) ? HealthStatus.HEALTHY : HealthStatus.CHECKING;
    }

    /**
     * Brings the health of the peers of {@code next} in line with its check where the check's change decides it:
     * disabled peers are held out, peers no longer disabled start over, and peers no longer probed (checks off,
     * host excluded) are healthy. Verdicts of checks that still run are kept. Caller holds {@link #writeLock}.
     */
    private static void applyCheck(UpstreamSnapshot next, @Nullable HealthCheck before) {
        HealthCheck check = next.check();
        if (check == null) {
            return;
        }
        for (Peer p : next.all()) {
            PeerState st = p.state();
            HealthStatus initial = initialHealth(check, p.spec());
            if (initial == HealthStatus.DISABLED || st.health() == HealthStatus.DISABLED) {
                if (st.health() != initial) {
                    st.startHealth(initial);
                }
            } else if (!check.probes(p.spec()) && st.health() != HealthStatus.HEALTHY) {
                st.resetHealth();
            } else if (before != null && !before.probes(p.spec()) && check.probes(p.spec())
                       && !check.initialUp()) {
                // probing starts again (checks back on, host no longer excluded): the peer proves itself first
                st.startHealth(HealthStatus.CHECKING);
            }
        }
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
    UpstreamSnapshot publish(List<Peer> primary, List<Peer> backup, @Nullable HealthCheck check) {
        UpstreamSnapshot before = snapshot;
        UpstreamSnapshot next = new UpstreamSnapshot(before.generation() + 1, primary, backup, check);
        if (check != before.check()) {
            applyCheck(next, before.check());
        }
        snapshot = next;
        return next;
    }

    @Override
    public String toString() {
        return config.kind().configName() + " upstream " + config.name() + " (" + snapshot + ')';
    }
}

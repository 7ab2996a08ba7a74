package io.dynup.upstream;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import io.dynup.model.Overlay;
import io.dynup.model.UpstreamKind;
import io.dynup.model.UpstreamSpec;

/**
 * The live upstreams of one loaded configuration, in config order, one namespace per
 * {@link UpstreamKind}. An instance owned by the server, never a global.
 */
public final class UpstreamRegistry {

    private final Map<UpstreamKind, Map<String, Upstream>> byKind = new EnumMap<>(UpstreamKind.class);

    /** Until {@link #takeOver()}; dropped then, so registries do not chain across reloads. */
    private @Nullable UpstreamRegistry previous;
    /** The upstreams this registry made (not reused from {@link #previous}) with their journals. */
    private final Map<Upstream, ChangeJournal> fresh = new LinkedHashMap<>();

    /** The upstreams of {@code specs}, as configured, in service. */
    public UpstreamRegistry(List<UpstreamSpec> specs) {
        this(specs, null, ChangeJournal.Store.NONE);
        takeOver();
    }

    /** A reload without state files, in service (see the three-argument constructor and {@link #takeOver()}). */
    public UpstreamRegistry(List<UpstreamSpec> specs, @Nullable UpstreamRegistry previous) {
        this(specs, previous, ChangeJournal.Store.NONE);
        takeOver();
    }

    /**
     * The upstreams of a (re)loaded configuration, not yet in service: an upstream whose block is unchanged
     * since {@code previous} is the same live object, with its run-time changes and peer state; the others are
     * built from the configuration and take their run-time state in {@link #takeOver()}. State files are opened
     * (read) here, so a path that cannot be used fails the load before anything changes.
     */
    public UpstreamRegistry(List<UpstreamSpec> specs, @Nullable UpstreamRegistry previous,
                            ChangeJournal.Store journals) {
        this.previous = previous;
        for (UpstreamKind kind : UpstreamKind.values()) {
            byKind.put(kind, new LinkedHashMap<>());
        }
        for (UpstreamSpec spec : specs) {
            Map<String, Upstream> ns = byKind.get(spec.kind());
            if (ns.containsKey(spec.name())) {
                throw new IllegalArgumentException("duplicate upstream \"" + spec.name() + "\"");
            }
            Upstream old = previous == null ? null : previous.byKind.get(spec.kind()).get(spec.name());
            if (old != null && old.config().sameConfig(spec)) {
                ns.put(spec.name(), old);
            } else {
                Upstream u = new Upstream(spec);
                fresh.put(u, journals.open(spec));
                ns.put(spec.name(), u);
            }
        }
        byKind.replaceAll((k, v) -> Collections.unmodifiableMap(v));
    }

    /** {@link #takeOver(Runnable)} with nothing to switch: startup, tests. */
    public void takeOver() {
        takeOver(() -> { });
    }

    /**
     * Puts this registry's new and edited upstreams in service; the commit point of a reload. An edited
     * upstream takes over from the one it replaces under that one's write lock: every change acknowledged
     * there is replayed on the new config (docs/STATE.md), and later changes sent to the old object are
     * forwarded to the new one. A new upstream replays its state file. Upstreams gone from the config refuse
     * further changes.
     *
     * <p>{@code switchTraffic} runs once the new upstreams hold their run-time state and before the old ones
     * are retired, with the changes of both held back; if it throws, the old upstreams stay in service.
     */
    public void takeOver(Runnable switchTraffic) {
        Map<Upstream, @Nullable Upstream> replaced = new LinkedHashMap<>();
        List<Upstream> removed = new ArrayList<>();
        List<Upstream> locked = new ArrayList<>();
        try {
            for (Upstream u : fresh.keySet()) {
                Upstream old = previous == null ? null : previous.byKind.get(u.kind()).get(u.name());
                Upstream live = old == null ? null : old.lockLive();
                if (live != null) {
                    locked.add(live);
                }
                u.writeLock.lock();
                locked.add(u);
                Overlay overlay = live == null ? fresh.get(u).stored()
                        : Overlay.of(live.config().peers(), live.snapshot().specs());
                u.prepare(overlay, live == null ? fresh.get(u).storedCheck(u.config()) : null, live);
                replaced.put(u, live);
            }
            if (previous != null) {
                for (UpstreamKind kind : UpstreamKind.values()) {
                    for (Upstream old : previous.byKind.get(kind).values()) {
                        Upstream live = byKind.get(kind).get(old.name()) == null ? old.lockLive() : null;
                        if (live != null) {
                            locked.add(live);
                            removed.add(live);
                        }
                    }
                }
            }
            switchTraffic.run();
            for (Map.Entry<Upstream, @Nullable Upstream> e : replaced.entrySet()) {
                e.getKey().commit(fresh.get(e.getKey()), e.getValue());
            }
            for (Upstream gone : removed) {
                gone.retire(null);
            }
            fresh.clear();
            previous = null;
        } finally {
            for (int i = locked.size() - 1; i >= 0; i--) {
                locked.get(i).writeLock.unlock();
            }
        }
    }

    /** The upstream called {@code name}, else the one whose {@code zone} is {@code name} (the seed's lookup). */
    public @Nullable Upstream find(UpstreamKind kind, String name) {
        Map<String, Upstream> ns = byKind.get(kind);
        Upstream u = ns.get(name);
        if (u != null) {
            return u;
        }
        for (Upstream candidate : ns.values()) {
            if (name.equals(candidate.zone())) {
                return candidate;
            }
        }
        return null;
    }

    /** Upstreams of one namespace in config order. */
    public List<Upstream> upstreams(UpstreamKind kind) {
        return new ArrayList<>(byKind.get(kind).values());
    }

    public boolean isEmpty(UpstreamKind kind) {
        return byKind.get(kind).isEmpty();
    }

    @Override
    public String toString() {
        return "UpstreamRegistry{http=" + byKind.get(UpstreamKind.HTTP).size() + ", stream="
               + byKind.get(UpstreamKind.STREAM).size() + '}';
    }
}

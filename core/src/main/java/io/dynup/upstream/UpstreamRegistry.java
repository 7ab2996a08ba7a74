package io.dynup.upstream;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import io.dynup.model.UpstreamKind;
import io.dynup.model.UpstreamSpec;

/**
 * The live upstreams of one loaded configuration, in config order, one namespace per
 * {@link UpstreamKind}. An instance owned by the server, never a global.
 */
public final class UpstreamRegistry {

    private final Map<UpstreamKind, Map<String, Upstream>> byKind = new EnumMap<>(UpstreamKind.class);

    public UpstreamRegistry(List<UpstreamSpec> specs) {
        this(specs, null);
    }

    /**
     * The upstreams of a reloaded configuration: an upstream whose block is unchanged since {@code previous}
     * is the same live object, with its run-time changes and peer state; a new or edited block starts from the
     * configuration (the config edit is the newer intent).
     */
    public UpstreamRegistry(List<UpstreamSpec> specs, @Nullable UpstreamRegistry previous) {
        for (UpstreamKind kind : UpstreamKind.values()) {
            byKind.put(kind, new LinkedHashMap<>());
        }
        for (UpstreamSpec spec : specs) {
            Map<String, Upstream> ns = byKind.get(spec.kind());
            if (ns.containsKey(spec.name())) {
                throw new IllegalArgumentException("duplicate upstream \"" + spec.name() + "\"");
            }
            Upstream old = previous == null ? null : previous.byKind.get(spec.kind()).get(spec.name());
            ns.put(spec.name(), old != null && old.config().sameConfig(spec) ? old : new Upstream(spec));
        }
        byKind.replaceAll((k, v) -> Collections.unmodifiableMap(v));
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

package io.dynup.balancer;

import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import io.dynup.upstream.UpstreamSnapshot;

/**
 * A structure derived from an upstream's peers (the consistent hash ring, the cumulative weight ranges),
 * built once per published snapshot. nginx builds these once at configuration time; dynup's peers change at
 * run time, so the structure is rebuilt when the snapshot changes, at most once per change and never on
 * every pick.
 *
 * <p>Reads are one volatile read and an identity check. A build happens under this cache's own monitor,
 * never needed by picks of an unchanged upstream; balancers warm the cache when an attempt starts, outside
 * the balancer lock, so builds rarely happen under it. An attempt still on an older snapshot than the cached
 * one (it raced with a change) gets a structure built for it without replacing the newer one.
 */
final class SnapshotCache<T> {

    private record Entry<T>(UpstreamSnapshot snapshot, T value) {
    }

    private final Function<UpstreamSnapshot, T> builder;
    private volatile @Nullable Entry<T> entry;

    SnapshotCache(Function<UpstreamSnapshot, T> builder) {
        this.builder = builder;
    }

    T get(UpstreamSnapshot snapshot) {
        Entry<T> e = entry;
        if (e != null && e.snapshot == snapshot) {
            return e.value;
        }
        synchronized (this) {
            e = entry;
            if (e != null && e.snapshot == snapshot) {
                return e.value;
            }
            T value = builder.apply(snapshot);
            if (e == null || snapshot.generation() > e.snapshot.generation()) {
                entry = new Entry<>(snapshot, value);
            }
            return value;
        }
    }
}

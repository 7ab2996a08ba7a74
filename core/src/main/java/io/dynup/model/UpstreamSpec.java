package io.dynup.model;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import io.dynup.config.SourcePos;

/**
 * An upstream block as configured: its name, namespace, balancing method, connection-reuse settings and
 * peers (primaries and backups in config order).
 *
 * @param zone              the {@code zone} name (its size is accepted and ignored: every upstream is shared
 *                          and changeable in dynup), or null
 * @param keepalive         idle upstream connections kept per worker; 0 = none
 * @param dnsUpdate         how often host names of peers are resolved again, or null for never
 * @param pos               where the block starts in the config, or null for upstreams made in code
 * @param state             the {@code state} file (absolute) keeping its run-time changes, or null (docs/STATE.md)
 * @param check             the active health check of its peers, or null for none
 */
public record UpstreamSpec(String name, UpstreamKind kind, @Nullable String zone, Balancing balancing,
                           int keepalive, Duration keepaliveTimeout, int keepaliveRequests,
                           @Nullable Duration dnsUpdate, List<PeerSpec> peers, @Nullable SourcePos pos,
                           @Nullable String state, @Nullable HealthCheck check) {

    public static final Duration DEFAULT_KEEPALIVE_TIMEOUT = Duration.ofSeconds(60);
    public static final int DEFAULT_KEEPALIVE_REQUESTS = 1000;

    public UpstreamSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(balancing, "balancing");
        Objects.requireNonNull(keepaliveTimeout, "keepaliveTimeout");
        peers = List.copyOf(peers);
        if (!balancing.method().supportsBackup()) {
            for (PeerSpec p : peers) {
                if (p.backup()) {
                    throw new IllegalArgumentException("backup: " + p.server() + " (expected: no backup peers with "
                                                       + balancing + ")");
                }
            }
        }
    }

    /** An upstream without health checks. */
    public UpstreamSpec(String name, UpstreamKind kind, @Nullable String zone, Balancing balancing, int keepalive,
                        Duration keepaliveTimeout, int keepaliveRequests, @Nullable Duration dnsUpdate,
                        List<PeerSpec> peers, @Nullable SourcePos pos, @Nullable String state) {
        this(name, kind, zone, balancing, keepalive, keepaliveTimeout, keepaliveRequests, dnsUpdate, peers, pos,
             state, null);
    }

    /** An upstream without a state file. */
    public UpstreamSpec(String name, UpstreamKind kind, @Nullable String zone, Balancing balancing, int keepalive,
                        Duration keepaliveTimeout, int keepaliveRequests, @Nullable Duration dnsUpdate,
                        List<PeerSpec> peers, @Nullable SourcePos pos) {
        this(name, kind, zone, balancing, keepalive, keepaliveTimeout, keepaliveRequests, dnsUpdate, peers, pos,
             null, null);
    }

    /** A round-robin upstream with default settings, for code that builds upstreams without a config. */
    public static UpstreamSpec of(String name, UpstreamKind kind, List<PeerSpec> peers) {
        return new UpstreamSpec(name, kind, null, Balancing.ROUND_ROBIN, 0, DEFAULT_KEEPALIVE_TIMEOUT,
                                DEFAULT_KEEPALIVE_REQUESTS, null, peers, null);
    }

    public UpstreamSpec withPeers(List<PeerSpec> peers) {
        return new UpstreamSpec(name, kind, zone, balancing, keepalive, keepaliveTimeout, keepaliveRequests,
                                dnsUpdate, peers, pos, state, check);
    }

    /** The same upstream with its run-time changes kept in {@code state} (an absolute path), or nowhere. */
    public UpstreamSpec withState(@Nullable String state) {
        return new UpstreamSpec(name, kind, zone, balancing, keepalive, keepaliveTimeout, keepaliveRequests,
                                dnsUpdate, peers, pos, state, check);
    }

    /** The same upstream as configured, wherever it sits in the file (reload compares with this). */
    public boolean sameConfig(UpstreamSpec o) {
        return name.equals(o.name) && kind == o.kind && java.util.Objects.equals(zone, o.zone)
               && balancing.equals(o.balancing) && keepalive == o.keepalive
               && keepaliveTimeout.equals(o.keepaliveTimeout) && keepaliveRequests == o.keepaliveRequests
               && java.util.Objects.equals(dnsUpdate, o.dnsUpdate) && peers.equals(o.peers)
               && java.util.Objects.equals(state, o.state) && java.util.Objects.equals(check, o.check);
    }

    /** The same upstream with {@code check} as its health check (null: none). */
    public UpstreamSpec withCheck(@Nullable HealthCheck check) {
        return new UpstreamSpec(name, kind, zone, balancing, keepalive, keepaliveTimeout, keepaliveRequests,
                                dnsUpdate, peers, pos, state, check);
    }

    public UpstreamSpec withBalancing(Balancing balancing) {
        return new UpstreamSpec(name, kind, zone, balancing, keepalive, keepaliveTimeout, keepaliveRequests,
                                dnsUpdate, peers, pos, state, check);
    }

    @Override
    public String toString() {
        return kind.configName() + " upstream " + name + " (" + balancing + ", " + peers.size() + " peers)";
    }
}

package io.dynup.upstream;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import io.dynup.model.HealthCheck;
import io.dynup.model.PeerSpec;

/**
 * An immutable view of an upstream's peers at one generation. Readers take one volatile read of the
 * current snapshot and work on it without locks; writers publish a new one.
 *
 * <p>The per-tier figures mirror nginx's {@code ngx_http_upstream_rr_peers_t}: {@code tries} counts the
 * peers that are not {@code down} (the number of attempts a request may make), {@code single} marks a lone
 * primary with no backups, which nginx selects without failure accounting.
 */
public final class UpstreamSnapshot {

    private final long generation;
    private final List<Peer> primary;
    private final List<Peer> backup;
    private final int primaryTries;
    private final int backupTries;
    private final @Nullable HealthCheck check;

    UpstreamSnapshot(long generation, List<Peer> primary, List<Peer> backup, @Nullable HealthCheck check) {
        this.generation = generation;
        this.check = check;
        this.primary = List.copyOf(primary);
        this.backup = List.copyOf(backup);
        this.primaryTries = countTries(this.primary);
        this.backupTries = countTries(this.backup);
    }

    /**
     * The upstream's active health check now: its {@code check} directives, as changed at run time by the
     * health-check APIs; null when its peers are not checked.
     */
    public @Nullable HealthCheck check() {
        return check;
    }

    /** Increases by one with every published change; the JSON API's ETag. */
    public long generation() {
        return generation;
    }

    /** Primary peers, newest additions first, then config order. */
    public List<Peer> primary() {
        return primary;
    }

    public List<Peer> backup() {
        return backup;
    }

    /** Primaries, then backups, as {@code get_peers} lists them. */
    public List<Peer> all() {
        List<Peer> all = new ArrayList<>(primary.size() + backup.size());
        all.addAll(primary);
        all.addAll(backup);
        return all;
    }

    public int primaryTries() {
        return primaryTries;
    }

    public int backupTries() {
        return backupTries;
    }

    /** nginx's {@code ngx_http_upstream_tries}: attempts a request may make across both tiers. */
    public int tries() {
        return primaryTries + backupTries;
    }

    /** nginx's {@code peers->single}: one primary and no backup tier. */
    public boolean single() {
        return primary.size() == 1 && backup.isEmpty();
    }

    public boolean isEmpty() {
        return primary.isEmpty() && backup.isEmpty();
    }

    /** The peer specs in list order, primaries first. */
    public List<PeerSpec> specs() {
        return specsOf(primary, backup);
    }

    /** The specs of two tiers in list order, primaries first (a snapshot's, or an edit's before it is one). */
    static List<PeerSpec> specsOf(List<Peer> primary, List<Peer> backup) {
        List<PeerSpec> specs = new ArrayList<>(primary.size() + backup.size());
        for (Peer p : primary) {
            specs.add(p.spec());
        }
        for (Peer p : backup) {
            specs.add(p.spec());
        }
        return specs;
    }

    @Override
    public String toString() {
        return "generation " + generation + ": " + primary.size() + " primary, " + backup.size() + " backup";
    }

    private static int countTries(List<Peer> peers) {
        int t = 0;
        for (Peer p : peers) {
            if (!p.spec().down()) {
                t++;
            }
        }
        return t;
    }
}

package io.dynup.upstream;

import java.io.IOException;
import java.util.List;

import org.jspecify.annotations.Nullable;

import io.dynup.model.HealthCheck;
import io.dynup.model.Overlay;
import io.dynup.model.PeerSpec;
import io.dynup.model.UpstreamSpec;

/**
 * Where an upstream's acknowledged changes become durable: the {@code state} file (io.dynup.state).
 * {@link UpstreamService} calls {@link #record} under the upstream's write lock, after a change is validated
 * and before it is published; when it throws, the change fails and nothing is published, so no caller is
 * ever told "done" about a change that a crash could lose.
 */
public interface ChangeJournal {

    /** No file: changes live in memory (and across reloads), not across restarts. */
    ChangeJournal NONE = new ChangeJournal() {
        @Override
        public Overlay stored() {
            return Overlay.EMPTY;
        }

        @Override
        public void record(UpstreamSpec config, List<PeerSpec> peers, @Nullable HealthCheck check) {
        }

        @Override
        public void compact(UpstreamSpec config, List<PeerSpec> peers, @Nullable HealthCheck check) {
        }

        @Override
        public String toString() {
            return "no state file";
        }
    };

    /** The overlay the journal holds: what its file had when opened, then what was last recorded. */
    Overlay stored();

    /**
     * The health check the journal holds for the upstream configured as {@code config}: the check tuned at run
     * time, or null when none was, or when the config's check directives changed since (the config wins).
     */
    default @Nullable HealthCheck storedCheck(UpstreamSpec config) {
        return null;
    }

    /**
     * Makes {@code peers} and {@code check} (the snapshot's) the durable state of the upstream configured as
     * {@code config}; returns once on disk.
     */
    void record(UpstreamSpec config, List<PeerSpec> peers, @Nullable HealthCheck check) throws IOException;

    /** Like {@link #record}, rewriting the whole file (on start and reload, against a possibly edited config). */
    void compact(UpstreamSpec config, List<PeerSpec> peers, @Nullable HealthCheck check) throws IOException;

    /** Opens journals; one per upstream with a {@code state} path. */
    @FunctionalInterface
    interface Store {

        /** Journals nothing: every upstream gets {@link ChangeJournal#NONE}. */
        Store NONE = spec -> ChangeJournal.NONE;

        /**
         * The journal of {@code spec}, reading its file the first time a path is opened; the same object for
         * the same path while it is open, so one file never has two writers.
         */
        ChangeJournal open(UpstreamSpec spec);
    }
}

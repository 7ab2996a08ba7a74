package io.dynup.upstream;

import java.util.Objects;

import io.dynup.model.PeerSpec;

/**
 * A peer in a snapshot: its current parameters with the runtime state that outlives parameter changes.
 *
 * @param id stable for the peer's life in its upstream and never reused (the JSON API's server id)
 */
public record Peer(long id, PeerSpec spec, PeerState state) {

    public Peer {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(state, "state");
    }

    public String name() {
        return spec.name();
    }

    public String server() {
        return spec.server();
    }

    public boolean backup() {
        return spec.backup();
    }

    /**
     * Whether the peer is in service apart from passive failures and {@code max_conns}: not set down by an
     * operator, its address resolved, and healthy by active checks (always, without checks).
     */
    public boolean inService() {
        return !spec.down() && spec.resolved() && state.health() == HealthStatus.HEALTHY;
    }

    /** The same peer (id and state) with new parameters. */
    Peer with(PeerSpec newSpec) {
        return newSpec == spec ? this : new Peer(id, newSpec, state);
    }

    @Override
    public String toString() {
        return "#" + id + ' ' + spec + ' ' + state;
    }
}

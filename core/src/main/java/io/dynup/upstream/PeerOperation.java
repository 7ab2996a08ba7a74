package io.dynup.upstream;

import java.util.Objects;

import io.dynup.model.PeerUpdate;

/**
 * One step of a batch applied atomically by {@link UpstreamService#applyBatch}: add a peer by address, or
 * update or remove one by its id (the JSON API's server id, which tells apart the peers of one host name).
 */
public sealed interface PeerOperation {

    /** Adds {@code server} first in its tier with nginx's defaults overridden by {@code params}. */
    record Add(String server, boolean backup, PeerUpdate params) implements PeerOperation {
        public Add {
            Objects.requireNonNull(server, "server");
            Objects.requireNonNull(params, "params");
        }
    }

    /** Applies {@code update} to the peer with {@code id}. */
    record Update(long id, PeerUpdate update) implements PeerOperation {
        public Update {
            Objects.requireNonNull(update, "update");
        }
    }

    /** Removes the peer with {@code id}. */
    record Remove(long id) implements PeerOperation {
    }
}

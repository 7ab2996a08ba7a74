package io.dynup.balancer;

import org.jspecify.annotations.Nullable;

import io.dynup.internal.Ticker;
import io.dynup.upstream.Peer;
import io.dynup.upstream.Upstream;

/** nginx's default method: smooth weighted round robin with the backup tier (see {@link Balancer}). */
public final class RoundRobinBalancer extends Balancer {

    RoundRobinBalancer(Upstream upstream, Ticker ticker) {
        super(upstream, ticker);
    }

    @Override
    protected @Nullable Peer get(Attempt attempt) {
        return getRoundRobin(attempt);
    }
}

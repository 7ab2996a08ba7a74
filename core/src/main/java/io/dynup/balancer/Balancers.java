package io.dynup.balancer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.dynup.internal.Ticker;
import io.dynup.upstream.Upstream;

/**
 * Exactly one balancer per upstream: a balancer's lock guards its upstream's peer state, so two balancers over
 * one upstream would race. Owned by the server, shared by every request path (proxy, stream, Lua).
 */
public final class Balancers {

    private final Map<Upstream, Balancer> byUpstream = new ConcurrentHashMap<>();
    private final Ticker ticker;

    public Balancers(Ticker ticker) {
        this.ticker = ticker;
    }

    public Balancer of(Upstream upstream) {
        return byUpstream.computeIfAbsent(upstream, u -> Balancer.create(u, ticker));
    }

    public Ticker ticker() {
        return ticker;
    }
}

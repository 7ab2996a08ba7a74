package io.dynup.http;

import io.dynup.balancer.Balancers;
import io.dynup.upstream.UpstreamRegistry;
import io.dynup.upstream.UpstreamService;

/** What handlers may use from the rest of the server: the upstreams, the one mutation service, balancers. */
public record HttpServices(UpstreamRegistry registry, UpstreamService upstreams, Balancers balancers) {
}

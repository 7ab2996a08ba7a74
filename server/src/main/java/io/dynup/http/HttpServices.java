package io.dynup.http;

import io.dynup.balancer.Balancers;
import io.dynup.http.log.LogFiles;
import io.dynup.upstream.UpstreamRegistry;
import io.dynup.upstream.UpstreamService;

/**
 * What handlers may use from the rest of the server: the upstreams, the one mutation service, balancers, and the
 * log files ({@code access_log}) the server writes and reopens.
 */
public record HttpServices(UpstreamRegistry registry, UpstreamService upstreams, Balancers balancers,
                           LogFiles logFiles) {

    /** Log files relative to the working directory, for servers that do not manage them (tests, tools). */
    public HttpServices(UpstreamRegistry registry, UpstreamService upstreams, Balancers balancers) {
        this(registry, upstreams, balancers, LogFiles.unmanaged());
    }
}

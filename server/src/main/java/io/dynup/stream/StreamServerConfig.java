package io.dynup.stream;

import java.util.List;

import org.jspecify.annotations.Nullable;

import io.dynup.balancer.Balancer;
import io.dynup.config.SourcePos;
import io.dynup.upstream.Upstream;

/**
 * One bound {@code server {}} of {@code stream}, with the {@code stream}-level values it inherits applied.
 *
 * @param hashKey the upstream's {@code hash} key, null for other methods
 * @param connectTimeoutMs {@code proxy_connect_timeout} (nginx: 60s)
 * @param timeoutMs {@code proxy_timeout}: idle time between two reads or writes before both sides close (10m)
 * @param nextUpstream {@code proxy_next_upstream}: a failed connect moves on to the next peer (on)
 * @param tries {@code proxy_next_upstream_tries}, 0 for no limit
 * @param nextTimeoutMs {@code proxy_next_upstream_timeout}, 0 for no limit
 */
record StreamServerConfig(List<ListenAddress> listens, Upstream upstream, Balancer balancer,
                          @Nullable StreamKey hashKey, long connectTimeoutMs, long timeoutMs, boolean nextUpstream,
                          int tries, long nextTimeoutMs, AccessRules access, DisconnectPolicy policy, SourcePos pos) {
}

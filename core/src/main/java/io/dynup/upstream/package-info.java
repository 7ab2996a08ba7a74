/**
 * Live upstreams: {@link io.dynup.upstream.UpstreamRegistry} of {@link io.dynup.upstream.Upstream}s, each an
 * immutable {@link io.dynup.upstream.UpstreamSnapshot} swapped on change, with per-peer
 * {@link io.dynup.upstream.PeerState} that survives updates. {@link io.dynup.upstream.UpstreamService} is the
 * one mutation API every control plane goes through.
 */
@NullMarked
package io.dynup.upstream;

import org.jspecify.annotations.NullMarked;

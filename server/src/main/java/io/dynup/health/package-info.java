/**
 * Active health checks: {@link io.dynup.health.HealthChecker} follows the upstreams of the running configuration
 * and keeps one {@link io.dynup.health.Probe} per peer of every upstream with a {@code check}, for the whole
 * process; each probe runs on one event loop, never blocks it, and records its verdicts in the peer's
 * {@link io.dynup.upstream.PeerState}, which the balancers read. Depends on the upstream core and the
 * transport only.
 */
@NullMarked
package io.dynup.health;

import org.jspecify.annotations.NullMarked;

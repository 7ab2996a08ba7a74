/**
 * nginx's balancing algorithms ported faithfully: {@link io.dynup.balancer.Balancer} (round robin core,
 * get/free pairs), created per upstream by {@link io.dynup.balancer.Balancer#create}; a request's walk over
 * peers is an {@link io.dynup.balancer.Attempt}. Pure Java, time injected through a Ticker.
 */
@NullMarked
package io.dynup.balancer;

import org.jspecify.annotations.NullMarked;

/**
 * The upstream model as records: {@link io.dynup.model.UpstreamSpec}, {@link io.dynup.model.PeerSpec} with
 * nginx's defaults and validation, {@link io.dynup.model.PeerUpdate} for run-time changes,
 * {@link io.dynup.model.ServerAddress} parsing, and {@link io.dynup.model.UpstreamConfig}, which binds the
 * parsed configuration's {@code upstream} blocks to specs.
 */
@NullMarked
package io.dynup.model;

import org.jspecify.annotations.NullMarked;

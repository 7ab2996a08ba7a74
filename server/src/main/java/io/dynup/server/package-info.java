/**
 * The composition root: {@link io.dynup.server.Main} (nginx-style command line) wires the configuration,
 * the upstream registry, the mutation service and the balancers. The only package that constructs services.
 */
@NullMarked
package io.dynup.server;

import org.jspecify.annotations.NullMarked;

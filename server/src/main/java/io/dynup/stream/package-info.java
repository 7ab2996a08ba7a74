/**
 * The TCP proxy of {@code stream {}}, nginx's stream core, proxy and access modules:
 * {@link io.dynup.stream.StreamRuntime} binds the {@code server} blocks, {@link io.dynup.stream.StreamServer}
 * listens and keeps the open relays, and {@link io.dynup.stream.Relay} copies bytes between a client and the
 * peer its upstream's balancer picked. {@link io.dynup.stream.StreamDirectives} declares the directives,
 * including the maintained module's {@code disconnect_*} upstream directives. Reads upstream snapshots through
 * the balancer and listens to changes; never changes them.
 */
@NullMarked
package io.dynup.stream;

import org.jspecify.annotations.NullMarked;

/**
 * The reverse proxy ({@code proxy_pass}): {@link io.dynup.proxy.ProxyModule} binds a location's proxy
 * directives, {@link io.dynup.proxy.ProxyRequest} runs one request against the upstream's peers with nginx's
 * retry rules, forwarding heads rewritten in place and bodies as received slices, and
 * {@link io.dynup.proxy.UpstreamPool} keeps idle upstream connections per event loop. Reads upstream snapshots
 * through the balancer only; never changes them.
 */
@NullMarked
package io.dynup.proxy;

import org.jspecify.annotations.NullMarked;

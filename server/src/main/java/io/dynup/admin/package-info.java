/**
 * HTTP admin APIs, thin adapters over {@link io.dynup.upstream.UpstreamService}:
 * {@link io.dynup.admin.DynamicUpstreamModule} is ngx_dynamic_upstream's query API ({@code dynamic_upstream;}),
 * {@link io.dynup.admin.UpstreamApiModule} the NGINX Plus-shaped JSON API ({@code upstream_api [write=on];},
 * served by {@code UpstreamApi}), and {@link io.dynup.admin.UpstreamStatusModule} an HTML status page
 * ({@code upstream_status;}).
 */
@NullMarked
package io.dynup.admin;

import org.jspecify.annotations.NullMarked;

/**
 * HTTP admin APIs, thin adapters over {@link io.dynup.upstream.UpstreamService}:
 * {@link io.dynup.admin.DynamicUpstreamModule} is ngx_dynamic_upstream's query API ({@code dynamic_upstream;}).
 */
@NullMarked
package io.dynup.admin;

import org.jspecify.annotations.NullMarked;

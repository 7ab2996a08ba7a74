/**
 * nginx's log module: {@code log_format} and {@code access_log} in {@link io.dynup.http.log.AccessLogModule},
 * lines formatted by {@link io.dynup.http.log.LogFormat} and written off the event loops by
 * {@link io.dynup.http.log.LogFiles}.
 */
@NullMarked
package io.dynup.http.log;

import org.jspecify.annotations.NullMarked;

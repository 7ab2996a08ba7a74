/**
 * Small shared utilities that are not API: {@link io.dynup.internal.Ticker} (injected time).
 */
@NullMarked
package io.dynup.internal;

import org.jspecify.annotations.NullMarked;

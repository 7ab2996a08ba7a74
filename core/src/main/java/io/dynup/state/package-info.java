/**
 * Run-time changes that survive restart and crash: {@link io.dynup.state.StateFiles} opens the {@code state}
 * file of each upstream that has one, a {@link io.dynup.state.StateFile} that records every change before it
 * is acknowledged (docs/STATE.md: format, durability, precedence).
 */
@NullMarked
package io.dynup.state;

import org.jspecify.annotations.NullMarked;

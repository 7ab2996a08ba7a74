/**
 * nginx's access module: {@code allow}/{@code deny} by client address in
 * {@link io.dynup.http.access.AccessModule}, run in the access phase.
 */
@NullMarked
package io.dynup.http.access;

import org.jspecify.annotations.NullMarked;

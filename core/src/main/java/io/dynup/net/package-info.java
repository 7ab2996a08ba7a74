/**
 * Network values shared by the data planes: {@link io.dynup.net.Cidr}, an address block as nginx's
 * {@code allow}/{@code deny} and {@code geo} write it.
 */
@NullMarked
package io.dynup.net;

import org.jspecify.annotations.NullMarked;

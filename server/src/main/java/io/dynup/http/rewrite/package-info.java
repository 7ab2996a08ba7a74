/**
 * nginx's rewrite module as far as dynup has it: {@code set $name value} in {@link
 * io.dynup.http.rewrite.RewriteModule}, run in the rewrite phase.
 */
@NullMarked
package io.dynup.http.rewrite;

import org.jspecify.annotations.NullMarked;

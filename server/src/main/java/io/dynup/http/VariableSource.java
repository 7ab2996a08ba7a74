package io.dynup.http;

import org.jspecify.annotations.Nullable;

/**
 * Variables a handler computes only when something reads them (the proxy's {@code $upstream_*}): most requests
 * are never logged or inspected, so their values are not built per request.
 */
@FunctionalInterface
public interface VariableSource {

    /** The value of {@code $name}, or null when this source does not have it (yet). */
    @Nullable String get(String name);
}

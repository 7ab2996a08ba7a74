package io.dynup.lua;

import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * What Lua needs to know of a location, fixed at load time.
 *
 * @param defaultType  {@code default_type}: the Content-Type of Lua output unless {@code ngx.header} sets one
 * @param upstream     the upstream {@code proxy_pass} names, for {@code current_upstream()}, or null
 * @param declared     variables the configuration declares with {@code set}: the ones {@code ngx.var} may write
 * @param headerFilter {@code header_filter_by_lua*} of the location, or null
 */
record LuaLocation(String defaultType, @Nullable String upstream, Set<String> declared,
                   @Nullable HeaderFilter headerFilter) {

    /** {@code header_filter_by_lua*}: runs just before a head of the location goes out. */
    record HeaderFilter(LuaRuntime runtime, LuaCode code) {

        void run(LuaHttpRequest r) {
            LuaWorker w = runtime.worker(r.exchange().eventLoop());
            if (w != null) {
                r.run(w, code.chunk(w.vm()), LuaPhase.HEADER_FILTER);
            }
        }
    }
}

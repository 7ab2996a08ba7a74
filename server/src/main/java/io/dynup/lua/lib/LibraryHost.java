package io.dynup.lua.lib;

import org.jspecify.annotations.Nullable;

import party.iroiro.luajava.JFunction;

/**
 * What a Lua VM offers the libraries it opens: the one safe way to expose a Java function to Lua, and the
 * request that is running. Implemented by the VM; used on its thread only.
 */
public interface LibraryHost {

    /**
     * {@code f} as a Lua function: no Java exception or object ever reaches Lua (a {@link LibraryError} becomes a
     * Lua error with its message, anything else a generic error logged here), and calls from coroutines the
     * script created are accounted for so they are released.
     */
    JFunction wrap(LibFunction f);

    /**
     * The upstream the running request's location proxies to ({@code proxy_pass http://NAME}), or null when no
     * request is running or it is not proxied to an upstream.
     */
    @Nullable String currentUpstream();
}

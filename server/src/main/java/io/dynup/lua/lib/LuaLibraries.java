package io.dynup.lua.lib;

import java.util.Map;

import io.dynup.upstream.UpstreamService;
import party.iroiro.luajava.Lua;

/**
 * The Lua libraries beyond the request API, as OpenResty ships them: {@code ngx.shared.DICT}, {@code cjson},
 * {@code ngx.escape_uri} and friends, {@code require "ngx.dynamic_upstream"} and {@code ".stream"}. One per
 * loaded configuration, shared by every VM (shared dictionaries live here); thread-safe.
 */
public final class LuaLibraries {

    private final UpstreamService upstreams;
    private final Map<String, Long> sharedDicts;

    /**
     * @param sharedDicts the {@code lua_shared_dict} declarations: name to size in bytes
     */
    public LuaLibraries(UpstreamService upstreams, Map<String, Long> sharedDicts) {
        this.upstreams = upstreams;
        this.sharedDicts = Map.copyOf(sharedDicts);
    }

    /** Installs the libraries into a new VM: call once, on the VM's thread, after the {@code ngx} table exists. */
    public void open(Lua lua, LibraryHost host) {
        // filled by the libraries as they land
    }
}

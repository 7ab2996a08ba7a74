package io.dynup.lua.lib;

import java.util.Map;

import io.dynup.internal.Ticker;
import io.dynup.model.UpstreamKind;
import io.dynup.upstream.UpstreamService;
import party.iroiro.luajava.Lua;
import party.iroiro.luajava.LuaException;

/**
 * The Lua libraries beyond the request API, as OpenResty ships them: {@code ngx.shared.DICT}, {@code cjson},
 * {@code ngx.escape_uri} and friends, {@code require "ngx.dynamic_upstream"} and {@code ".stream"},
 * {@code require "ngx.healthcheck"} and {@code ".stream"} (also as {@code "ngx.dynamic_upstream.healthcheck"}),
 * {@code require "resty.upstream.healthcheck"}. One per
 * loaded configuration, shared by every VM (shared dictionaries live here); thread-safe.
 */
public final class LuaLibraries {

    /** {@code require "cjson"} and {@code "cjson.safe"}, pure Lua: registers both in package.preload. */
    private static final LuaSource CJSON = LuaSource.resource("cjson.lua");

    private final DynamicUpstreamLib httpUpstreams;
    private final DynamicUpstreamLib streamUpstreams;
    private final HealthCheckLib httpChecks;
    private final HealthCheckLib streamChecks;
    private final SharedDictLib sharedDicts;
    private final RestyHealthcheckLib restyHealthcheck;

    /**
     * @param sharedDicts the {@code lua_shared_dict} declarations: name to size in bytes
     */
    public LuaLibraries(UpstreamService upstreams, Map<String, Long> sharedDicts) {
        this(upstreams, sharedDicts, Ticker.system());
    }

    /** @param ticker the clock of the shared dictionaries' expiry */
    public LuaLibraries(UpstreamService upstreams, Map<String, Long> sharedDicts, Ticker ticker) {
        this.httpUpstreams = new DynamicUpstreamLib(upstreams, UpstreamKind.HTTP);
        this.streamUpstreams = new DynamicUpstreamLib(upstreams, UpstreamKind.STREAM);
        this.httpChecks = new HealthCheckLib(upstreams, UpstreamKind.HTTP);
        this.streamChecks = new HealthCheckLib(upstreams, UpstreamKind.STREAM);
        this.sharedDicts = new SharedDictLib(sharedDicts, ticker);
        this.restyHealthcheck = new RestyHealthcheckLib(upstreams);
    }

    /** Installs the libraries into a new VM: call once, on the VM's thread, after the {@code ngx} table exists. */
    public void open(Lua lua, LibraryHost host) {
        int top = lua.getTop();
        lua.getGlobal("ngx");
        boolean hasNgx = lua.isTable(-1);
        lua.pop(1);
        if (!hasNgx) {
            // the raw sets below would abort the process on a non-table
            throw new IllegalStateException("the Lua libraries need the ngx table: open them after the ngx API");
        }
        httpUpstreams.push(lua, host);
        preload(lua, "ngx.dynamic_upstream");
        streamUpstreams.push(lua, host);
        preload(lua, "ngx.dynamic_upstream.stream");
        // ngx_dynamic_healthcheck's names, and the same tables under this module's
        httpChecks.push(lua, host);
        lua.pushValue(-1);
        preload(lua, "ngx.healthcheck");
        preload(lua, "ngx.dynamic_upstream.healthcheck");
        streamChecks.push(lua, host);
        lua.pushValue(-1);
        preload(lua, "ngx.healthcheck.stream");
        preload(lua, "ngx.dynamic_upstream.healthcheck.stream");
        sharedDicts.push(lua, host);
        setNgxField(lua, "shared");
        restyHealthcheck.push(lua, host);
        preload(lua, "resty.upstream.healthcheck");
        // cjson.null is ngx.null, so values from either compare equal
        lua.getGlobal("ngx");
        lua.push("null");
        lua.rawGet(-2);
        CJSON.call(lua, 1);
        CodecsLib.open(lua, host);
        lua.setTop(top);
    }

    /** {@code ngx[name]} = the value on top of the stack (popped); raw, past the guard on unknown fields. */
    private static void setNgxField(Lua lua, String name) {
        lua.getGlobal("ngx");
        lua.push(name);
        lua.pushValue(-3);
        lua.rawSet(-3);
        lua.pop(2);
    }

    /** {@code package.preload[name]} returns the module table on top of the stack (popped). */
    private static void preload(Lua lua, String name) {
        try {
            lua.load("local name, module = ...; package.preload[name] = function() return module end");
            lua.push(name);
            lua.pushValue(-3);
            lua.pCall(2, 0);
            lua.pop(1);
        } catch (LuaException e) {
            throw new IllegalStateException("preload " + name + ": " + e.getMessage(), e);
        }
    }
}

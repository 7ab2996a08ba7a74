package io.dynup.lua.lib;

import org.jspecify.annotations.Nullable;

import party.iroiro.luajava.JFunction;
import party.iroiro.luajava.Lua;
import party.iroiro.luajava.LuaException;
import party.iroiro.luajava.luajit.LuaJit;

/**
 * A bare LuaJIT state with the libraries opened, for tests: an {@code ngx} table holding {@code ngx.null}
 * (as the VM makes it) and a host that guards Java functions like the VM does.
 */
final class LibVm implements AutoCloseable, LibraryHost {

    private static final String HELPERS = """
            -- values as ngx.say prints them, separated by spaces
            function show(...)
                local out = {}
                for i = 1, select("#", ...) do out[i] = tostring((select(i, ...))) end
                return table.concat(out, " ")
            end
            -- a peer list, one line per peer with every key in a fixed order
            function peers(t)
                local out = {}
                for i, p in ipairs(t) do
                    local keys = {}
                    for k in pairs(p) do keys[#keys + 1] = k end
                    table.sort(keys)
                    local line = {}
                    for _, k in ipairs(keys) do line[#line + 1] = k .. "=" .. tostring(p[k]) end
                    out[i] = table.concat(line, " ")
                end
                return table.concat(out, "\\n")
            end
            """;

    final LuaJit lua = new LuaJit();
    @Nullable String currentUpstream;

    LibVm(LuaLibraries libraries) {
        lua.openLibraries();
        run("ngx = { null = newproxy(true) }\ngetmetatable(ngx.null).__tostring = function() return 'null' end\n"
            + HELPERS);
        libraries.open(lua, this);
    }

    /** Runs {@code code} as a function body and returns its one result as a string, or "error: message". */
    String eval(String code) {
        try {
            lua.load("local ok, r = pcall(function() " + code + "\nend)\n"
                     + "if ok then return tostring(r) else return 'error: ' .. tostring(r) end");
            lua.pCall(0, 1);
            String r = lua.toString(-1);
            lua.pop(1);
            return r;
        } catch (LuaException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    void run(String code) {
        try {
            lua.run(code);
        } catch (LuaException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    @Override
    public JFunction wrap(LibFunction f) {
        return l -> {
            try {
                return f.call(l);
            } catch (LibraryError e) {
                l.push(e.getMessage());
                return -1;
            }
        };
    }

    @Override
    public @Nullable String currentUpstream() {
        return currentUpstream;
    }

    @Override
    public void close() {
        lua.close();
    }

    Lua state() {
        return lua;
    }
}

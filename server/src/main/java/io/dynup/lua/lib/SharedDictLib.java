package io.dynup.lua.lib;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import io.dynup.internal.Ticker;
import party.iroiro.luajava.Lua;

/**
 * The Java half of {@code ngx.shared}: the dictionaries of one configuration, shared by every VM, addressed
 * from Lua by their position (the Lua half, {@code shdict.lua}, checks the arguments as lua-resty-core does).
 */
final class SharedDictLib {

    static final LuaSource SOURCE = LuaSource.resource("shdict.lua");

    private final List<SharedDict> dicts = new ArrayList<>();

    SharedDictLib(Map<String, Long> sizes, Ticker ticker) {
        sizes.entrySet().stream().sorted(Map.Entry.comparingByKey())
             .forEach(e -> dicts.add(new SharedDict(e.getKey(), e.getValue(), ticker)));
    }

    /** Pushes the {@code ngx.shared} table. */
    void push(Lua lua, LibraryHost host) {
        lua.createTable(dicts.size(), 0);
        for (int i = 0; i < dicts.size(); i++) {
            lua.push(dicts.get(i).name());
            lua.rawSetI(-2, i + 1);
        }
        lua.push(host.wrap(this::get));
        lua.push(host.wrap(this::store));
        lua.push(host.wrap(this::incr));
        lua.push(host.wrap(this::ttl));
        lua.push(host.wrap(this::expire));
        lua.push(host.wrap(this::keys));
        lua.push(host.wrap(l -> {
            dict(l).flushAll();
            return 0;
        }));
        lua.push(host.wrap(l -> {
            l.push(dict(l).flushExpired((int) l.toNumber(2)));
            return 1;
        }));
        lua.push(host.wrap(l -> {
            l.push(dict(l).capacity());
            return 1;
        }));
        lua.push(host.wrap(l -> {
            l.push(dict(l).freeSpace());
            return 1;
        }));
        lua.push(host.wrap(this::push));
        lua.push(host.wrap(this::pop));
        lua.push(host.wrap(l -> pushListed(l, dict(l).length(LuaBytes.latin1(l, 2)))));
        SOURCE.call(lua, 14);
    }

    private SharedDict dict(Lua lua) {
        return dicts.get((int) lua.toInteger(1) - 1);
    }

    /** (id, key, stale) → value, flags or nil, stale, value-is-hex[, error]; nothing when missing. */
    private int get(Lua lua) {
        SharedDict.Value v = dict(lua).get(LuaBytes.latin1(lua, 2), lua.toBoolean(3));
        if (v == null) {
            return 0;
        }
        if (v.isList()) {
            lua.pushNil();
            lua.pushNil();
            lua.push(false);
            lua.push(false);
            lua.push("value is a list");
            return 5;
        }
        boolean hex = pushValue(lua, v.value());
        if (v.flags() != 0) {
            lua.push(v.flags());
        } else {
            lua.pushNil();
        }
        lua.push(v.stale());
        lua.push(hex);
        return 4;
    }

    /** (id, op, key, value, exptime, flags) → ok, err, forcible. */
    private int store(Lua lua) {
        Object value = switch (lua.type(4)) {
            case STRING -> LuaBytes.bytes(lua, 4);
            case NUMBER -> lua.toNumber(4);
            case BOOLEAN -> lua.toBoolean(4);
            default -> null;
        };
        SharedDict.Stored r = dict(lua).store((int) lua.toInteger(2), LuaBytes.latin1(lua, 3), value,
                                              lua.toNumber(5), (int) lua.toNumber(6));
        lua.push(r.ok());
        pushError(lua, r.error());
        lua.push(r.forcible());
        return 3;
    }

    /** (id, key, delta, init or nil, init_ttl) → value or nil, err, forcible. */
    private int incr(Lua lua) {
        Double init = lua.isNil(4) ? null : lua.toNumber(4);
        String key = LuaBytes.latin1(lua, 2);
        SharedDict.Incremented r = dict(lua).incr(key, lua.toNumber(3), init, lua.toNumber(5));
        if (r.error() != null) {
            lua.pushNil();
        } else {
            lua.push(r.value());
        }
        pushError(lua, r.error());
        lua.push(r.forcible());
        return 3;
    }

    private int ttl(Lua lua) {
        Double ttl = dict(lua).ttl(LuaBytes.latin1(lua, 2));
        if (ttl == null) {
            return 0;
        }
        lua.push(ttl);
        return 1;
    }

    private int expire(Lua lua) {
        lua.push(dict(lua).expire(LuaBytes.latin1(lua, 2), lua.toNumber(3)));
        return 1;
    }

    /** (id, max) → keys, positions of the keys sent in hex. */
    private int keys(Lua lua) {
        List<String> keys = dict(lua).keys((int) lua.toNumber(2));
        lua.createTable(keys.size(), 0);
        List<Integer> hex = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            if (LuaBytes.pushLatin1(lua, keys.get(i))) {
                hex.add(i + 1);
            }
            lua.rawSetI(-2, i + 1);
        }
        lua.createTable(hex.size(), 0);
        for (int i = 0; i < hex.size(); i++) {
            lua.push(hex.get(i));
            lua.rawSetI(-2, i + 1);
        }
        return 2;
    }

    /** (id, key, value, head) → the new length, or nil and the error. */
    private int push(Lua lua) {
        Object value = lua.type(3) == Lua.LuaType.NUMBER ? (Object) lua.toNumber(3) : LuaBytes.bytes(lua, 3);
        return pushListed(lua, dict(lua).push(LuaBytes.latin1(lua, 2), value, lua.toBoolean(4)));
    }

    /** (id, key, head) → the value (or nil), the error, value-is-hex. */
    private int pop(Lua lua) {
        SharedDict.Listed r = dict(lua).pop(LuaBytes.latin1(lua, 2), lua.toBoolean(3));
        if (r.value() == null) {
            lua.pushNil();
            pushError(lua, r.error());
            return 2;
        }
        boolean hex = pushValue(lua, r.value());
        lua.pushNil();
        lua.push(hex);
        return 3;
    }

    /** A length, or nil and the error. */
    private static int pushListed(Lua lua, SharedDict.Listed r) {
        if (r.error() != null) {
            lua.pushNil();
            lua.push(r.error());
            return 2;
        }
        lua.push((Double) r.value());
        return 1;
    }

    /** Pushes a stored string, number or boolean; true when a string went as hex. */
    private static boolean pushValue(Lua lua, Object value) {
        if (value instanceof byte[]) {
            return LuaBytes.push(lua, (byte[]) value);
        }
        if (value instanceof Double) {
            lua.push((Double) value);
        } else {
            lua.push((boolean) (Boolean) value);
        }
        return false;
    }

    private static void pushError(Lua lua, @Nullable String error) {
        if (error == null) {
            lua.pushNil();
        } else {
            lua.push(error);
        }
    }
}

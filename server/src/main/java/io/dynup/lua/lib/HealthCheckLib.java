package io.dynup.lua.lib;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import org.jspecify.annotations.Nullable;

import io.dynup.model.HealthCheck;
import io.dynup.model.HealthCheckFields;
import io.dynup.model.Result;
import io.dynup.model.UpstreamKind;
import io.dynup.upstream.CheckStatus;
import io.dynup.upstream.Upstream;
import io.dynup.upstream.UpstreamService;
import io.dynup.upstream.UpstreamSnapshot;
import party.iroiro.luajava.Lua;

/**
 * The Java half of {@code require "ngx.healthcheck"} ({@code kind} HTTP) and {@code "ngx.healthcheck.stream"}
 * (STREAM), ngx_dynamic_healthcheck's Lua API over {@link UpstreamService#updateCheck}: {@code get} and
 * {@code status} answer a table or {@code nil, err}, the changes {@code true} or {@code nil, err}, as the module
 * does. The tables are {@link HealthCheckFields} and {@link CheckStatus}. Argument counts and types are checked by
 * the Lua half ({@code healthcheck.lua}).
 */
final class HealthCheckLib {

    static final LuaSource SOURCE = LuaSource.resource("healthcheck.lua");

    static final String NO_HEALTHCHECK = "no healthcheck";
    /** Deeper tables than the API's own ({@code command.expected.codes} is three levels) are refused. */
    private static final int MAX_DEPTH = 8;

    private final UpstreamService upstreams;
    private final UpstreamKind kind;

    HealthCheckLib(UpstreamService upstreams, UpstreamKind kind) {
        this.upstreams = upstreams;
        this.kind = kind;
    }

    /** Pushes the module table. */
    void push(Lua lua, LibraryHost host) {
        lua.push(host.wrap(l -> read(l, c -> HealthCheckFields.view(c.check()))));
        lua.push(host.wrap(this::update));
        lua.push(host.wrap(this::disable));
        lua.push(host.wrap(this::disableHost));
        lua.push(host.wrap(l -> read(l, CheckStatus::view)));
        SOURCE.call(lua, 5);
    }

    /**
     * (upstream or nil): {@code view} of the upstream, or a table of every upstream with a check by name.
     */
    private int read(Lua lua, Function<UpstreamSnapshot, Map<String, Object>> view) {
        if (lua.isNil(1)) {
            lua.createTable(0, 4);
            for (Upstream u : upstreams.registry().upstreams(kind)) {
                UpstreamSnapshot snap = u.snapshot();
                if (snap.check() != null) {
                    pushValue(lua, view.apply(snap));
                    lua.setField(-2, u.name());
                }
            }
            return 1;
        }
        Upstream u = upstreams.registry().find(kind, LuaBytes.text(lua, 1));
        if (u == null) {
            return fail(lua, UpstreamService.UPSTREAM_NOT_FOUND);
        }
        UpstreamSnapshot snap = u.snapshot();
        if (snap.check() == null) {
            return fail(lua, NO_HEALTHCHECK);
        }
        pushValue(lua, view.apply(snap));
        return 1;
    }

    /** (upstream, table). */
    private int update(Lua lua) {
        Result<UnaryOperator<HealthCheck>> change;
        try {
            change = HealthCheckFields.parse(object(lua, 2));
        } catch (IllegalArgumentException e) {
            return fail(lua, e.getMessage());
        }
        if (!change.ok()) {
            return fail(lua, change.error());
        }
        return answer(lua, upstreams.updateCheck(kind, LuaBytes.text(lua, 1), change.get()));
    }

    /** (upstream, disabled). */
    private int disable(Lua lua) {
        boolean disabled = lua.toBoolean(2);
        return answer(lua, upstreams.updateCheck(kind, LuaBytes.text(lua, 1),
                                                 c -> c.toBuilder().disabled(disabled).build()));
    }

    /** (host, disabled, upstream or nil): without an upstream, in every upstream of the kind. */
    private int disableHost(Lua lua) {
        UnaryOperator<HealthCheck> change = HealthCheckFields.disableHost(LuaBytes.text(lua, 1), lua.toBoolean(2));
        if (!lua.isNil(3)) {
            return answer(lua, upstreams.updateCheck(kind, LuaBytes.text(lua, 3), change));
        }
        List<Upstream> all = upstreams.registry().upstreams(kind);
        if (all.isEmpty()) {
            return fail(lua, UpstreamService.UPSTREAM_NOT_FOUND);
        }
        for (Upstream u : all) {
            Result<Boolean> r = upstreams.updateCheck(kind, u.name(), change);
            if (!r.ok()) {
                return fail(lua, r.error());
            }
        }
        lua.push(true);
        return 1;
    }

    private static int answer(Lua lua, Result<Boolean> r) {
        if (!r.ok()) {
            return fail(lua, r.error());
        }
        lua.push(true);
        return 1;
    }

    private static int fail(Lua lua, String error) {
        lua.pushNil();
        lua.push(error);
        return 2;
    }

    /** Pushes maps as tables with string keys, lists as sequences, numbers, strings and booleans as they are. */
    static void pushValue(Lua lua, @Nullable Object v) {
        if (v instanceof Map<?, ?> m) {
            lua.createTable(0, m.size());
            for (Map.Entry<?, ?> e : m.entrySet()) {
                pushValue(lua, e.getValue());
                lua.setField(-2, e.getKey().toString());
            }
        } else if (v instanceof List<?> l) {
            lua.createTable(l.size(), 0);
            for (int i = 0; i < l.size(); i++) {
                pushValue(lua, l.get(i));
                lua.rawSetI(-2, i + 1);
            }
        } else if (v instanceof Integer || v instanceof Long) {
            lua.push(((Number) v).longValue());
        } else if (v instanceof Number n) {
            lua.push(n);
        } else if (v instanceof String s) {
            lua.push(s);
        } else if (v instanceof Boolean b) {
            lua.push(b);
        } else {
            lua.pushNil();
        }
    }

    /** The table at {@code index} as {@link HealthCheckFields#parse} takes it. */
    private static Map<String, ?> object(Lua lua, int index) {
        Object v = toJava(lua, index, "", 0);
        if (v instanceof List) {
            // a sequence {x, y}: its first key is the first unknown one
            throw new IllegalArgumentException("unknown parameter \"1\" (expected: " + HealthCheckFields.KEYS + ")");
        }
        @SuppressWarnings("unchecked")
        Map<String, ?> m = (Map<String, ?>) v;
        return m;
    }

    /**
     * A Lua value as plain Java: numbers as doubles, a table whose keys are exactly 1..n as a list, any other as
     * a map by key (numbers as Lua prints them). Functions, userdata and deep nesting are refused naming the key.
     */
    private static Object toJava(Lua lua, int index, String path, int depth) {
        int abs = index < 0 ? lua.getTop() + index + 1 : index;
        Lua.LuaType t = lua.type(abs);
        switch (t) {
            case NUMBER:
                return lua.toNumber(abs);
            case STRING:
                return LuaBytes.text(lua, abs);
            case BOOLEAN:
                return lua.toBoolean(abs);
            case TABLE:
                break;
            default:
                throw new IllegalArgumentException((path.isEmpty() ? "table" : path) + ": a "
                        + LuaValues.typeName(t) + " (expected: a number, a string, a boolean or a table)");
        }
        if (depth >= MAX_DEPTH) {
            throw new IllegalArgumentException(path + ": a table nested deeper than " + MAX_DEPTH + " levels");
        }
        Map<String, Object> map = new LinkedHashMap<>();
        List<Object> list = new ArrayList<>();
        boolean sequence = true;
        lua.pushNil();
        while (lua.next(abs) != 0) {
            String key = lua.type(-2) == Lua.LuaType.STRING ? LuaBytes.text(lua, -2)
                    : lua.type(-2) == Lua.LuaType.NUMBER ? LuaValues.numberText(lua.toNumber(-2))
                    : LuaValues.typeName(lua.type(-2));
            Object value;
            try {
                value = toJava(lua, -1, path.isEmpty() ? key : path + "." + key, depth + 1);
            } catch (IllegalArgumentException e) {
                lua.pop(2);
                throw e;
            }
            lua.pop(1);
            map.put(key, value);
            sequence &= lua.type(-1) == Lua.LuaType.NUMBER;
        }
        if (sequence && !map.isEmpty()) {
            for (int i = 1; i <= map.size(); i++) {
                Object v = map.get(Integer.toString(i));
                if (v == null) {
                    return map;
                }
                list.add(v);
            }
            return list;
        }
        return map;
    }
}

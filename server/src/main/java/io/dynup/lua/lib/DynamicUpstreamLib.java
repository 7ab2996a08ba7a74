package io.dynup.lua.lib;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import io.dynup.model.PeerSpec;
import io.dynup.model.PeerUpdate;
import io.dynup.model.Result;
import io.dynup.model.UpstreamKind;
import io.dynup.upstream.Peer;
import io.dynup.upstream.PeerState;
import io.dynup.upstream.UpstreamService;
import party.iroiro.luajava.Lua;

/**
 * The Java half of {@code require "ngx.dynamic_upstream"} ({@code kind} HTTP) and
 * {@code "ngx.dynamic_upstream.stream"} (STREAM): thin adapters from Lua values to {@link UpstreamService} and
 * back, in the reference module's shape {@code ok, value, err} (REFERENCE.md section 1). Argument counts and
 * types are checked by the Lua half ({@code dynamic_upstream.lua}).
 */
final class DynamicUpstreamLib {

    static final LuaSource SOURCE = LuaSource.resource("dynamic_upstream.lua");

    private static final int ALL = 0;
    private static final int PRIMARY = 1;

    private final UpstreamService upstreams;
    private final UpstreamKind kind;

    DynamicUpstreamLib(UpstreamService upstreams, UpstreamKind kind) {
        this.upstreams = upstreams;
        this.kind = kind;
    }

    /** Pushes the module table. */
    void push(Lua lua, LibraryHost host) {
        lua.push(host.wrap(this::getUpstreams));
        lua.push(host.wrap(this::getPeers));
        lua.push(host.wrap(this::addPeer));
        lua.push(host.wrap(this::removePeer));
        lua.push(host.wrap(this::updatePeer));
        lua.push(host.wrap(l -> currentUpstream(l, host)));
        SOURCE.call(lua, 6);
    }

    private int getUpstreams(Lua lua) {
        List<String> names = upstreams.getUpstreams(kind).get();
        lua.push(true);
        lua.createTable(names.size(), 0);
        for (int i = 0; i < names.size(); i++) {
            lua.push(names.get(i));
            lua.rawSetI(-2, i + 1);
        }
        lua.pushNil();
        return 3;
    }

    /** (upstream, which): which 0 = all, 1 = primary, 2 = backup; the peers {@link #pack packed}. */
    private int getPeers(Lua lua) {
        String upstream = LuaBytes.text(lua, 1);
        int which = (int) lua.toInteger(2);
        Result<List<Peer>> r = which == ALL ? upstreams.getPeers(kind, upstream)
                : which == PRIMARY ? upstreams.getPrimaryPeers(kind, upstream)
                : upstreams.getBackupPeers(kind, upstream);
        if (!r.ok()) {
            return fail(lua, r.error());
        }
        lua.push(true);
        lua.push(pack(r.get()));
        lua.pushNil();
        return 3;
    }

    /**
     * The peers as one string, which the Lua half unpacks into the reference's peer tables: one JNI crossing
     * instead of two or three per field. The count, then per peer: server and name, weight, max_conns, conns,
     * max_fails, fail_timeout, backup, down, then whether active checks judged the peer and if so its health
     * (status, fall_total, rise_total, last_failure in seconds since the epoch, as ngx.time() counts). Numbers,
     * all non-negative integers, end with {@code ;}; booleans are 1 or 0; texts are {@code <length>:<text>}, the
     * length in the bytes Lua receives (JNI's modified UTF-8).
     */
    static String pack(List<Peer> peers) {
        StringBuilder b = new StringBuilder(8 + 96 * peers.size());
        b.append(peers.size()).append(';');
        for (Peer peer : peers) {
            PeerSpec s = peer.spec();
            PeerState st = peer.state();
            text(b, s.server());
            text(b, s.name());
            b.append(s.weight()).append(';').append(s.maxConns()).append(';').append(st.conns()).append(';')
             .append(s.maxFails()).append(';').append(s.failTimeout()).append(';')
             .append(s.backup() ? 1 : 0).append(';').append(s.down() ? 1 : 0).append(';');
            if (st.checked()) {
                b.append("1;");
                text(b, st.health().label());
                b.append(st.checkFails()).append(';').append(st.checkPasses()).append(';')
                 .append(st.lastFailureEpochMillis() / 1000).append(';');
            } else {
                b.append("0;");
            }
        }
        return b.toString();
    }

    private static void text(StringBuilder b, String s) {
        b.append(LuaBytes.jniLength(s)).append(':').append(s);
    }

    /** (upstream, peer, backup, params or nil). */
    private int addPeer(Lua lua) {
        String upstream = LuaBytes.text(lua, 1);
        String peer = LuaBytes.text(lua, 2);
        boolean backup = lua.toBoolean(3);
        PeerUpdate params = PeerUpdate.NONE;
        if (lua.isTable(4)) {
            Result<PeerUpdate> parsed = parseParams(lua, 4);
            if (!parsed.ok()) {
                return fail(lua, parsed.error());
            }
            params = parsed.get();
        }
        return answer(lua, upstreams.addPeer(kind, upstream, peer, backup, params));
    }

    private int removePeer(Lua lua) {
        return answer(lua, upstreams.removePeer(kind, LuaBytes.text(lua, 1), LuaBytes.text(lua, 2)));
    }

    /** (upstream, peer, params). */
    private int updatePeer(Lua lua) {
        Result<PeerUpdate> parsed = parseParams(lua, 3);
        if (!parsed.ok()) {
            return fail(lua, parsed.error());
        }
        String upstream = LuaBytes.text(lua, 1);
        String peer = LuaBytes.text(lua, 2);
        return answer(lua, upstreams.updatePeer(kind, upstream, peer, parsed.get()));
    }

    private int currentUpstream(Lua lua, LibraryHost host) {
        // a request proxies to http upstreams only: nothing in dynup proxies a stream upstream from Lua's side
        String name = kind == UpstreamKind.HTTP ? host.currentUpstream() : null;
        if (name == null) {
            return fail(lua, "no proxying");
        }
        lua.push(true);
        lua.push(name);
        lua.pushNil();
        return 3;
    }

    /**
     * The table at {@code index} as {@link PeerUpdate#parse} takes it: Lua numbers as doubles, strings and
     * booleans as they are. Keys are named as Lua shows them ({@code [1]} is "1"), so a stray array entry is an
     * unknown parameter; values of other types (tables, functions, ngx.null) are refused by type.
     */
    private static Result<PeerUpdate> parseParams(Lua lua, int index) {
        Map<String, Object> raw = new LinkedHashMap<>();
        lua.pushNil();
        while (lua.next(index) != 0) {
            String key = luaKey(lua, -2);
            Object value = scalar(lua, -1);
            if (value == null) {
                String type = typeName(lua, -1);
                lua.pop(2);
                return Result.fail(key + ": " + type + " (expected: a number, a numeric string or a boolean)");
            }
            lua.pop(1);
            raw.put(key, value);
        }
        return PeerUpdate.parse(raw);
    }

    private static String luaKey(Lua lua, int index) {
        if (lua.type(index) == Lua.LuaType.STRING) {
            return LuaBytes.text(lua, index);
        }
        if (lua.type(index) == Lua.LuaType.NUMBER) {
            return LuaValues.numberText(lua.toNumber(index));
        }
        return typeName(lua, index);
    }

    private static @Nullable Object scalar(Lua lua, int index) {
        Lua.LuaType t = lua.type(index);
        if (t == Lua.LuaType.NUMBER) {
            return lua.toNumber(index);
        }
        if (t == Lua.LuaType.STRING) {
            return LuaBytes.text(lua, index);
        }
        if (t == Lua.LuaType.BOOLEAN) {
            return lua.toBoolean(index);
        }
        return null;
    }

    private static String typeName(Lua lua, int index) {
        return LuaValues.typeName(lua.type(index));
    }

    private static int answer(Lua lua, Result<Boolean> r) {
        if (!r.ok()) {
            return fail(lua, r.error());
        }
        lua.push(true);
        lua.pushNil();
        lua.pushNil();
        return 3;
    }

    private static int fail(Lua lua, String error) {
        lua.push(false);
        lua.pushNil();
        lua.push(error);
        return 3;
    }
}

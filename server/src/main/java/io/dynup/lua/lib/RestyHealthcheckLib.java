package io.dynup.lua.lib;

import java.util.ArrayList;
import java.util.List;

import io.dynup.model.Result;
import io.dynup.model.UpstreamKind;
import io.dynup.upstream.UpstreamService;
import party.iroiro.luajava.Lua;

/**
 * The Java half of {@code require "resty.upstream.healthcheck"} ({@link RestyHealthcheck}): the Lua half
 * ({@code resty_healthcheck.lua}) checks the options in the original's order with its texts and hands the rest
 * over here, where it becomes one {@link UpstreamService#updateCheck} of an http upstream.
 */
final class RestyHealthcheckLib {

    static final LuaSource SOURCE = LuaSource.resource("resty_healthcheck.lua");

    private final UpstreamService upstreams;

    RestyHealthcheckLib(UpstreamService upstreams) {
        this.upstreams = upstreams;
    }

    /** Pushes the module table. */
    void push(Lua lua, LibraryHost host) {
        lua.push(host.wrap(this::spawn));
        lua.push(host.wrap(l -> {
            l.push(RestyHealthcheck.statusPage(upstreams));
            return 1;
        }));
        lua.push(host.wrap(l -> {
            l.push(RestyHealthcheck.prometheusPage(upstreams));
            return 1;
        }));
        SOURCE.call(lua, 3);
    }

    /**
     * (upstream, https, http_req, port, interval, timeout, fall, rise, status...): numbers or nil, nil taking the
     * original's default. Returns true, or nil and the error.
     */
    private int spawn(Lua lua) {
        List<Double> statuses = new ArrayList<>();
        for (int i = 9; i <= lua.getTop(); i++) {
            statuses.add(lua.toNumber(i));
        }
        RestyHealthcheck.Options options = new RestyHealthcheck.Options(
                LuaBytes.text(lua, 3), lua.toBoolean(2), number(lua, 4, 0),
                number(lua, 5, RestyHealthcheck.DEFAULT_INTERVAL_MILLIS),
                number(lua, 6, RestyHealthcheck.DEFAULT_TIMEOUT_MILLIS), number(lua, 7, RestyHealthcheck.DEFAULT_FALL),
                number(lua, 8, RestyHealthcheck.DEFAULT_RISE), statuses);
        Result<Boolean> r = upstreams.updateCheck(UpstreamKind.HTTP, LuaBytes.text(lua, 1),
                                                  before -> RestyHealthcheck.apply(before, options));
        if (r.ok()) {
            lua.push(true);
            return 1;
        }
        lua.pushNil();
        // the original found the upstream through ngx.upstream.get_primary_peers, and says so
        lua.push(r.error().equals(UpstreamService.UPSTREAM_NOT_FOUND) ? "failed to get primary peers: " + r.error()
                : r.error());
        return 2;
    }

    private static double number(Lua lua, int index, double absent) {
        return lua.isNil(index) ? absent : lua.toNumber(index);
    }
}

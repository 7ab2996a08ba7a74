package io.dynup.lua;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dynup.config.ConfigException;
import io.dynup.config.ConfigValues;
import io.dynup.config.Context;
import io.dynup.config.Directive;
import io.dynup.config.DirectiveSpec;
import io.dynup.http.ContentHandler;
import io.dynup.http.HeaderFilter;
import io.dynup.http.HttpExchange;
import io.dynup.http.HttpModule;
import io.dynup.http.LocationConfig;
import io.dynup.http.LogHandler;
import io.dynup.http.Phase;
import io.dynup.http.PhaseHandler;
import io.dynup.http.ResponseHeaders;
import io.dynup.http.route.Location;
import io.dynup.lua.lib.LuaLibraries;
import io.dynup.model.UpstreamKind;
import io.netty.channel.EventLoopGroup;

/**
 * lua-nginx-module's directives: Lua code in the rewrite, access, content, header filter and log phases of a
 * request, and at worker start ({@code init_by_lua*}, {@code init_worker_by_lua*}), with the contexts and
 * argument counts OpenResty gives them. One instance per loaded configuration: it owns that configuration's
 * {@link LuaRuntime} (the VMs), which {@link #retire()} lets go.
 *
 * <p>Differences from OpenResty: Lua syntax errors are configuration errors at load time; {@code *_file} paths
 * are relative to the directory of the file that names them; on a head Lua did not make (proxied,
 * {@code return}, error pages) {@code header_filter_by_lua*} cannot change how the body is framed
 * ({@code Content-Length} is read-only there, see {@link ResponseHeaders}).
 */
public final class LuaModule implements HttpModule {

    private static final Logger LOG = LoggerFactory.getLogger(LuaModule.class);

    private static final Context[] HTTP = {Context.HTTP};
    private static final Context[] HSL = {Context.HTTP, Context.HTTP_SERVER, Context.HTTP_LOCATION};
    private static final Context[] LOC = {Context.HTTP_LOCATION};
    private static final String[] SUFFIXES = {"_block", "_file", ""};

    /** OpenResty refuses smaller dictionaries: a slab page for the tree and one for data. */
    private static final long MIN_SHARED_DICT_SIZE = 8 * 1024;

    private @Nullable LuaRuntime runtime;
    private final Map<Location, LuaLocation> locations = new IdentityHashMap<>();
    private final Map<Directive, LuaCode> codes = new IdentityHashMap<>();
    private @Nullable Set<String> declared;

    @Override
    public List<DirectiveSpec> directives() {
        List<DirectiveSpec> specs = new ArrayList<>(List.of(
                DirectiveSpec.simple("lua_package_path", 1, 1, HTTP),
                DirectiveSpec.simple("lua_package_cpath", 1, 1, HTTP),
                DirectiveSpec.simple("lua_shared_dict", 2, 2, HTTP),
                DirectiveSpec.simple("lua_code_cache", 1, 1, HSL),
                DirectiveSpec.simple("lua_socket_log_errors", 1, 1, HSL)));
        phase(specs, "init_by_lua", HTTP);
        phase(specs, "init_worker_by_lua", HTTP);
        phase(specs, "rewrite_by_lua", HSL);
        phase(specs, "access_by_lua", HSL);
        phase(specs, "content_by_lua", LOC);
        phase(specs, "header_filter_by_lua", HSL);
        phase(specs, "log_by_lua", HSL);
        return specs;
    }

    private static void phase(List<DirectiveSpec> specs, String base, Context... contexts) {
        specs.add(DirectiveSpec.raw(base + "_block", contexts));
        specs.add(DirectiveSpec.simple(base + "_file", 1, 1, contexts));
        specs.add(DirectiveSpec.simple(base, 1, 1, contexts));
    }

    @Override
    public @Nullable ContentHandler contentHandler(Location location, LocationConfig config) {
        // the http-level directives (lua_shared_dict, init_by_lua...) are checked with the first location, so
        // their errors stop the load whether or not any location runs Lua
        runtime(config);
        LuaCode code = code(own(location.directive(), "content_by_lua"), "content_by_lua", config);
        if (code == null) {
            return null;
        }
        LuaRuntime rt = runtime(config);
        rt.used();
        LuaLocation where = location(location, config);
        return new ContentHandler() {
            @Override
            public void handle(HttpExchange ex) {
                run(rt, code, where, ex, LuaPhase.CONTENT);
            }

            @Override
            public String toString() {
                return code.name();
            }
        };
    }

    @Override
    public List<PhaseHandler> phaseHandlers(Phase phase, Location location, LocationConfig config) {
        String base = phase == Phase.REWRITE ? "rewrite_by_lua" : "access_by_lua";
        LuaCode code = code(nearest(config, base), base, config);
        if (code == null) {
            return List.of();
        }
        LuaRuntime rt = runtime(config);
        rt.used();
        LuaLocation where = location(location, config);
        LuaPhase lp = phase == Phase.REWRITE ? LuaPhase.REWRITE : LuaPhase.ACCESS;
        return List.of(new PhaseHandler() {
            @Override
            public void handle(HttpExchange ex) {
                run(rt, code, where, ex, lp);
            }

            @Override
            public String toString() {
                return code.name();
            }
        });
    }

    /**
     * Every location that runs Lua gets one: it runs {@code log_by_lua*} if any, and ends the request's Lua
     * state (its body buffers) in any case.
     */
    @Override
    public @Nullable LogHandler logHandler(Location location, LocationConfig config) {
        LuaCode log = code(nearest(config, "log_by_lua"), "log_by_lua", config);
        boolean luaContent = own(location.directive(), "content_by_lua") != null;
        boolean lua = log != null || luaContent || nearest(config, "rewrite_by_lua") != null
                      || nearest(config, "access_by_lua") != null
                      || nearest(config, "header_filter_by_lua") != null;
        if (!lua) {
            return null;
        }
        LuaRuntime rt = runtime(config);
        rt.used();
        LuaLocation where = location(location, config);
        return ex -> {
            LuaHttpRequest r = ex.attachment(LuaHttpRequest.class);
            if (log != null) {
                LuaWorker w = rt.worker(ex.eventLoop());
                if (w != null) {
                    if (r == null) {
                        r = LuaHttpRequest.of(ex, where);
                    }
                    r.run(w, log.chunk(w.vm()), LuaPhase.LOG);
                }
            }
            if (r != null) {
                r.release();
            }
        };
    }

    /**
     * {@code header_filter_by_lua*} on every head of the location; a head Lua writes itself ran it already
     * ({@link LuaHttpRequest#filterHead}).
     */
    @Override
    public @Nullable HeaderFilter headerFilter(Location location, LocationConfig config) {
        if (nearest(config, "header_filter_by_lua") == null) {
            return null;
        }
        LuaLocation where = location(location, config);
        LuaLocation.HeaderFilter code = where.headerFilter();
        code.runtime().used();
        return new HeaderFilter() {
            @Override
            public void filter(HttpExchange ex, ResponseHeaders head) {
                LuaHttpRequest.of(ex, where).filterHead(head, code);
            }

            @Override
            public String toString() {
                return code.code().name();
            }
        };
    }

    private static void run(LuaRuntime rt, LuaCode code, LuaLocation where, HttpExchange ex, LuaPhase phase) {
        LuaWorker w = rt.worker(ex.eventLoop());
        if (w == null) {
            // the configuration was retired and this loop's VM is gone: only a request in flight gets here
            ex.respondError(500);
            return;
        }
        LuaHttpRequest.of(ex, where).run(w, code.chunk(w.vm()), phase);
    }

    /** Every worker gets its VM now, and runs {@code init_worker_by_lua} before its first request. */
    @Override
    public void activate(EventLoopGroup workers) {
        LuaRuntime rt = runtime;
        if (rt != null && rt.hasCode()) {
            rt.activate(workers);
        }
    }

    @Override
    public void retire() {
        LuaRuntime rt = runtime;
        if (rt != null) {
            rt.retire();
        }
    }

    // --- configuration --------------------------------------------------------------------------------------

    private LuaLocation location(Location location, LocationConfig config) {
        LuaLocation l = locations.get(location);
        if (l == null) {
            Directive type = config.find("default_type");
            LuaCode hf = code(nearest(config, "header_filter_by_lua"), "header_filter_by_lua", config);
            l = new LuaLocation(type == null ? "text/plain" : type.arg(0), upstream(config),
                                declared(config),
                                hf == null ? null : new LuaLocation.HeaderFilter(runtime(config), hf));
            locations.put(location, l);
        }
        return l;
    }

    private LuaRuntime runtime(LocationConfig config) {
        LuaRuntime rt = runtime;
        if (rt == null) {
            Directive http = config.http();
            boolean cache = codeCache(http);
            if (!cache) {
                LOG.warn("lua_code_cache is off; this will hurt performance");
            }
            LuaLibraries libraries = new LuaLibraries(config.services().upstreams(), sharedDicts(http));
            Directive init = own(http, "init_by_lua");
            rt = runtime = new LuaRuntime(libraries, arg(http, "lua_package_path"), arg(http, "lua_package_cpath"),
                                          code(init, "init_by_lua", cache),
                                          code(own(http, "init_worker_by_lua"), "init_worker_by_lua", cache));
            String err = rt.loadInit();
            if (err != null) {
                throw ConfigException.at(init.pos(), "init_by_lua error: %s", err);
            }
        }
        return rt;
    }

    private @Nullable LuaCode code(@Nullable Directive d, String base, LocationConfig config) {
        if (d == null) {
            return null;
        }
        Directive cache = config.find("lua_code_cache");
        return code(d, base, cache == null || flag(cache));
    }

    private @Nullable LuaCode code(@Nullable Directive d, String base, boolean cache) {
        if (d == null) {
            return null;
        }
        LuaCode c = codes.get(d);
        if (c == null) {
            c = LuaCode.of(d, base, cache);
            codes.put(d, c);
        }
        return c;
    }

    private static boolean codeCache(Directive http) {
        Directive d = http.first("lua_code_cache").orElse(null);
        return d == null || flag(d);
    }

    /** An on|off directive, with nginx's error for anything else. */
    private static boolean flag(Directive d) {
        return ConfigValues.parseFlag(d.arg(0)).orElseThrow(() -> ConfigException.at(
                d.pos(), "invalid value \"%s\" in \"%s\" directive, it must be \"on\" or \"off\"", d.arg(0),
                d.name()));
    }

    private static @Nullable String arg(Directive http, String name) {
        return http.first(name).map(d -> d.arg(0)).orElse(null);
    }

    /** The {@code *_by_lua*} directive of {@code base}'s family at the nearest level that has one. */
    private static @Nullable Directive nearest(LocationConfig config, String base) {
        for (Location l = config.location(); l != null; l = l.parent()) {
            Directive d = own(l.directive(), base);
            if (d != null) {
                return d;
            }
        }
        return own(config.http(), base);
    }

    /** The directive of {@code base}'s family in {@code block} itself; two of them are an error, as in nginx. */
    private static @Nullable Directive own(Directive block, String base) {
        Directive found = null;
        for (String suffix : SUFFIXES) {
            for (Directive d : block.all(base + suffix)) {
                if (found != null) {
                    throw ConfigException.at(d.pos(), "\"%s\" directive is duplicate", d.name());
                }
                found = d;
            }
        }
        return found;
    }

    /** OpenResty's lua_shared_dict checks: a name, a size of at least 8k, each name once. */
    private static Map<String, Long> sharedDicts(Directive http) {
        Map<String, Long> dicts = new LinkedHashMap<>();
        for (Directive d : http.all("lua_shared_dict")) {
            String name = d.arg(0);
            if (name.isEmpty()) {
                throw ConfigException.at(d.pos(), "invalid lua shared dict name \"%s\"", name);
            }
            OptionalLong size = ConfigValues.parseSize(d.arg(1));
            if (size.isEmpty() || size.getAsLong() < MIN_SHARED_DICT_SIZE) {
                throw ConfigException.at(d.pos(), "invalid lua shared dict size \"%s\"", d.arg(1));
            }
            if (dicts.putIfAbsent(name, size.getAsLong()) != null) {
                throw ConfigException.at(d.pos(), "lua_shared_dict \"%s\" is already defined as \"%s\"", name,
                                         name);
            }
        }
        return dicts;
    }

    /** nginx's {@code set $name} declares {@code $name} for the whole http block, wherever it stands. */
    private Set<String> declared(LocationConfig config) {
        Set<String> d = declared;
        if (d == null) {
            Set<String> names = new HashSet<>();
            collectSets(config.http(), names);
            d = declared = Set.copyOf(names);
        }
        return d;
    }

    private static void collectSets(Directive block, Set<String> names) {
        for (Directive d : block.children()) {
            if (d.name().equals("set") && !d.args().isEmpty() && d.arg(0).startsWith("$")) {
                names.add(d.arg(0).substring(1));
            }
            collectSets(d, names);
        }
    }

    /** The upstream {@code proxy_pass http://NAME} of the location names, when NAME is an upstream. */
    private static @Nullable String upstream(LocationConfig config) {
        Directive pass = config.own("proxy_pass");
        if (pass == null) {
            return null;
        }
        String url = pass.arg(0);
        int scheme = url.indexOf("://");
        String rest = scheme < 0 ? url : url.substring(scheme + 3);
        int slash = rest.indexOf('/');
        String name = slash < 0 ? rest : rest.substring(0, slash);
        return config.services().registry().find(UpstreamKind.HTTP, name) != null ? name : null;
    }
}

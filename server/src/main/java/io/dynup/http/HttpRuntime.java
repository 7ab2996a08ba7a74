package io.dynup.http;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import io.dynup.config.ConfigException;
import io.dynup.config.ConfigValues;
import io.dynup.config.Directive;
import io.dynup.http.route.Listener;
import io.dynup.http.route.Location;
import io.dynup.http.route.PcreRegex;
import io.dynup.http.route.Server;
import io.dynup.http.route.ServerNames;
import io.dynup.http.route.VirtualHosts;
import io.dynup.http.wire.HeadLimits;
import io.dynup.http.wire.RequestHead;

/**
 * One loaded {@code http {}} block, ready to serve: listeners, virtual hosts, and the content handler of every
 * location, chosen once at load time by asking each {@link HttpModule}. Immutable; a reload builds a new one.
 */
public final class HttpRuntime {

    /** nginx's 301 from {@code /dir} to {@code /dir/} for a location whose content is proxied. */
    static final ContentHandler AUTO_REDIRECT = ex -> {
        String target = ex.location().location().escapedName();
        String query = ex.request().query();
        ex.respond(301, "text/html", query == null ? target : target + '?' + query,
                   StatusLines.errorPage(ex.alloc(), 301));
    };

    private static final ContentHandler NOT_FOUND = ex -> ex.respondError(404);
    static final RequestChain AUTO_REDIRECT_CHAIN = RequestChain.of(AUTO_REDIRECT);
    private static final RequestChain NOT_FOUND_CHAIN = RequestChain.of(NOT_FOUND);

    private final ServerNames names;
    private final Map<Location, RequestChain> handlers;
    /** nginx's client_max_body_size of each location (0: no limit). */
    private final Map<Location, Long> maxBodySizes;
    /** Servers with a server-level {@code return}: it answers before any location is looked up. */
    private final Map<Server, RequestChain> serverRewrites;
    private final HeadLimits headLimits;
    private final long keepaliveTimeoutMillis;
    private final int keepaliveRequests;
    private final long clientHeaderTimeoutMillis;
    private final long clientBodyTimeoutMillis;
    private final List<HttpModule> modules;

    private HttpRuntime(List<HttpModule> modules, ServerNames names, Map<Location, RequestChain> handlers,
                        Map<Location, Long> maxBodySizes, Map<Server, RequestChain> serverRewrites,
                        long keepaliveTimeoutMillis, int keepaliveRequests, long clientHeaderTimeoutMillis, long clientBodyTimeoutMillis) {
        this.modules = List.copyOf(modules);
        this.names = names;
        this.handlers = handlers;
        this.maxBodySizes = maxBodySizes;
        this.serverRewrites = serverRewrites;
        this.headLimits = HeadLimits.NGINX_REQUEST;
        this.keepaliveTimeoutMillis = keepaliveTimeoutMillis;
        this.keepaliveRequests = keepaliveRequests;
        this.clientHeaderTimeoutMillis = clientHeaderTimeoutMillis;
        this.clientBodyTimeoutMillis = clientBodyTimeoutMillis;
    }

    /** Binds an {@code http} block: every location gets the handler of the first module that claims it. */
    public static HttpRuntime build(Directive http, List<HttpModule> modules, HttpServices services) {
        ServerNames names = ServerNames.build(http.all("server"));
        Set<String> declared = captureNames(names);
        for (HttpModule m : modules) {
            declared.addAll(m.declaredVariables(http));
        }
        Map<Location, RequestChain> handlers = new IdentityHashMap<>();
        Map<Server, RequestChain> serverRewrites = new IdentityHashMap<>();
        Map<Location, Long> maxBodySizes = new IdentityHashMap<>();
        for (Server server : names.servers()) {
            List<Location> all = new ArrayList<>(server.locations().locations());
            all.add(server.locations().server());
            List<PhaseHandler> serverRewritePhases = List.of();
            for (Location location : all) {
                LocationConfig config = new LocationConfig(location, http, services, declared);
                ContentHandler handler = null;
                for (HttpModule m : modules) {
                    handler = m.contentHandler(location, config);
                    if (handler != null) {
                        break;
                    }
                }
                List<PhaseHandler> phases = new ArrayList<>();
                for (Phase phase : Phase.values()) {
                    for (HttpModule m : modules) {
                        phases.addAll(m.phaseHandlers(phase, location, config));
                    }
                    if (phase == Phase.REWRITE && location.isServer()) {
                        serverRewritePhases = List.copyOf(phases);
                    }
                }
                List<LogHandler> loggers = new ArrayList<>();
                for (HttpModule m : modules) {
                    LogHandler l = m.logHandler(location, config);
                    if (l != null) {
                        loggers.add(l);
                    }
                }
                List<HeaderFilter> filters = new ArrayList<>(0);
                for (HttpModule m : modules) {
                    HeaderFilter f = m.headerFilter(location, config);
                    if (f != null) {
                        filters.add(f);
                    }
                }
                handlers.put(location, RequestChain.of(phases, handler != null ? handler : NOT_FOUND, loggers,
                                                       ErrorPages.of(config), filters));
                maxBodySizes.put(location, maxBodySize(config));
            }
            // nginx runs a server-level return in the server rewrite phase: it answers every request of the
            // server, whatever location would have matched (the rewrite module runs it among the server's sets)
            Location serverLevel = server.locations().server();
            if (serverLevel.directive().first("return").isPresent()) {
                RequestChain chain = handlers.get(serverLevel);
                serverRewrites.put(server, RequestChain.of(serverRewritePhases, chain.content(),
                                                           List.of(chain.loggers()), chain.errorPages(),
                                                           List.of(chain.headerFilters())));
            }
        }
        long keepaliveTimeout = time(http, "keepalive_timeout", Duration.ofSeconds(75)).toMillis();
        int keepaliveRequests = http.first("keepalive_requests").map(d -> ConfigValues.parseInt(d.arg(0))
                .orElseThrow(() -> ConfigException.at(d.pos(), "\"keepalive_requests\" directive invalid number")))
                .orElse(1000);
        return new HttpRuntime(modules, names, handlers, maxBodySizes, serverRewrites, keepaliveTimeout,
                               keepaliveRequests,
                               time(http, "client_header_timeout", Duration.ofSeconds(60)).toMillis(),
                               time(http, "client_body_timeout", Duration.ofSeconds(60)).toMillis());
    }

    /**
     * nginx makes every named capture of a regex server name or location a variable of the whole {@code http}
     * block (ngx_http_regex_compile adds them at load time), so {@code $name} compiles in any location.
     */
    private static Set<String> captureNames(ServerNames names) {
        Set<String> all = new HashSet<>();
        for (Server server : names.servers()) {
            for (String name : server.names()) {
                if (name.startsWith("~")) {
                    all.addAll(PcreRegex.compile(name.substring(1), false).groupNames().keySet());
                }
            }
            for (Location location : server.locations().locations()) {
                if (location.regex() != null) {
                    all.addAll(location.regex().groupNames().keySet());
                }
            }
        }
        return all;
    }

    /** nginx's default: a request body above 1 MiB is refused with 413 unless configured otherwise. */
    private static final long DEFAULT_MAX_BODY_SIZE = 1024 * 1024;

    private static long maxBodySize(LocationConfig config) {
        Directive d = config.find("client_max_body_size");
        if (d == null) {
            return DEFAULT_MAX_BODY_SIZE;
        }
        return ConfigValues.parseOffset(d.arg(0)).orElseThrow(
                () -> ConfigException.at(d.pos(), "\"client_max_body_size\" directive invalid value"));
    }

    private static Duration time(Directive block, String name, Duration dflt) {
        return block.first(name).map(d -> ConfigValues.parseTime(d.arg(0)).orElseThrow(
                () -> ConfigException.at(d.pos(), "\"%s\" directive invalid value", name))).orElse(dflt);
    }

    /** This configuration is now served by {@code workers}: modules start their per-worker parts. */
    public void activate(io.netty.channel.EventLoopGroup workers) {
        for (HttpModule m : modules) {
            m.activate(workers);
        }
    }

    /** This configuration is no longer served: its modules release what they hold once its requests end. */
    public void retire() {
        for (HttpModule m : modules) {
            m.retire();
        }
    }

    /** The sockets to bind. */
    public List<Listener> listeners() {
        return names.listeners();
    }

    @Nullable VirtualHosts hostsFor(InetSocketAddress local) {
        return names.hostsFor(local).orElse(null);
    }

    RequestChain handler(Location location) {
        RequestChain h = handlers.get(location);
        return h != null ? h : NOT_FOUND_CHAIN;
    }

    /** nginx's client_max_body_size for requests in {@code location}; 0 means no limit. */
    long maxBodySize(Location location) {
        Long max = maxBodySizes.get(location);
        return max != null ? max : DEFAULT_MAX_BODY_SIZE;
    }

    /** The handler of a server-level {@code return}, which precedes location lookup, or null. */
    @Nullable RequestChain serverRewrite(Server server) {
        return serverRewrites.get(server);
    }

    HeadLimits headLimits() {
        return headLimits;
    }

    long keepaliveTimeoutMillis() {
        return keepaliveTimeoutMillis;
    }

    int keepaliveRequests() {
        return keepaliveRequests;
    }

    /** nginx's client_header_timeout: the longest wait for the next bytes of a head begun. */
    long clientHeaderTimeoutMillis() {
        return clientHeaderTimeoutMillis;
    }

    /** nginx's client_body_timeout: the longest wait for the next bytes of a request body. */
    long clientBodyTimeoutMillis() {
        return clientBodyTimeoutMillis;
    }

    /**
     * The path locations are matched against: percent-decoded, with {@code //} merged and {@code .}/{@code ..}
     * resolved, as nginx's {@code ngx_http_parse_complex_uri} does (only when the parser saw a need).
     */
    byte[] normalizedPath(RequestHead head) {
        String path = head.path();
        int fragment = path.indexOf('#');
        if (fragment >= 0) {
            // a fragment is no part of the path: nginx's ngx_http_parse_complex_uri stops at '#'
            path = path.substring(0, fragment);
        }
        byte[] raw = path.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        if (!head.uriNeedsNormalization()) {
            return raw;
        }
        ByteArrayOutputStream decoded = new ByteArrayOutputStream(raw.length);
        for (int i = 0; i < raw.length; i++) {
            byte b = raw[i];
            if (b == '%' && i + 2 < raw.length && hex(raw[i + 1]) >= 0 && hex(raw[i + 2]) >= 0) {
                decoded.write(hex(raw[i + 1]) << 4 | hex(raw[i + 2]));
                i += 2;
            } else {
                decoded.write(b);
            }
        }
        List<byte[]> segments = new ArrayList<>();
        byte[] d = decoded.toByteArray();
        int start = 0;
        for (int i = 0; i <= d.length; i++) {
            if (i == d.length || d[i] == '/') {
                int len = i - start;
                if (len == 1 && d[start] == '.' || len == 0 && i != d.length) {
                    // "." and empty segments (merged slashes) vanish
                } else if (len == 2 && d[start] == '.' && d[start + 1] == '.') {
                    if (!segments.isEmpty()) {
                        segments.remove(segments.size() - 1);
                    }
                } else if (len > 0) {
                    byte[] seg = new byte[len];
                    System.arraycopy(d, start, seg, 0, len);
                    segments.add(seg);
                }
                start = i + 1;
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(d.length + 1);
        for (byte[] seg : segments) {
            out.write('/');
            out.writeBytes(seg);
        }
        boolean trailingSlash = d.length > 0 && d[d.length - 1] == '/'
                                || path.endsWith("/.") || path.endsWith("/..");
        if (segments.isEmpty() || trailingSlash) {
            out.write('/');
        }
        return out.toByteArray();
    }

    private static int hex(byte b) {
        return Character.digit(b, 16);
    }
}

package io.dynup.stream;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import io.dynup.balancer.Balancers;
import io.dynup.config.Config;
import io.dynup.config.ConfigException;
import io.dynup.config.ConfigValues;
import io.dynup.config.Directive;
import io.dynup.model.HostResolver;
import io.dynup.model.PeerSpec;
import io.dynup.model.Result;
import io.dynup.model.ServerAddress;
import io.dynup.model.UpstreamKind;
import io.dynup.model.UpstreamSpec;
import io.dynup.upstream.Upstream;
import io.dynup.upstream.UpstreamRegistry;

/**
 * The {@code stream {}} blocks of one loaded configuration, bound: each {@code server} with its listeners,
 * upstream, balancer, timeouts and access rules. Immutable; a reload builds a new one and open relays keep the
 * one they started with.
 */
public final class StreamRuntime {

    private static final long DEFAULT_CONNECT_TIMEOUT_MS = 60_000;
    private static final long DEFAULT_TIMEOUT_MS = 10 * 60_000;

    private final Map<SocketAddress, StreamServerConfig> byListen;
    private final List<ListenAddress> listens;

    private StreamRuntime(Map<SocketAddress, StreamServerConfig> byListen, List<ListenAddress> listens) {
        this.byListen = byListen;
        this.listens = listens;
    }

    /**
     * Binds every {@code stream {}} of {@code config}; null when no stream block declares a {@code server}.
     *
     * @throws ConfigException with nginx's text and position on any error
     */
    public static @Nullable StreamRuntime build(Config config, UpstreamRegistry registry, Balancers balancers) {
        Map<SocketAddress, StreamServerConfig> byListen = new LinkedHashMap<>();
        List<ListenAddress> listens = new ArrayList<>();
        for (Directive stream : config.all("stream")) {
            Map<String, UpstreamSettings> upstreams = upstreamSettings(stream);
            Level main = Level.of(stream, null);
            for (Directive server : stream.all("server")) {
                StreamServerConfig s = bindServer(server, main, upstreams, registry, balancers);
                for (ListenAddress l : s.listens()) {
                    if (byListen.putIfAbsent(l.address(), s) != null) {
                        throw ConfigException.at(listenPos(server, l), "duplicate \"%s\" address and port pair",
                                                 l.text());
                    }
                    listens.add(l);
                }
            }
        }
        return byListen.isEmpty() ? null : new StreamRuntime(byListen, List.copyOf(listens));
    }

    /** The addresses to listen on, in config order. */
    List<ListenAddress> listens() {
        return listens;
    }

    /** The server listening on {@code address}, or null when this configuration does not listen there. */
    @Nullable StreamServerConfig server(SocketAddress address) {
        return byListen.get(address);
    }

    Collection<StreamServerConfig> servers() {
        return byListen.values();
    }

    /** What a {@code stream upstream} block adds to its {@link UpstreamSpec}: the key and the disconnect flags. */
    private record UpstreamSettings(@Nullable StreamKey hashKey, DisconnectPolicy policy) {
    }

    private static Map<String, UpstreamSettings> upstreamSettings(Directive stream) {
        Map<String, UpstreamSettings> out = new HashMap<>();
        for (Directive up : stream.all("upstream")) {
            StreamKey key = null;
            boolean backup = false;
            boolean down = false;
            boolean exiting = false;
            for (Directive d : up.children()) {
                switch (d.name()) {
                    case "hash" -> key = StreamKey.compile(d.arg(0), d.pos());
                    case "disconnect_backup_if_primary_up" -> backup = true;
                    case "disconnect_if_market_down" -> down = true;
                    case "disconnect_on_exiting" -> exiting = true;
                    default -> {
                        // the upstream's own directives, bound by UpstreamConfig
                    }
                }
            }
            out.put(up.arg(0), new UpstreamSettings(key, new DisconnectPolicy(backup, down, exiting)));
        }
        return out;
    }

    private static StreamServerConfig bindServer(Directive server, Level main, Map<String, UpstreamSettings> upstreams,
                                                 UpstreamRegistry registry, Balancers balancers) {
        Level level = Level.of(server, main);
        List<ListenAddress> listens = new ArrayList<>();
        for (Directive l : server.all("listen")) {
            listens.add(ListenAddress.parse(l));
        }
        Directive pass = only(server, "proxy_pass");
        if (pass == null) {
            throw ConfigException.at(server.pos(), "no handler for server");
        }
        if (listens.isEmpty()) {
            throw ConfigException.at(server.pos(), "no \"listen\" is defined for server");
        }
        String target = pass.arg(0);
        if (target.indexOf('$') >= 0) {
            throw ConfigException.at(pass.pos(), "variables in \"proxy_pass\" are not supported by dynup");
        }
        Upstream upstream = registry.find(UpstreamKind.STREAM, target);
        UpstreamSettings settings = upstream == null ? null : upstreams.get(upstream.name());
        if (upstream == null) {
            upstream = implicitUpstream(target, pass);
        }
        return new StreamServerConfig(List.copyOf(listens), upstream, balancers.of(upstream),
                                      settings == null ? null : settings.hashKey(),
                                      level.connectTimeoutMs, level.timeoutMs, level.nextUpstream, level.tries,
                                      level.nextTimeoutMs,
                                      level.access, settings == null ? DisconnectPolicy.NONE : settings.policy(),
                                      server.pos());
    }

    /**
     * {@code proxy_pass host:port}: an upstream of its own, resolved now, as nginx resolves it at load. nginx's
     * texts: a name that is neither an upstream nor an address with a port is {@code no port in upstream}.
     */
    private static Upstream implicitUpstream(String target, Directive pass) {
        Result<ServerAddress> parsed = ServerAddress.parse(target);
        if (!parsed.ok()) {
            throw ConfigException.at(pass.pos(), "%s in upstream \"%s\"", parsed.error(), target);
        }
        int close = target.lastIndexOf(']');
        if (parsed.get().unixPath() == null && target.indexOf(':', close + 1) < 0) {
            throw ConfigException.at(pass.pos(), "no port in upstream \"%s\"", target);
        }
        SocketAddress[] addresses;
        try {
            addresses = parsed.get().resolve(HostResolver.system());
        } catch (UnknownHostException e) {
            throw ConfigException.at(pass.pos(), "host not found in upstream \"%s\"", target);
        }
        List<PeerSpec> peers = new ArrayList<>(addresses.length);
        for (SocketAddress a : addresses) {
            peers.add(PeerSpec.of(target, ServerAddress.nameOf(a), a));
        }
        return Upstream.of(UpstreamSpec.of(target, UpstreamKind.STREAM, peers));
    }

    private static io.dynup.config.SourcePos listenPos(Directive server, ListenAddress l) {
        for (Directive d : server.all("listen")) {
            if (d.arg(0).equals(l.text())) {
                return d.pos();
            }
        }
        return server.pos();
    }

    /** A directive that may appear once per level ({@code "x" directive is duplicate} otherwise). */
    private static @Nullable Directive only(Directive block, String name) {
        List<Directive> all = block.all(name);
        if (all.size() > 1) {
            throw ConfigException.at(all.get(1).pos(), "\"%s\" directive is duplicate", name);
        }
        return all.isEmpty() ? null : all.get(0);
    }

    /**
     * The proxy and access values of one level: its own directives, else the enclosing {@code stream {}}'s, else
     * nginx's defaults. Each level is checked when bound, so a bad value is reported even where nothing inherits it.
     */
    private static final class Level {
        final long connectTimeoutMs;
        final long timeoutMs;
        final boolean nextUpstream;
        final int tries;
        final long nextTimeoutMs;
        final AccessRules access;

        private Level(Directive block, @Nullable Level parent) {
            connectTimeoutMs = millis(block, "proxy_connect_timeout",
                                      parent == null ? DEFAULT_CONNECT_TIMEOUT_MS : parent.connectTimeoutMs);
            timeoutMs = millis(block, "proxy_timeout", parent == null ? DEFAULT_TIMEOUT_MS : parent.timeoutMs);
            nextUpstream = flag(block, "proxy_next_upstream", parent == null || parent.nextUpstream);
            tries = number(block, "proxy_next_upstream_tries", parent == null ? 0 : parent.tries);
            nextTimeoutMs = millis(block, "proxy_next_upstream_timeout", parent == null ? 0 : parent.nextTimeoutMs);
            access = AccessRules.bind(block.children(), parent == null ? AccessRules.NONE : parent.access);
        }

        static Level of(Directive block, @Nullable Level parent) {
            return new Level(block, parent);
        }

        private static long millis(Directive block, String name, long inherited) {
            Directive d = only(block, name);
            if (d == null) {
                return inherited;
            }
            Duration t = ConfigValues.parseTime(d.arg(0)).orElseThrow(
                    () -> ConfigException.at(d.pos(), "\"%s\" directive invalid value", name));
            return t.toMillis();
        }

        private static boolean flag(Directive block, String name, boolean inherited) {
            Directive d = only(block, name);
            if (d == null) {
                return inherited;
            }
            return ConfigValues.parseFlag(d.arg(0)).orElseThrow(() -> ConfigException.at(
                    d.pos(), "invalid value \"%s\" in \"%s\" directive, it must be \"on\" or \"off\"", d.arg(0), name));
        }

        private static int number(Directive block, String name, int inherited) {
            Directive d = only(block, name);
            if (d == null) {
                return inherited;
            }
            return ConfigValues.parseInt(d.arg(0)).orElseThrow(
                    () -> ConfigException.at(d.pos(), "\"%s\" directive invalid number", name));
        }
    }

    @Override
    public String toString() {
        List<InetSocketAddress> addresses = new ArrayList<>();
        for (ListenAddress l : listens) {
            addresses.add(l.address());
        }
        return "StreamRuntime" + addresses;
    }
}

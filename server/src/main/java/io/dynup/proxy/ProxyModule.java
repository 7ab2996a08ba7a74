package io.dynup.proxy;

import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import io.dynup.balancer.Balancer;
import io.dynup.config.ConfigException;
import io.dynup.config.ConfigValues;
import io.dynup.config.Context;
import io.dynup.config.Directive;
import io.dynup.config.DirectiveSpec;
import io.dynup.http.ComplexValue;
import io.dynup.http.ContentHandler;
import io.dynup.http.HttpModule;
import io.dynup.http.LocationConfig;
import io.dynup.http.route.Location;
import io.dynup.http.wire.HeadWriter;
import io.dynup.http.wire.HeaderValue;
import io.dynup.model.HostResolver;
import io.dynup.model.PeerSpec;
import io.dynup.model.Result;
import io.dynup.model.ServerAddress;
import io.dynup.model.UpstreamKind;
import io.dynup.model.UpstreamSpec;
import io.dynup.upstream.Upstream;

/**
 * nginx's proxy module: {@code proxy_pass} and the directives that shape it. Binds each proxied location once,
 * at load time, into a {@link ProxyHandler}.
 */
public final class ProxyModule implements HttpModule {

    private static final Context[] HSL = {Context.HTTP, Context.HTTP_SERVER, Context.HTTP_LOCATION};

    @Override
    public List<DirectiveSpec> directives() {
        return List.of(
                DirectiveSpec.simple("proxy_pass", 1, 1, Context.HTTP_LOCATION),
                DirectiveSpec.simple("proxy_set_header", 2, 2, HSL),
                DirectiveSpec.simple("proxy_http_version", 1, 1, HSL),
                DirectiveSpec.simple("proxy_connect_timeout", 1, 1, HSL),
                DirectiveSpec.simple("proxy_read_timeout", 1, 1, HSL),
                DirectiveSpec.simple("proxy_send_timeout", 1, 1, HSL),
                DirectiveSpec.simple("proxy_next_upstream", 1, DirectiveSpec.UNBOUNDED, HSL),
                DirectiveSpec.simple("proxy_next_upstream_tries", 1, 1, HSL),
                DirectiveSpec.simple("proxy_next_upstream_timeout", 1, 1, HSL),
                DirectiveSpec.simple("proxy_buffering", 1, 1, HSL),
                DirectiveSpec.simple("proxy_request_buffering", 1, 1, HSL));
    }

    @Override
    public @Nullable ContentHandler contentHandler(Location location, LocationConfig config) {
        Directive pass = config.own("proxy_pass");
        if (pass == null) {
            return null;
        }
        if (pass.arg(0).indexOf('$') >= 0) {
            return new VariableProxyHandler(ComplexValue.compile(pass.arg(0), pass, config.captureNames()),
                                            location, config);
        }
        return new ProxyHandler(bind(pass, location, config));
    }

    static ProxyConfig bind(Directive pass, Location location, LocationConfig config) {
        String url = pass.arg(0);
        if (!url.regionMatches(true, 0, "http://", 0, 7)) {
            throw ConfigException.at(pass.pos(), "invalid URL prefix in \"%s\"", url);
        }
        String rest = url.substring(7);
        String hostPort;
        String uri;
        String proxyHost;
        if (rest.regionMatches(true, 0, "unix:", 0, 5)) {
            // nginx's unix URL (ngx_parse_unix_domain_url): the socket path runs to a colon and the URI follows
            // it; the Host sent is localhost
            int colon = rest.indexOf(':', 5);
            hostPort = colon < 0 ? rest : rest.substring(0, colon);
            uri = colon < 0 || colon == rest.length() - 1 ? null : rest.substring(colon + 1);
            proxyHost = "localhost";
        } else {
            int slash = rest.indexOf('/');
            hostPort = slash < 0 ? rest : rest.substring(0, slash);
            uri = slash < 0 ? null : rest.substring(slash);
            proxyHost = hostPort;
        }
        if (uri != null && location.isRegex()) {
            throw ConfigException.at(pass.pos(), "\"proxy_pass\" cannot have URI part in location given by regular "
                                                 + "expression, or inside named location, or inside \"if\" statement, "
                                                 + "or inside \"limit_except\" block");
        }
        Upstream upstream = hostPort.indexOf(':') < 0
                ? config.services().registry().find(UpstreamKind.HTTP, hostPort) : null;
        if (upstream == null) {
            upstream = implicitUpstream(hostPort, pass);
        }
        return configure(upstream, config.services().balancers().of(upstream), proxyHost, uri, location, config);
    }

    /**
     * The proxying of {@code location} to {@code upstream}, reached as {@code hostPort} ({@code $proxy_host}).
     *
     * @param uri the URI part of {@code proxy_pass}, or null
     */
    static ProxyConfig configure(Upstream upstream, Balancer balancer, String hostPort, @Nullable String uri,
                                 Location location, LocationConfig config) {
        String version = value(config, "proxy_http_version", "1.0");
        if (!version.equals("1.0") && !version.equals("1.1")) {
            throw ConfigException.at(config.find("proxy_http_version").pos(), "invalid value \"%s\" in "
                                     + "\"proxy_http_version\" directive, it must be \"1.0\" or \"1.1\"", version);
        }
        HeadWriter.Builder headers = HeadWriter.nginxProxyDefaults(hostPort);
        if (version.equals("1.1")) {
            headers.httpVersion11();
        }
        boolean connectionCleared = false;
        for (Directive h : config.findAll("proxy_set_header")) {
            headers.set(h.arg(0), headerValue(h, hostPort));
            connectionCleared |= h.arg(0).equalsIgnoreCase("Connection") && h.arg(1).isEmpty();
        }
        Set<NextUpstream> next = nextUpstream(config.find("proxy_next_upstream"));
        int tries = config.find("proxy_next_upstream_tries") == null ? 0
                : number(config.find("proxy_next_upstream_tries"));
        HeadWriter requestHead = headers.build();
        // a chunked request body can only be forwarded as received over HTTP/1.1
        HeadWriter chunkedRequestHead = headers.httpVersion11().build();
        return new ProxyConfig(upstream, balancer, uri,
                               uri == null ? null : location.name(), requestHead, chunkedRequestHead,
                               version.equals("1.1") && connectionCleared && upstream.config().keepalive() > 0,
                               millis(config, "proxy_connect_timeout", 60), millis(config, "proxy_read_timeout", 60),
                               millis(config, "proxy_send_timeout", 60), next, tries,
                               millis(config, "proxy_next_upstream_timeout", 0));
    }

    /** {@code proxy_pass http://10.0.0.1:8080}: an upstream of its own, resolved now (nginx resolves at load). */
    static Upstream implicitUpstream(String hostPort, Directive pass) {
        Result<ServerAddress> parsed = ServerAddress.parse(hostPort);
        if (!parsed.ok()) {
            throw ConfigException.at(pass.pos(), "%s in upstream \"%s\"", parsed.error(), hostPort);
        }
        SocketAddress[] addresses;
        try {
            addresses = parsed.get().resolve(HostResolver.system());
        } catch (UnknownHostException e) {
            throw ConfigException.at(pass.pos(), "host not found in upstream \"%s\"", hostPort);
        }
        List<PeerSpec> peers = new java.util.ArrayList<>();
        for (SocketAddress a : addresses) {
            peers.add(PeerSpec.of(hostPort, ServerAddress.nameOf(a), a));
        }
        return Upstream.of(UpstreamSpec.of(hostPort, UpstreamKind.HTTP, peers));
    }

    private static HeaderValue headerValue(Directive h, String proxyHost) {
        String v = h.arg(1);
        switch (v) {
            case "$host":
                return HeaderValue.host("");
            case "$proxy_host":
                return HeaderValue.of(proxyHost);
            case "$remote_addr":
                return HeaderValue.remoteAddr();
            case "$proxy_add_x_forwarded_for":
                return HeaderValue.proxyAddXForwardedFor();
            default:
                if (v.startsWith("$http_") && v.indexOf('$', 1) < 0) {
                    return HeaderValue.requestHeader(v.substring(6).replace('_', '-'));
                }
                if (v.indexOf('$') >= 0) {
                    throw ConfigException.at(h.pos(), "\"proxy_set_header\" supports $host, $proxy_host, $remote_addr,"
                                                      + " $proxy_add_x_forwarded_for and $http_NAME for now, not \"%s\"", v);
                }
                return HeaderValue.of(v);
        }
    }

    private static Set<NextUpstream> nextUpstream(@Nullable Directive d) {
        if (d == null) {
            return EnumSet.of(NextUpstream.ERROR, NextUpstream.TIMEOUT);
        }
        Set<NextUpstream> set = EnumSet.noneOf(NextUpstream.class);
        for (String a : d.args()) {
            if (a.equals("off")) {
                if (d.args().size() > 1) {
                    throw ConfigException.at(d.pos(), "invalid value \"off\" in \"proxy_next_upstream\" directive");
                }
                return EnumSet.noneOf(NextUpstream.class);
            }
            NextUpstream n = NextUpstream.of(a);
            if (n == null) {
                throw ConfigException.at(d.pos(), "invalid value \"%s\" in \"proxy_next_upstream\" directive", a);
            }
            set.add(n);
        }
        return set;
    }

    private static String value(LocationConfig config, String name, String dflt) {
        Directive d = config.find(name);
        return d == null ? dflt : d.arg(0);
    }

    private static long millis(LocationConfig config, String name, long dfltSeconds) {
        Directive d = config.find(name);
        if (d == null) {
            return dfltSeconds * 1000;
        }
        Duration t = ConfigValues.parseTime(d.arg(0)).orElseThrow(
                () -> ConfigException.at(d.pos(), "\"%s\" directive invalid value", name));
        return t.toMillis();
    }

    private static int number(Directive d) {
        return ConfigValues.parseInt(d.arg(0)).orElseThrow(
                () -> ConfigException.at(d.pos(), "\"%s\" directive invalid number", d.name()));
    }
}

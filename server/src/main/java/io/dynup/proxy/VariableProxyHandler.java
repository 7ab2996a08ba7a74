package io.dynup.proxy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dynup.balancer.Balancer;
import io.dynup.config.ConfigException;
import io.dynup.config.Directive;
import io.dynup.http.ComplexValue;
import io.dynup.http.ContentHandler;
import io.dynup.http.HttpExchange;
import io.dynup.http.LocationConfig;
import io.dynup.http.route.Location;
import io.dynup.net.Cidr;
import io.dynup.model.UpstreamKind;
import io.dynup.upstream.Upstream;

/**
 * {@code proxy_pass} with variables ({@code proxy_pass http://$backend;}), as nginx's ngx_http_proxy_eval: the
 * URL is made per request; its host names an upstream block (without a port), or is an IP address, else nginx
 * would need a {@code resolver} and dynup has none: 502 with nginx's {@code no resolver defined to resolve}. A
 * URI part is sent as it is, without the query; without one the client's URI goes unchanged.
 */
final class VariableProxyHandler implements ContentHandler {

    private static final Logger logger = LoggerFactory.getLogger(VariableProxyHandler.class);
    /** Bounds the proxy configurations kept per host: an address from the request must not grow memory. */
    private static final int MAX_CACHED = 64;

    private final ComplexValue url;
    private final Location location;
    private final LocationConfig config;
    private final Map<String, ProxyConfig> byHost = new ConcurrentHashMap<>();

    VariableProxyHandler(ComplexValue url, Location location, LocationConfig config) {
        this.url = url;
        this.location = location;
        this.config = config;
    }

    @Override
    public void handle(HttpExchange ex) {
        String u = url.evaluate(ex);
        if (!u.regionMatches(true, 0, "http://", 0, 7)) {
            logger.error("invalid URL prefix in \"{}\", {}", u, ex.logContext());
            ex.respondError(500);
            return;
        }
        String rest = u.substring(7);
        int slash = rest.indexOf('/');
        String hostPort = slash < 0 ? rest : rest.substring(0, slash);
        ProxyConfig cfg = byHost.get(hostPort);
        if (cfg == null) {
            cfg = configFor(hostPort, ex);
            if (cfg == null) {
                return;
            }
            if (byHost.size() < MAX_CACHED) {
                byHost.putIfAbsent(hostPort, cfg);
            }
        }
        new ProxyRequest(ex, cfg, slash < 0 ? null : escape(rest.substring(slash))).start();
    }

    private @Nullable ProxyConfig configFor(String hostPort, HttpExchange ex) {
        Upstream upstream = hostPort.indexOf(':') < 0
                ? config.services().registry().find(UpstreamKind.HTTP, hostPort) : null;
        if (upstream != null) {
            return ProxyModule.configure(upstream, config.services().balancers().of(upstream), hostPort, null,
                                         location, config);
        }
        String host = host(hostPort);
        if (!isAddress(host)) {
            logger.error("no resolver defined to resolve {}, {}", host, ex.logContext());
            ex.respondError(502);
            return null;
        }
        try {
            upstream = ProxyModule.implicitUpstream(hostPort, Directive.simple("proxy_pass", List.of(), location.pos()));
        } catch (ConfigException e) {
            logger.error("invalid URL \"http://{}\": {}, {}", hostPort, e.reason(), ex.logContext());
            ex.respondError(500);
            return null;
        }
        // an address of its own per URL, as nginx makes one per request: no state shared with the upstreams
        Balancer balancer = Balancer.create(upstream, config.services().balancers().ticker());
        return ProxyModule.configure(upstream, balancer, hostPort, null, location, config);
    }

    private static String host(String hostPort) {
        if (hostPort.startsWith("[")) {
            int close = hostPort.indexOf(']');
            return close > 0 ? hostPort.substring(1, close) : hostPort;
        }
        int colon = hostPort.indexOf(':');
        return colon < 0 ? hostPort : hostPort.substring(0, colon);
    }

    /** An IP literal, which needs no resolver (and must not reach one on an event loop). */
    private static boolean isAddress(String host) {
        return !host.isEmpty() && host.indexOf('/') < 0 && Cidr.parse(host) != null;
    }

    /** Bytes a request line cannot carry as they are: controls, space, non-ASCII. */
    private static String escape(String uri) {
        StringBuilder sb = null;
        byte[] bytes = uri.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            if (b <= 0x20 || b >= 0x7f) {
                if (sb == null) {
                    sb = new StringBuilder(bytes.length + 16).append(new String(bytes, 0, i, StandardCharsets.ISO_8859_1));
                }
                sb.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
                  .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            } else if (sb != null) {
                sb.append((char) b);
            }
        }
        return sb == null ? uri : sb.toString();
    }

    @Override
    public String toString() {
        return "proxy_pass " + url;
    }
}

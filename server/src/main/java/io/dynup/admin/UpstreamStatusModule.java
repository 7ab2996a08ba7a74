package io.dynup.admin;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.jspecify.annotations.Nullable;

import io.dynup.config.Context;
import io.dynup.config.DirectiveSpec;
import io.dynup.http.ContentHandler;
import io.dynup.http.HttpExchange;
import io.dynup.http.HttpModule;
import io.dynup.http.LocationConfig;
import io.dynup.http.route.Location;
import io.dynup.http.wire.Method;
import io.dynup.internal.Ticker;
import io.dynup.model.HealthCheck;
import io.dynup.model.PeerSpec;
import io.dynup.model.UpstreamKind;
import io.dynup.upstream.Peer;
import io.dynup.upstream.PeerState;
import io.dynup.upstream.Upstream;
import io.dynup.upstream.UpstreamService;
import io.dynup.upstream.UpstreamSnapshot;
import io.netty.buffer.Unpooled;

/**
 * {@code upstream_status;}: a small HTML page of every upstream's peers with their parameters, state and
 * counters, and their active health (status, checks, failed checks, last failure) where checks run or held
 * a peer back, refreshing itself every {@value #REFRESH_SECONDS} seconds. No scripts, no external resources;
 * every name is HTML-escaped.
 */
public final class UpstreamStatusModule implements HttpModule {

    static final int REFRESH_SECONDS = 5;

    @Override
    public List<DirectiveSpec> directives() {
        return List.of(DirectiveSpec.simple("upstream_status", 0, 0, Context.HTTP_LOCATION));
    }

    @Override
    public @Nullable ContentHandler contentHandler(Location location, LocationConfig config) {
        if (config.own("upstream_status") == null) {
            return null;
        }
        UpstreamService service = config.services().upstreams();
        Ticker ticker = config.services().balancers().ticker();
        return ex -> handle(ex, service, ticker);
    }

    private static void handle(HttpExchange ex, UpstreamService service, Ticker ticker) {
        Method m = ex.request().method();
        if (m != Method.GET && m != Method.HEAD) {
            ex.respondError(405);
            return;
        }
        byte[] page = page(service, ticker.readMillis()).getBytes(StandardCharsets.UTF_8);
        ex.respond(200, "text/html; charset=utf-8", Unpooled.wrappedBuffer(page));
    }

    static String page(UpstreamService service, long nowMillis) {
        StringBuilder sb = new StringBuilder(4096);
        sb.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">")
          .append("<meta http-equiv=\"refresh\" content=\"").append(REFRESH_SECONDS).append("\">")
          .append("<title>dynup upstreams</title><style>")
          .append("body{font-family:sans-serif}table{border-collapse:collapse;margin-bottom:1em}")
          .append("th,td{border:1px solid #bbb;padding:2px 8px;text-align:right}td.l{text-align:left}")
          .append(".down,.disabled{color:#777}.unavail,.unhealthy{color:#b00;font-weight:bold}.checking{color:#a60}")
          .append("</style></head><body>\n<h1>dynup upstreams</h1>\n");
        boolean any = false;
        for (UpstreamKind kind : UpstreamKind.values()) {
            for (Upstream u : service.registry().upstreams(kind)) {
                any = true;
                upstream(sb, u, u.snapshot(), nowMillis);
            }
        }
        if (!any) {
            sb.append("<p>No upstreams are configured.</p>\n");
        }
        return sb.append("</body></html>\n").toString();
    }

    private static void upstream(StringBuilder sb, Upstream u, UpstreamSnapshot snap, long nowMillis) {
        sb.append("<h2>").append(u.kind().configName()).append(" upstream ").append(escape(u.name()))
          .append(" <small>(generation ").append(snap.generation()).append(")</small></h2>\n");
        if (snap.isEmpty()) {
            sb.append("<p>No servers.</p>\n");
            return;
        }
        HealthCheck check = snap.check();
        boolean checking = check != null && !check.off();
        if (checking) {
            sb.append("<p>health check: ").append(check(check)).append("</p>\n");
        }
        sb.append("<table><tr><th>id</th><th>server</th><th>name</th><th>state</th><th>backup</th>")
          .append("<th>weight</th><th>max_fails</th><th>fail_timeout</th><th>max_conns</th><th>active</th>")
          .append("<th>requests</th><th>1xx</th><th>2xx</th><th>3xx</th><th>4xx</th><th>5xx</th>")
          .append("<th>fails</th><th>unavail</th><th>health</th><th>checks</th><th>check fails</th>")
          .append("<th>last check failure</th></tr>\n");
        for (Peer p : snap.all()) {
            PeerSpec s = p.spec();
            PeerState st = p.state();
            String state = UpstreamApi.state(p, nowMillis);
            sb.append("<tr class=\"").append(state).append("\"><td>").append(p.id())
              .append("</td><td class=\"l\">").append(escape(s.server()))
              .append("</td><td class=\"l\">").append(escape(s.name()))
              .append("</td><td class=\"l\">").append(state)
              .append("</td><td class=\"l\">").append(s.backup() ? "backup" : "")
              .append("</td><td>").append(s.weight())
              .append("</td><td>").append(s.maxFails())
              .append("</td><td>").append(s.failTimeout()).append('s')
              .append("</td><td>").append(s.maxConns())
              .append("</td><td>").append(st.conns())
              .append("</td><td>").append(st.requests());
            for (int c = 1; c <= 5; c++) {
                sb.append("</td><td>").append(st.responses(c));
            }
            sb.append("</td><td>").append(st.failures())
              .append("</td><td>").append(st.unavail());
            health(sb, st, checking);
            sb.append("</td></tr>\n");
        }
        sb.append("</table>\n");
    }

    /** The check's parameters in the words of its directives, escaped. */
    private static String check(HealthCheck c) {
        StringBuilder sb = new StringBuilder("type=").append(c.typeName())
                .append(" interval=").append(c.interval().toMillis()).append("ms timeout=")
                .append(c.timeout().toMillis()).append("ms fall=").append(c.fall()).append(" rise=").append(c.rise());
        if (c.type() == HealthCheck.Type.HTTP) {
            sb.append(' ').append(c.method()).append(' ').append(c.uri());
        }
        return escape(sb.toString());
    }

    /**
     * The health cells: shown where checks run, or hold the peer back (disabled with checks off); empty for
     * peers no check judges. Times are UTC, to the second.
     */
    private static void health(StringBuilder sb, PeerState st, boolean checking) {
        if (!checking && !st.checked()) {
            sb.append("</td><td></td><td></td><td></td><td class=\"l\">");
            return;
        }
        long last = st.lastFailureEpochMillis();
        sb.append("</td><td class=\"l\">").append(st.health().label())
          .append("</td><td>").append(st.checks())
          .append("</td><td>").append(st.checkFails())
          .append("</td><td class=\"l\">")
          .append(last == 0 ? "never" : Instant.ofEpochMilli(last).truncatedTo(ChronoUnit.SECONDS).toString());
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}

package io.dynup.lua.lib;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import io.dynup.model.HealthCheck;
import io.dynup.model.UpstreamKind;
import io.dynup.upstream.Peer;
import io.dynup.upstream.Upstream;
import io.dynup.upstream.UpstreamService;
import io.dynup.upstream.UpstreamSnapshot;

/**
 * OpenResty's lua-resty-upstream-healthcheck (0.08) over dynup's built-in checker, without Lua: the options of
 * {@code spawn_checker} become the upstream's {@link HealthCheck}, and {@code status_page} and
 * {@code prometheus_status_page} are read from the live peers. The original kept its verdicts in a
 * {@code lua_shared_dict} and probed from a timer in every worker; here one prober per peer judges and the
 * balancer skips what it judged, so the dict is only checked to exist and {@code concurrency} has nothing to
 * limit.
 */
final class RestyHealthcheck {

    /** The original's defaults: a check every second, a second to answer, 5 failures down, 2 passes up. */
    static final double DEFAULT_INTERVAL_MILLIS = 1000;
    static final double DEFAULT_TIMEOUT_MILLIS = 1000;
    static final double DEFAULT_FALL = 5;
    static final double DEFAULT_RISE = 2;
    /** The original's floor: shorter intervals are raised to it. */
    static final double MIN_INTERVAL_MILLIS = 2;

    /** Headers the checker writes itself from the request it sends; copies from {@code http_req} would clash. */
    private static final Set<String> FRAMING = Set.of("content-length", "transfer-encoding", "connection");

    private RestyHealthcheck() {
    }

    /**
     * The numeric options of {@code spawn_checker} after the original's defaults, in its units (milliseconds),
     * and {@code valid_statuses} (empty: the option was not given).
     */
    record Options(String httpReq, boolean https, double port, double intervalMillis, double timeoutMillis, double fall,
                   double rise, List<Double> validStatuses) {
        Options {
            validStatuses = List.copyOf(validStatuses);
        }
    }

    /** A request parsed from {@code http_req}: the parts the checker composes its own request from. */
    record Request(String method, String uri, List<String> headers, @Nullable String body) {
    }

    /**
     * The check {@code spawn_checker} asks for, over {@code before}: an HTTP check on, new peers selectable at
     * once (the original takes peers down only after {@code fall} failures), and what the options say; the
     * rest of {@code before} (keepalive, a response body pattern from the config) stays. Equal options give an
     * equal check, so every worker spawning the same checker changes nothing after the first.
     *
     * @throws IllegalArgumentException naming the option that is out of range
     */
    static HealthCheck apply(HealthCheck before, Options o) {
        Request req = parse(o.httpReq());
        List<Integer> codes = new ArrayList<>();
        for (double s : o.validStatuses()) {
            codes.add(integer("valid_statuses", s, 100, 599, "an integer 100-599"));
        }
        long interval = (long) Math.ceil(Math.max(o.intervalMillis(), MIN_INTERVAL_MILLIS));
        return before.toBuilder()
                     .type(HealthCheck.Type.HTTP)
                     .ssl(o.https())
                     .off(false)
                     .initialUp(true)
                     .method(req.method())
                     .uri(req.uri())
                     .requestHeaders(req.headers())
                     .requestBody(req.body())
                     .responseCodes(codes)
                     .port(o.port() == 0 ? 0 : integer("port", o.port(), 1, 65535, "an integer 1-65535"))
                     .interval(Duration.ofMillis(interval))
                     .timeout(Duration.ofMillis((long) Math.ceil(o.timeoutMillis())))
                     .fall(integer("fall", o.fall(), 1, Integer.MAX_VALUE, "an integer >= 1"))
                     .rise(integer("rise", o.rise(), 1, Integer.MAX_VALUE, "an integer >= 1"))
                     .build();
    }

    private static int integer(String option, double v, int min, int max, String expected) {
        if (v != Math.rint(v) || v < min || v > max) {
            throw new IllegalArgumentException(option + ": " + LuaValues.numberText(v) + " (expected: " + expected
                                               + ")");
        }
        return (int) v;
    }

    /**
     * Reads {@code "METHOD URI HTTP/1.x\r\nName: value\r\n...\r\n\r\n[body]"} (bare {@code \n} too). The
     * checker sends its own request line and framing headers, so the version, {@code Content-Length},
     * {@code Transfer-Encoding} and {@code Connection} are dropped.
     *
     * @throws IllegalArgumentException naming what is malformed
     */
    static Request parse(String raw) {
        int at = 0;
        String line = null;
        List<String> headers = new ArrayList<>();
        while (true) {
            int nl = raw.indexOf('\n', at);
            if (nl < 0) {
                throw new IllegalArgumentException(
                        "http_req: no empty line after the " + (line == null ? "request line" : "headers")
                        + " (expected: \"METHOD URI HTTP/1.x\\r\\n[Name: value\\r\\n...]\\r\\n[body]\")");
            }
            String l = raw.substring(at, nl > at && raw.charAt(nl - 1) == '\r' ? nl - 1 : nl);
            at = nl + 1;
            if (line == null) {
                line = l;
                continue;
            }
            if (l.isEmpty()) {
                break;
            }
            int colon = l.indexOf(':');
            String name = colon < 0 ? "" : l.substring(0, colon);
            if (!isToken(name)) {
                throw new IllegalArgumentException("http_req: bad header line \"" + l
                                                   + "\" (expected: Name: value)");
            }
            if (!FRAMING.contains(name.toLowerCase(Locale.ROOT))) {
                headers.add(name + '=' + l.substring(colon + 1).strip());
            }
        }
        String[] parts = line.split(" ", -1);
        if (parts.length != 3 || !isToken(parts[0]) || parts[1].isEmpty() || !parts[2].startsWith("HTTP/")) {
            throw new IllegalArgumentException("http_req: bad request line \"" + line
                                               + "\" (expected: METHOD URI HTTP/1.x)");
        }
        return new Request(parts[0], parts[1], headers, at == raw.length() ? null : raw.substring(at));
    }

    /** An RFC 9110 token: what a method or a header name may be. */
    private static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                  || "!#$%&'*+-.^_`|~".indexOf(c) >= 0)) {
                return false;
            }
        }
        return true;
    }

    /** Whether the upstream's peers are probed: a check in force and not off. */
    static boolean checked(UpstreamSnapshot snap) {
        HealthCheck c = snap.check();
        return c != null && !c.off();
    }

    /**
     * Whether the original would show the peer DOWN: it is not selected, for the operator's {@code down}, its
     * health (unhealthy, checking, disabled) or an address not resolved yet.
     */
    static boolean down(Peer p) {
        return !p.inService();
    }

    /**
     * {@code status_page()}: per http upstream, in config order, {@code Upstream NAME} (with {@code " (NO
     * checkers)"} when nothing probes it), then its primary and backup peers, {@code UP} or {@code DOWN}; a
     * blank line between upstreams.
     */
    static String statusPage(UpstreamService service) {
        StringBuilder sb = new StringBuilder(256);
        for (Upstream u : service.registry().upstreams(UpstreamKind.HTTP)) {
            UpstreamSnapshot snap = u.snapshot();
            if (!sb.isEmpty()) {
                sb.append('\n');
            }
            sb.append("Upstream ").append(u.name()).append(checked(snap) ? "" : " (NO checkers)")
              .append("\n    Primary Peers\n");
            peers(sb, snap.primary());
            sb.append("    Backup Peers\n");
            peers(sb, snap.backup());
        }
        return sb.toString();
    }

    private static void peers(StringBuilder sb, List<Peer> peers) {
        for (Peer p : peers) {
            sb.append("        ").append(p.name()).append(down(p) ? " DOWN\n" : " UP\n");
        }
    }

    /**
     * {@code prometheus_status_page()}: the gauge {@code nginx_upstream_status_info}, per peer UP and DOWN with
     * its role, then per upstream UP, DOWN (no peer up) or UNKNOWN (nothing probes it: no peer lines).
     */
    static String prometheusPage(UpstreamService service) {
        StringBuilder sb = new StringBuilder(512)
                .append("# HELP nginx_upstream_status_info The running status of nginx upstream\n")
                .append("# TYPE nginx_upstream_status_info gauge\n");
        for (Upstream u : service.registry().upstreams(UpstreamKind.HTTP)) {
            UpstreamSnapshot snap = u.snapshot();
            String name = label(u.name());
            String state = "UNKNOWN";
            if (checked(snap)) {
                boolean up = metrics(sb, name, snap.primary(), "PRIMARY")
                             | metrics(sb, name, snap.backup(), "BACKUP");
                state = up ? "UP" : "DOWN";
            }
            for (String s : List.of("UP", "DOWN", "UNKNOWN")) {
                sb.append("nginx_upstream_status_info{name=\"").append(name).append("\",status=\"").append(s)
                  .append("\"} ").append(s.equals(state) ? 1 : 0).append('\n');
            }
        }
        return sb.toString();
    }

    /** The peers' lines; true when one of them is up. */
    private static boolean metrics(StringBuilder sb, String upstream, List<Peer> peers, String role) {
        boolean anyUp = false;
        for (Peer p : peers) {
            boolean down = down(p);
            anyUp |= !down;
            for (String s : List.of("UP", "DOWN")) {
                sb.append("nginx_upstream_status_info{name=\"").append(upstream).append("\",endpoint=\"")
                  .append(label(p.name())).append("\",status=\"").append(s).append("\",role=\"").append(role)
                  .append("\"} ").append(s.equals("DOWN") == down ? 1 : 0).append('\n');
            }
        }
        return anyUp;
    }

    /** A Prometheus label value: backslash, quote and newline escaped (the original wrote names raw). */
    private static String label(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}

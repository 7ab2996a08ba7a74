package io.dynup.admin;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonGenerator;

import io.dynup.balancer.Balancer;
import io.dynup.internal.Ticker;
import io.dynup.model.HealthCheck;
import io.dynup.model.HealthCheckFields;
import io.dynup.model.PeerSpec;
import io.dynup.model.Result;
import io.dynup.model.UpstreamKind;
import io.dynup.upstream.HealthStatus;
import io.dynup.upstream.Peer;
import io.dynup.upstream.PeerOperation;
import io.dynup.upstream.PeerState;
import io.dynup.upstream.Upstream;
import io.dynup.upstream.UpstreamService;
import io.dynup.upstream.UpstreamSnapshot;

/**
 * The NGINX Plus API (version 9) for upstreams, as a function from a request to a response so that its
 * contract is tested without sockets. Paths are relative to the location ({@code 9/http/upstreams/backend}).
 *
 * <pre>
 * GET                 /                                      [1,...,9]
 * GET                 /9/{http|stream}/upstreams             {name: upstream}
 * GET                 /9/{kind}/upstreams/{name}             {"peers": [...], "keepalive": N, "zone": ...}
 * GET|POST            /9/{kind}/upstreams/{name}/servers     [server, ...] | 201 server
 * GET|PATCH|DELETE    /9/{kind}/upstreams/{name}/servers/{id}
 * POST                /9/{kind}/upstreams/{name}/batch       [{"op": "add"|"update"|"remove", ...}, ...]
 * GET|PATCH           /9/{kind}/upstreams/{name}/health_check  the active check (dynup)
 * </pre>
 *
 * Beyond Plus: every upstream answer carries the upstream's generation as {@code ETag}; a write with
 * {@code If-Match} applies only at that generation (412 otherwise), and a batch applies all its operations as
 * one change or none. Every write goes through {@link UpstreamService#applyBatch}, so a refused request
 * changes nothing. {@code health_check} is the upstream's active check in ngx_dynamic_healthcheck's keys
 * ({@link HealthCheckFields}); a PATCH changes the keys it gives ({@link UpstreamService#updateCheck}), with
 * {@code If-Match} as for servers.
 */
final class UpstreamApi {

    static final int VERSION = 9;
    /** Request bodies above this are refused with 413 before parsing. */
    static final int MAX_BODY = 64 * 1024;
    static final int MAX_OPERATIONS = 1000;

    private static final Logger logger = LoggerFactory.getLogger(UpstreamApi.class);

    private static final String HREF = "https://nginx.org/en/docs/http/ngx_http_api_module.html";

    /** A response: status, JSON body, and the upstream generation for {@code ETag} (negative: none). */
    record Response(int status, byte[] json, long etag) {
    }

    private final UpstreamService service;
    private final Ticker ticker;
    private final LongSupplier wallMillis;
    private final boolean write;

    UpstreamApi(UpstreamService service, Ticker ticker, LongSupplier wallMillis, boolean write) {
        this.service = service;
        this.ticker = ticker;
        this.wallMillis = wallMillis;
        this.write = write;
    }

    /**
     * Answers one request.
     *
     * @param method  GET, HEAD, POST, PATCH, DELETE (anything else is 405)
     * @param path    the URI path after the location's prefix
     * @param ifMatch the {@code If-Match} header, or null
     * @param body    the request body (empty when none)
     */
    Response handle(String method, String path, @Nullable String ifMatch, byte[] body) {
        try {
            return route(method, segments(path), ifMatch, body);
        } catch (ApiException e) {
            return error(e);
        } catch (RuntimeException e) {
            // a bug: the client still gets an answer (this may run after the body, outside the request's guard)
            logger.error("unexpected error in upstream_api for {} {}", method, path, e);
            return error(new ApiException(500, "InternalError", "internal error (see the error log)"));
        }
    }

    /** The error answer for a refusal made before routing (a body too large to read). */
    Response error(ApiException e) {
        String requestId = requestId();
        return new Response(e.status(), Json.write(g -> {
            g.writeStartObject();
            g.writeObjectFieldStart("error");
            g.writeNumberField("status", e.status());
            g.writeStringField("text", e.text());
            g.writeStringField("code", e.code());
            g.writeEndObject();
            g.writeStringField("request_id", requestId);
            g.writeStringField("href", HREF);
            g.writeEndObject();
        }), -1);
    }

    private Response route(String method, List<String> s, @Nullable String ifMatch, byte[] body) {
        boolean read = method.equals("GET") || method.equals("HEAD");
        if (s.isEmpty()) {
            allow(read, false);
            return ok(Json.write(g -> {
                g.writeStartArray();
                for (int v = 1; v <= VERSION; v++) {
                    g.writeNumber(v);
                }
                g.writeEndArray();
            }));
        }
        if (!s.get(0).equals(Integer.toString(VERSION))) {
            throw new ApiException(404, "UnknownVersion", "unknown version \"" + s.get(0) + "\" (expected: "
                                   + VERSION + ")");
        }
        if (s.size() == 1) {
            allow(read, false);
            return ok(names("http", "stream"));
        }
        UpstreamKind kind = kind(s.get(1));
        if (s.size() == 2) {
            allow(read, false);
            return ok(names("upstreams"));
        }
        if (!s.get(2).equals("upstreams")) {
            throw pathNotFound();
        }
        if (s.size() == 3) {
            allow(read, false);
            return ok(Json.write(g -> {
                g.writeStartObject();
                for (Upstream u : service.registry().upstreams(kind)) {
                    g.writeFieldName(u.name());
                    upstream(g, u, u.snapshot());
                }
                g.writeEndObject();
            }));
        }
        Upstream u = service.registry().find(kind, s.get(3));
        if (u == null) {
            throw new ApiException(404, "UpstreamNotFound", "upstream \"" + s.get(3) + "\" not found");
        }
        if (s.size() == 4) {
            allow(read, false);
            UpstreamSnapshot snap = u.snapshot();
            return new Response(200, Json.write(g -> upstream(g, u, snap)), snap.generation());
        }
        String leaf = s.get(4);
        if (leaf.equals("servers") && s.size() == 5) {
            if (read) {
                UpstreamSnapshot snap = u.snapshot();
                return new Response(200, Json.write(g -> servers(g, snap.all())), snap.generation());
            }
            allow(false, method.equals("POST"));
            PeerOperation.Add add = ServerFields.add(Json.parse(body));
            UpstreamSnapshot after = apply(u, ifMatch, List.of(add));
            Peer created = created(after, add.server());
            return new Response(201, Json.write(g -> server(g, created)), after.generation());
        }
        if (leaf.equals("servers") && s.size() == 6) {
            long id = serverId(s.get(5));
            if (read) {
                UpstreamSnapshot snap = u.snapshot();
                Peer p = byId(snap, id);
                return new Response(200, Json.write(g -> server(g, p)), snap.generation());
            }
            allow(false, method.equals("PATCH") || method.equals("DELETE"));
            if (method.equals("PATCH")) {
                PeerOperation.Update update = ServerFields.patch(Json.parse(body), byId(u.snapshot(), id));
                UpstreamSnapshot after = apply(u, ifMatch, List.of(update));
                return new Response(200, Json.write(g -> server(g, byId(after, id))), after.generation());
            }
            UpstreamSnapshot after = apply(u, ifMatch, List.of(new PeerOperation.Remove(id)));
            return new Response(200, Json.write(g -> servers(g, after.all())), after.generation());
        }
        if (leaf.equals("health_check") && s.size() == 5) {
            return healthCheck(u, read, method, ifMatch, body);
        }
        if (leaf.equals("batch") && s.size() == 5) {
            allow(false, method.equals("POST"));
            UpstreamSnapshot after = apply(u, ifMatch, operations(Json.parse(body)));
            return new Response(200, Json.write(g -> servers(g, after.all())), after.generation());
        }
        throw pathNotFound();
    }

    private Response healthCheck(Upstream u, boolean read, String method, @Nullable String ifMatch, byte[] body) {
        UpstreamSnapshot snap;
        if (read) {
            snap = u.snapshot();
            if (snap.check() == null) {
                throw new ApiException(404, "HealthCheckNotFound", "upstream \"" + u.name() + "\" has no health check");
            }
        } else {
            allow(false, method.equals("PATCH"));
            Object json = Json.parse(body);
            if (!(json instanceof Map)) {
                throw ServerFields.formatError("expected a JSON object of health check fields, got " + kindOf(json));
            }
            @SuppressWarnings("unchecked")
            Result<UnaryOperator<HealthCheck>> change = HealthCheckFields.parse((Map<String, ?>) json);
            if (!change.ok()) {
                throw ServerFields.formatError(change.error());
            }
            Result<UpstreamSnapshot> r = service.updateCheck(u.kind(), u.name(), expectedGeneration(ifMatch),
                                                             change.get());
            if (!r.ok()) {
                throw refusal(u, r.error());
            }
            snap = r.get();
        }
        UpstreamSnapshot shown = snap;
        return new Response(200, Json.write(g -> Json.value(g, HealthCheckFields.view(shown.check()))),
                            shown.generation());
    }

    /** Refuses a method the endpoint does not take (405), or a write when the API is read-only. */
    private void allow(boolean read, boolean writeAllowedHere) {
        if (read) {
            return;
        }
        if (!writeAllowedHere) {
            throw new ApiException(405, "MethodNotSupported", "method not supported");
        }
        if (!write) {
            throw new ApiException(405, "MethodDisabled", "method disabled (expected: upstream_api write=on)");
        }
    }

    private UpstreamSnapshot apply(Upstream u, @Nullable String ifMatch, List<PeerOperation> ops) {
        Result<UpstreamSnapshot> r = service.applyBatch(u.kind(), u.name(), expectedGeneration(ifMatch), ops);
        if (r.ok()) {
            return r.get();
        }
        throw refusal(u, r.error());
    }

    /** A change the service refused, as Plus's error. */
    private static ApiException refusal(Upstream u, String error) {
        if (error.equals(UpstreamService.UPSTREAM_NOT_FOUND)) {
            return new ApiException(404, "UpstreamNotFound", "upstream \"" + u.name() + "\" not found");
        }
        if (error.startsWith(UpstreamService.GENERATION_CHANGED)) {
            return new ApiException(412, "PreconditionFailed", "If-Match: " + error);
        }
        if (error.endsWith(UpstreamService.PEER_NOT_FOUND)) {
            return new ApiException(404, "UpstreamServerNotFound", error);
        }
        if (error.endsWith(UpstreamService.PEER_EXISTS) || error.endsWith(UpstreamService.TYPE_SWITCH)) {
            return new ApiException(409, "EntryExists", error);
        }
        if (error.startsWith("type: ")) {
            return ServerFields.formatError(error); // an http check asked of a stream upstream
        }
        // what remains is about an address the service could not take (e.g. a literal that does not resolve)
        return new ApiException(400, "UpstreamBadAddress", error);
    }

    /** {@code If-Match: "7"} (or {@code W/"7"}): the generation a write requires; -1 for none or {@code *}. */
    private static long expectedGeneration(@Nullable String ifMatch) {
        if (ifMatch == null || ifMatch.trim().equals("*")) {
            return -1;
        }
        String v = ifMatch.trim();
        if (v.startsWith("W/")) {
            v = v.substring(2);
        }
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
            v = v.substring(1, v.length() - 1);
        }
        if (!v.matches("\\d{1,18}")) {
            throw new ApiException(412, "PreconditionFailed", "If-Match: " + ifMatch
                                   + " (expected: an ETag of this upstream, such as \"7\")");
        }
        return Long.parseLong(v);
    }

    private static List<PeerOperation> operations(@Nullable Object json) {
        if (!(json instanceof List)) {
            throw ServerFields.formatError("expected a JSON array of operations, got " + kindOf(json));
        }
        List<?> list = (List<?>) json;
        if (list.size() > MAX_OPERATIONS) {
            throw ServerFields.formatError("too many operations: " + list.size() + " (expected: at most "
                                           + MAX_OPERATIONS + ")");
        }
        List<PeerOperation> ops = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            try {
                ops.add(operation(list.get(i)));
            } catch (ApiException e) {
                throw e.prefixed("operation " + i + ": ");
            }
        }
        return ops;
    }

    private static PeerOperation operation(@Nullable Object json) {
        Map<String, @Nullable Object> fields = new LinkedHashMap<>(ServerFields.object(json));
        Object op = fields.remove("op");
        if ("add".equals(op)) {
            return ServerFields.add(fields);
        }
        if ("update".equals(op)) {
            return ServerFields.update(fields);
        }
        if ("remove".equals(op)) {
            return ServerFields.remove(fields);
        }
        throw ServerFields.formatError("op: " + ServerFields.show(op) + " (expected: \"add\", \"update\" or "
                                       + "\"remove\")");
    }

    private static String kindOf(@Nullable Object json) {
        return json instanceof Map ? "an object" : ServerFields.show(json);
    }

    /**
     * The peer an add created, in the snapshot the add published: the newest with that server (a host name may
     * give several).
     */
    private static Peer created(UpstreamSnapshot after, String server) {
        Peer newest = null;
        for (Peer p : after.all()) {
            if (p.server().equals(server) && (newest == null || p.id() > newest.id())) {
                newest = p;
            }
        }
        if (newest == null) {
            throw new IllegalStateException("the add of " + server + " published no peer: " + after);
        }
        return newest;
    }

    private static Peer byId(UpstreamSnapshot snap, long id) {
        for (Peer p : snap.all()) {
            if (p.id() == id) {
                return p;
            }
        }
        throw new ApiException(404, "UpstreamServerNotFound", "server with id " + id + " does not exist");
    }

    private static long serverId(String segment) {
        if (!segment.matches("\\d{1,18}")) {
            throw new ApiException(400, "UpstreamBadServerId", "invalid server id \"" + segment + "\"");
        }
        return Long.parseLong(segment);
    }

    private static UpstreamKind kind(String segment) {
        if (segment.equals("http")) {
            return UpstreamKind.HTTP;
        }
        if (segment.equals("stream")) {
            return UpstreamKind.STREAM;
        }
        throw pathNotFound();
    }

    private static ApiException pathNotFound() {
        return new ApiException(404, "PathNotFound", "path not found");
    }

    /** The path's segments, without empty ones ({@code /9//http/} is {@code 9, http}). */
    private static List<String> segments(String path) {
        List<String> out = new ArrayList<>();
        for (String s : path.split("/")) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out;
    }

    private static Response ok(byte[] json) {
        return new Response(200, json, -1);
    }

    private static byte[] names(String... names) {
        return Json.write(g -> {
            g.writeStartArray();
            for (String n : names) {
                g.writeString(n);
            }
            g.writeEndArray();
        });
    }

    /** A server object of the configuration endpoints. */
    static void server(JsonGenerator g, Peer p) throws IOException {
        PeerSpec s = p.spec();
        g.writeStartObject();
        g.writeNumberField("id", p.id());
        g.writeStringField("server", s.server());
        g.writeNumberField("weight", s.weight());
        g.writeNumberField("max_conns", s.maxConns());
        g.writeNumberField("max_fails", s.maxFails());
        g.writeStringField("fail_timeout", s.failTimeout() + "s");
        g.writeBooleanField("backup", s.backup());
        g.writeBooleanField("down", s.down());
        g.writeEndObject();
    }

    private static void servers(JsonGenerator g, List<Peer> peers) throws IOException {
        g.writeStartArray();
        for (Peer p : peers) {
            server(g, p);
        }
        g.writeEndArray();
    }

    /** An upstream status object: its peers with state and counters. */
    private void upstream(JsonGenerator g, Upstream u, UpstreamSnapshot snap) throws IOException {
        long now = ticker.readMillis();
        long wall = wallMillis.getAsLong();
        g.writeStartObject();
        g.writeArrayFieldStart("peers");
        for (Peer p : snap.all()) {
            PeerSpec s = p.spec();
            PeerState st = p.state();
            g.writeStartObject();
            g.writeNumberField("id", p.id());
            g.writeStringField("server", s.server());
            g.writeStringField("name", s.name());
            g.writeBooleanField("backup", s.backup());
            g.writeNumberField("weight", s.weight());
            g.writeStringField("state", state(p, now));
            g.writeNumberField("active", st.conns());
            if (s.maxConns() != 0) {
                g.writeNumberField("max_conns", s.maxConns());
            }
            g.writeNumberField("requests", st.requests());
            g.writeObjectFieldStart("responses");
            for (int c = 1; c <= 5; c++) {
                g.writeNumberField(c + "xx", st.responses(c));
            }
            g.writeNumberField("total", st.responsesTotal());
            g.writeEndObject();
            g.writeNumberField("fails", st.failures());
            g.writeNumberField("unavail", st.unavail());
            if (st.checked()) {
                g.writeObjectFieldStart("health_checks");
                g.writeNumberField("checks", st.checks());
                g.writeNumberField("fails", st.checkFails());
                g.writeNumberField("unhealthy", st.unhealthyTimes());
                if (st.checks() != 0) {
                    g.writeBooleanField("last_passed", st.lastPassed());
                }
                g.writeEndObject();
            }
            if (st.requests() != 0) {
                // the ticker is monotonic, not a clock: the selection is dated by its age
                long selected = wall - (now - st.selectedMillis());
                g.writeStringField("selected", Instant.ofEpochMilli(selected).toString());
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeNumberField("keepalive", u.idleConnections());
        if (u.zone() != null) {
            g.writeStringField("zone", u.zone());
        }
        g.writeEndObject();
    }

    /**
     * Plus's peer state: {@code down} as set or held out by the health-check API ({@code disable},
     * {@code disable_host}: Plus has no state of its own for it, and its clients know {@code down}),
     * {@code unhealthy} or {@code checking} by active checks, {@code unavail} while failed out or unresolved,
     * else up.
     */
    static String state(Peer p, long nowMillis) {
        if (p.spec().down() || p.state().health() == HealthStatus.DISABLED) {
            return "down";
        }
        if (p.state().health() != HealthStatus.HEALTHY) {
            return p.state().health().label();
        }
        return !p.spec().resolved() || Balancer.failedOut(p, nowMillis) ? "unavail" : "up";
    }

    /** nginx's {@code $request_id}: 16 random bytes in hex. */
    private static String requestId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return String.format("%016x%016x", r.nextLong(), r.nextLong());
    }
}

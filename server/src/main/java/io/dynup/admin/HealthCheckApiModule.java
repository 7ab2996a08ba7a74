package io.dynup.admin;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import org.jspecify.annotations.Nullable;

import io.dynup.config.Context;
import io.dynup.config.DirectiveSpec;
import io.dynup.http.ContentHandler;
import io.dynup.http.HttpExchange;
import io.dynup.http.HttpModule;
import io.dynup.http.LocationConfig;
import io.dynup.http.route.Location;
import io.dynup.http.wire.Method;
import io.dynup.model.HealthCheck;
import io.dynup.model.HealthCheckFields;
import io.dynup.model.Result;
import io.dynup.model.UpstreamKind;
import io.dynup.upstream.CheckStatus;
import io.dynup.upstream.Upstream;
import io.dynup.upstream.UpstreamService;
import io.dynup.upstream.UpstreamSnapshot;
import io.netty.buffer.ByteBufUtil;

/**
 * ngx_dynamic_healthcheck's HTTP handlers: {@code healthcheck_get;} and {@code healthcheck_status;} answer the
 * checks ({@link HealthCheckFields}) and the peers' health ({@link CheckStatus}) as JSON, of every http upstream
 * with a check or of {@code ?upstream=NAME} ({@code &stream=} for stream upstreams; 404 {@code not found} for
 * an unknown upstream or one without a check). {@code healthcheck_update;} changes a check from query arguments
 * ({@code type fall rise timeout interval keepalive port request_uri request_method request_headers=h1:v1|h2:v2
 * request_body response_codes=200|204 response_body off disable disable_host enable_host}), all of them as one
 * change through {@link UpstreamService#updateCheck}: 200 {@code updated}, 304 when nothing changed, 400 naming
 * the argument that is wrong (nothing changes then), 404 for an unknown upstream. {@code disable_host} and
 * {@code enable_host} without {@code upstream} apply to every upstream of the kind.
 */
public final class HealthCheckApiModule implements HttpModule {

    /** The query arguments that map onto {@link HealthCheckFields} keys, with the key's path. */
    private static final Map<String, String> ARGUMENTS = arguments();
    private static final String NOTHING_TO_UPDATE = "nothing to update (expected: "
            + String.join(", ", ARGUMENTS.keySet()) + ", disable_host or enable_host)";

    @Override
    public List<DirectiveSpec> directives() {
        return List.of(DirectiveSpec.simple("healthcheck_get", 0, 0, Context.HTTP_LOCATION),
                       DirectiveSpec.simple("healthcheck_status", 0, 0, Context.HTTP_LOCATION),
                       DirectiveSpec.simple("healthcheck_update", 0, 0, Context.HTTP_LOCATION));
    }

    @Override
    public @Nullable ContentHandler contentHandler(Location location, LocationConfig config) {
        UpstreamService service = config.services().upstreams();
        if (config.own("healthcheck_get") != null) {
            return ex -> handle(ex, q -> read(q, service, s -> HealthCheckFields.view(s.check())));
        }
        if (config.own("healthcheck_status") != null) {
            return ex -> handle(ex, q -> read(q, service, CheckStatus::view));
        }
        if (config.own("healthcheck_update") != null) {
            return ex -> handle(ex, q -> update(q, service));
        }
        return null;
    }

    private static void handle(HttpExchange ex, Function<QueryArgs, Answer> answer) {
        if (ex.request().method() != Method.GET && ex.request().method() != Method.HEAD) {
            ex.respondError(405);
            return;
        }
        Answer a = answer.apply(new QueryArgs(ex.request().query()));
        ex.respond(a.status, a.contentType,
                   ByteBufUtil.encodeString(ex.alloc(), java.nio.CharBuffer.wrap(a.body), StandardCharsets.UTF_8));
    }

    /** {@code healthcheck_get} and {@code healthcheck_status}: {@code view} of one upstream, or of all by name. */
    static Answer read(QueryArgs q, UpstreamService service, Function<UpstreamSnapshot, Map<String, Object>> view) {
        UpstreamKind kind = q.has("stream") ? UpstreamKind.STREAM : UpstreamKind.HTTP;
        String name = q.get("upstream");
        if (name == null) {
            Map<String, Object> all = new LinkedHashMap<>();
            for (Upstream u : service.registry().upstreams(kind)) {
                UpstreamSnapshot snap = u.snapshot();
                if (snap.check() != null) {
                    all.put(u.name(), view.apply(snap));
                }
            }
            return json(all);
        }
        Upstream u = service.registry().find(kind, name);
        UpstreamSnapshot snap = u == null ? null : u.snapshot();
        if (snap == null || snap.check() == null) {
            return new Answer(404, "text/plain", "not found");
        }
        return json(view.apply(snap));
    }

    /** {@code healthcheck_update}: the arguments given, as one change of one upstream (or of every one, for hosts). */
    static Answer update(QueryArgs q, UpstreamService service) {
        UpstreamKind kind = q.has("stream") ? UpstreamKind.STREAM : UpstreamKind.HTTP;
        Map<String, Object> fields = new LinkedHashMap<>();
        try {
            fields(q, fields);
        } catch (IllegalArgumentException e) {
            return badRequest(e.getMessage());
        }
        Result<UnaryOperator<HealthCheck>> parsed = HealthCheckFields.parse(fields);
        if (!parsed.ok()) {
            return badRequest(argumentNamed(parsed.error()));
        }
        List<UnaryOperator<HealthCheck>> hosts = new ArrayList<>();
        for (String arg : List.of("disable_host", "enable_host")) {
            String host = q.get(arg);
            if (host != null && !host.isEmpty()) {
                hosts.add(HealthCheckFields.disableHost(host, arg.equals("disable_host")));
            }
        }
        String name = q.get("upstream");
        if (name == null || name.isEmpty()) {
            if (!fields.isEmpty()) {
                return badRequest("upstream required");
            }
            if (hosts.isEmpty()) {
                return badRequest(NOTHING_TO_UPDATE);
            }
            List<Upstream> all = service.registry().upstreams(kind);
            if (all.isEmpty()) {
                return new Answer(404, "text/plain", UpstreamService.UPSTREAM_NOT_FOUND);
            }
            boolean changed = false;
            for (Upstream u : all) {
                Result<Boolean> r = service.updateCheck(kind, u.name(), all(hosts));
                if (!r.ok()) {
                    return badRequest(r.error());
                }
                changed |= r.get();
            }
            return changed ? new Answer(200, "text/plain", "updated") : new Answer(304, "text/plain", "");
        }
        if (fields.isEmpty() && hosts.isEmpty()) {
            return badRequest(NOTHING_TO_UPDATE);
        }
        hosts.add(0, parsed.get());
        Result<Boolean> r = service.updateCheck(kind, name, all(hosts));
        if (!r.ok()) {
            return r.error().equals(UpstreamService.UPSTREAM_NOT_FOUND)
                    ? new Answer(404, "text/plain", r.error()) : badRequest(argumentNamed(r.error()));
        }
        return r.get() ? new Answer(200, "text/plain", "updated") : new Answer(304, "text/plain", "");
    }

    private static UnaryOperator<HealthCheck> all(List<UnaryOperator<HealthCheck>> changes) {
        return c -> {
            HealthCheck out = c;
            for (UnaryOperator<HealthCheck> change : changes) {
                out = change.apply(out);
            }
            return out;
        };
    }

    /** The query arguments in {@link HealthCheckFields}' nested keys, with the module's list syntax split. */
    private static void fields(QueryArgs q, Map<String, Object> fields) {
        for (Map.Entry<String, String> a : ARGUMENTS.entrySet()) {
            String value = q.get(a.getKey());
            if (value == null) {
                continue;
            }
            Object parsed = value;
            if (a.getKey().equals("request_headers")) {
                Map<String, String> headers = new LinkedHashMap<>();
                for (String pair : value.isEmpty() ? new String[0] : value.split("\\|")) {
                    int colon = pair.indexOf(':');
                    if (colon <= 0) {
                        throw new IllegalArgumentException("request_headers: \"" + pair
                                                           + "\" (expected: name:value pairs separated by |)");
                    }
                    headers.put(pair.substring(0, colon), pair.substring(colon + 1));
                }
                parsed = headers;
            } else if (a.getKey().equals("response_codes")) {
                parsed = value.isEmpty() ? List.of() : List.of(value.split("\\|", -1));
            }
            put(fields, a.getValue(), parsed);
        }
    }

    @SuppressWarnings("unchecked")
    private static void put(Map<String, Object> fields, String path, Object value) {
        int dot = path.indexOf('.');
        if (dot < 0) {
            fields.put(path, value);
            return;
        }
        Map<String, Object> inner = (Map<String, Object>) fields.computeIfAbsent(path.substring(0, dot),
                                                                                   k -> new LinkedHashMap<>());
        put(inner, path.substring(dot + 1), value);
    }

    /** An error about a key's path, about the query argument it came from. */
    private static String argumentNamed(String error) {
        for (Map.Entry<String, String> a : ARGUMENTS.entrySet()) {
            String path = a.getValue();
            if (!path.equals(a.getKey()) && (error.startsWith(path + ":") || error.startsWith(path + "."))) {
                return a.getKey() + error.substring(path.length());
            }
        }
        return error;
    }

    private static Map<String, String> arguments() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String same : List.of("type", "fall", "rise", "timeout", "interval", "keepalive", "port", "off")) {
            m.put(same, same);
        }
        m.put("disable", "disabled");
        m.put("request_uri", "command.uri");
        m.put("request_method", "command.method");
        m.put("request_headers", "command.headers");
        m.put("request_body", "command.body");
        m.put("response_codes", "command.expected.codes");
        m.put("response_body", "command.expected.body");
        return m;
    }

    private static Answer json(Object value) {
        return new Answer(200, "application/json",
                          new String(Json.write(g -> Json.value(g, value)), StandardCharsets.UTF_8));
    }

    private static Answer badRequest(String text) {
        return new Answer(400, "text/plain", text);
    }

    /** A status, its content type and body. */
    record Answer(int status, String contentType, String body) {
    }
}

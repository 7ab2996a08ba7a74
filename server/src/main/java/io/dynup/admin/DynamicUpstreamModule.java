package io.dynup.admin;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import io.dynup.config.Context;
import io.dynup.config.DirectiveSpec;
import io.dynup.http.ContentHandler;
import io.dynup.http.HttpExchange;
import io.dynup.http.HttpModule;
import io.dynup.http.LocationConfig;
import io.dynup.http.route.Location;
import io.dynup.http.wire.Method;
import io.dynup.model.Overlay;
import io.dynup.model.PeerSpec;
import io.dynup.model.PeerUpdate;
import io.dynup.model.Result;
import io.dynup.model.UpstreamKind;
import io.dynup.upstream.HealthStatus;
import io.dynup.upstream.Peer;
import io.dynup.upstream.UpstreamService;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/**
 * ngx_dynamic_upstream's HTTP query API: {@code location /dynamic { dynamic_upstream; }}, answering
 * {@code ?upstream=backend[&verbose=]} with the peers and {@code &server=X&add=|remove=|up=|down=|weight=...}
 * with a change, in the module's text format and status codes (REFERENCE.md section 2); dynup adds
 * {@code &diff=} (the run-time changes over the config, in the state file's line format) and {@code &reset=}
 * (back to the config; 304 when already there), docs/STATE.md. Every change goes
 * through {@link UpstreamService}; a malformed request answers 400 and changes nothing (the reference aborts
 * a worker on {@code peer=} without {@code server=}).
 */
public final class DynamicUpstreamModule implements HttpModule {

    private static final String[] NUMBERS = {"weight", "max_fails", "fail_timeout", "max_conns"};

    @Override
    public List<DirectiveSpec> directives() {
        return List.of(DirectiveSpec.simple("dynamic_upstream", 0, 0, Context.HTTP_LOCATION));
    }

    @Override
    public @Nullable ContentHandler contentHandler(Location location, LocationConfig config) {
        if (config.own("dynamic_upstream") == null) {
            return null;
        }
        UpstreamService service = config.services().upstreams();
        return ex -> handle(ex, service);
    }

    static void handle(HttpExchange ex, UpstreamService service) {
        if (ex.request().method() != Method.GET && ex.request().method() != Method.HEAD) {
            reply(ex, 405, "only GET allowed");
            return;
        }
        QueryArgs q = new QueryArgs(ex.request().query());
        Answer a = answer(q, service);
        reply(ex, a.status, a.body);
    }

    /** The status and body for a query; pure, so the table of REFERENCE.md is tested without a server. */
    static Answer answer(QueryArgs q, UpstreamService service) {
        String upstream = q.get("upstream");
        if (upstream == null || upstream.isEmpty()) {
            return new Answer(400, "upstream required");
        }
        UpstreamKind kind = q.has("stream") ? UpstreamKind.STREAM : UpstreamKind.HTTP;
        if (kind == UpstreamKind.STREAM && service.registry().isEmpty(UpstreamKind.STREAM)) {
            return new Answer(400, "module is not configured");
        }
        if (!service.read(kind, upstream).ok()) {
            return new Answer(404, "upstream is not found");
        }
        if (q.has("diff")) {
            StringBuilder sb = new StringBuilder();
            for (Overlay.Entry e : service.diff(kind, upstream).get().entries()) {
                sb.append(e.line()).append('\n');
            }
            return new Answer(200, sb.toString());
        }
        boolean add = q.has("add");
        boolean remove = q.has("remove");
        boolean up = q.has("up");
        boolean down = q.has("down");
        if (add && remove) {
            return new Answer(400, "add and remove at once are not allowed");
        }
        if (up && down) {
            return new Answer(400, "down and up at once are not allowed");
        }
        Map<String, Object> params = new LinkedHashMap<>();
        for (String name : NUMBERS) {
            String v = q.get(name);
            if (v != null) {
                if (!v.matches("\\d{1,10}")) {
                    return new Answer(400, name + ": not a number");
                }
                params.put(name, Long.parseLong(v));
            }
        }
        if (down || add && q.has("down")) {
            params.put("down", true);
        } else if (up) {
            params.put("down", false);
        }
        Result<PeerUpdate> update = PeerUpdate.parse(params);
        if (!update.ok()) {
            return new Answer(400, update.error());
        }
        boolean change = add || remove || !params.isEmpty();
        if (q.has("reset")) {
            if (change) {
                return new Answer(400, "reset and other changes at once are not allowed");
            }
            Result<Boolean> r = service.reset(kind, upstream);
            if (!r.ok()) {
                return failure(r.error());
            }
            return r.get() ? new Answer(200, list(service.getPeers(kind, upstream).get(), true)) : new Answer(304, "");
        }
        boolean verbose = q.has("verbose") || change;
        String server = q.get("server");
        if (change && (server == null || server.isEmpty())) {
            return new Answer(400, "'server' argument required");
        }
        if (change) {
            Result<Boolean> r;
            if (add) {
                r = service.addPeer(kind, upstream, server, q.has("backup"), update.get());
            } else if (remove) {
                r = service.removePeer(kind, upstream, server);
            } else {
                r = service.updatePeer(kind, upstream, server, update.get());
            }
            if (!r.ok()) {
                return failure(r.error());
            }
            if (!r.get() && (add || remove)) {
                return new Answer(304, "");
            }
        }
        return new Answer(200, list(service.getPeers(kind, upstream).get(), verbose));
    }

    /** 412 for a tier switch, 500 when the state file could not take the change, else 400. */
    private static Answer failure(String err) {
        return new Answer(err.startsWith("can't change server type") ? 412 : err.startsWith("state file") ? 500 : 400,
                          err);
    }

    /**
     * {@code server <server> addr=<name>[ weight=.. max_fails=.. fail_timeout=.. max_conns=.. conns=..[ unhealthy|
     * checking]][ down][ backup];}: the health active checks give is dynup's, after the reference's fields.
     */
    static String list(List<Peer> peers, boolean verbose) {
        StringBuilder sb = new StringBuilder();
        for (Peer p : peers) {
            PeerSpec s = p.spec();
            sb.append("server ").append(s.server()).append(" addr=").append(s.name());
            if (verbose) {
                sb.append(" weight=").append(s.weight()).append(" max_fails=").append(s.maxFails())
                  .append(" fail_timeout=").append(s.failTimeout()).append(" max_conns=").append(s.maxConns())
                  .append(" conns=").append(p.state().conns());
                if (p.state().health() != HealthStatus.HEALTHY) {
                    sb.append(' ').append(p.state().health().label());
                }
            }
            if (s.down()) {
                sb.append(" down");
            }
            if (s.backup()) {
                sb.append(" backup");
            }
            sb.append(";\n");
        }
        return sb.toString();
    }

    private static void reply(HttpExchange ex, int status, String body) {
        ByteBuf b = ByteBufUtil.encodeString(ex.alloc(), java.nio.CharBuffer.wrap(body), StandardCharsets.UTF_8);
        ex.respond(status, "text/plain", b);
    }

    /** A status and a text body. */
    record Answer(int status, String body) {
    }
}

package io.dynup.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import io.dynup.balancer.Attempt;
import io.dynup.balancer.Balancer;
import io.dynup.internal.Ticker;
import io.dynup.model.HostResolver;
import io.dynup.model.PeerUpdate;
import io.dynup.model.Result;
import io.dynup.model.UpstreamKind;
import io.dynup.model.UpstreamSpec;
import io.dynup.upstream.Peer;
import io.dynup.upstream.Upstream;
import io.dynup.upstream.UpstreamRegistry;
import io.dynup.upstream.UpstreamService;

/**
 * The seed's Synopsis played through the Java API on the embedded default configuration: the status page,
 * adding 127.0.0.1:9091 with the Synopsis parameters, the balancer's choices, and removing it again. The
 * HTTP server that serves the same pages arrives with the proxy; until then this shows the control plane
 * and the balancer working for real.
 */
final class Demo {

    static final String DEFAULT_CONFIG = "default.conf";

    private Demo() {
    }

    static int run(@Nullable Path conf, PrintStream out) {
        List<UpstreamSpec> specs = conf != null ? Main.load(conf)
                : Main.loadString(embeddedDefault(), Path.of("/embedded/" + DEFAULT_CONFIG));
        UpstreamRegistry registry = new UpstreamRegistry(specs);
        UpstreamService service = new UpstreamService(registry, HostResolver.system(), Runnable::run);
        if (registry.isEmpty(UpstreamKind.HTTP)) {
            out.println("no http upstreams in the configuration");
            return 0;
        }
        Upstream backend = registry.upstreams(UpstreamKind.HTTP).get(0);
        String u = backend.name();
        Balancer balancer = Balancer.create(backend, Ticker.system());
        out.println("dynup demo: the ngx_dynamic_upstream_lua Synopsis, played through the Java API "
                    + "(UpstreamService)");
        out.println("(the HTTP server that serves these pages comes with the proxy layer)");
        out.println();

        out.println("--- what the Synopsis' GET /status answers");
        status(service, out);

        String peer = "127.0.0.1:9091";
        out.println("--- GET /" + u + "/add?peer=" + peer + " (add_peer, then update_peer with the Synopsis parameters)");
        Result<Boolean> added = service.addPeer(UpstreamKind.HTTP, u, peer, false, PeerUpdate.NONE);
        Result<Boolean> updated = service.updatePeer(UpstreamKind.HTTP, u, peer, PeerUpdate.parse(
                Map.of("weight", 1, "max_fails", 2, "fail_timeout", 30, "down", 1)).get());
        out.println(added.ok() && updated.ok() ? "Added " + peer + " to " + u + " upstream"
                : "Failed to add peer " + peer + ": " + (added.ok() ? updated.error() : added.error()));
        out.println("--- what the Synopsis' GET /status answers");
        status(service, out);

        service.setPeerUp(UpstreamKind.HTTP, u, peer);
        out.println("--- " + peer + " set up; the balancer sends the next 6 requests to");
        out.println("    " + picks(balancer, 6));

        out.println("--- GET /" + u + "/remove?peer=" + peer);
        Result<Boolean> removed = service.removePeer(UpstreamKind.HTTP, u, peer);
        out.println(removed.ok() ? "Removed " + peer + " from " + u + " upstream"
                : "Failed to remove peer " + peer + ": " + removed.error());
        out.println("--- what the Synopsis' GET /status answers");
        status(service, out);
        return 0;
    }

    /** The seed's status page, line for line. */
    static void status(UpstreamService service, PrintStream out) {
        for (String upstream : service.getUpstreams(UpstreamKind.HTTP).get()) {
            out.println(upstream);
            for (Peer p : service.getPeers(UpstreamKind.HTTP, upstream).get()) {
                out.println("    server " + p.name() + " weight=" + p.spec().weight() + " max_fails="
                            + p.spec().maxFails() + " fail_timeout=" + p.spec().failTimeout() + " status="
                            + (p.spec().down() ? "down" : "up"));
            }
            out.println();
        }
    }

    private static String picks(Balancer balancer, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            Attempt a = balancer.newAttempt();
            Peer p = balancer.pick(a);
            sb.append(i == 0 ? "" : ", ").append(p == null ? "(no live upstreams)" : p.name());
            if (p != null) {
                balancer.release(a, false);
            }
        }
        return sb.toString();
    }

    static String embeddedDefault() {
        try (InputStream in = Demo.class.getResourceAsStream(DEFAULT_CONFIG)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULT_CONFIG + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

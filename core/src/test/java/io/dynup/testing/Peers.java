package io.dynup.testing;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import io.dynup.model.Balancing;
import io.dynup.model.HostResolver;
import io.dynup.model.PeerSpec;
import io.dynup.model.UpstreamKind;
import io.dynup.model.UpstreamSpec;
import io.dynup.upstream.Peer;
import io.dynup.upstream.Upstream;
import io.dynup.upstream.UpstreamRegistry;
import io.dynup.upstream.UpstreamService;

/**
 * Builds upstreams for balancer tests: peers are named by letters (A is 127.0.0.1:10001, B :10002, ...) so
 * sequences read like REFERENCE.md ({@code A A B A C A A}).
 */
public final class Peers {

    private Peers() {
    }

    /** Peer {@code letter} with nginx's defaults. */
    public static PeerSpec peer(char letter) {
        String name = "127.0.0.1:" + (10001 + letter - 'A');
        return PeerSpec.of(name, name, new InetSocketAddress("127.0.0.1", 10001 + letter - 'A'));
    }

    public static PeerSpec peer(char letter, int weight) {
        return peer(letter).withWeight(weight);
    }

    public static char letterOf(Peer p) {
        String name = p.name();
        return (char) ('A' + Integer.parseInt(name.substring(name.lastIndexOf(':') + 1)) - 10001);
    }

    public static Upstream upstream(Balancing balancing, PeerSpec... peers) {
        return fixture(balancing, peers).upstream();
    }

    /** Upstream "u" in a registry with a service that resolves on the calling thread. */
    public static Fixture fixture(Balancing balancing, PeerSpec... peers) {
        UpstreamRegistry registry = new UpstreamRegistry(
                List.of(UpstreamSpec.of("u", UpstreamKind.HTTP, List.of(peers)).withBalancing(balancing)));
        UpstreamService service = new UpstreamService(registry, HostResolver.system(), Runnable::run);
        return new Fixture(registry, service, registry.find(UpstreamKind.HTTP, "u"));
    }

    public static Fixture fixture(PeerSpec... peers) {
        return fixture(Balancing.ROUND_ROBIN, peers);
    }

    /** A registry with one upstream and the service over it. */
    public record Fixture(UpstreamRegistry registry, UpstreamService service, Upstream upstream) {
    }

    public static Upstream upstream(PeerSpec... peers) {
        return upstream(Balancing.ROUND_ROBIN, peers);
    }

    /** Letters of {@code peers} in order. */
    public static String letters(List<Peer> peers) {
        StringBuilder sb = new StringBuilder();
        for (Peer p : peers) {
            sb.append(letterOf(p));
        }
        return sb.toString();
    }

    public static List<PeerSpec> many(int n) {
        List<PeerSpec> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int port = 20000 + i;
            String name = "127.0.0.1:" + port;
            out.add(PeerSpec.of(name, name, new InetSocketAddress("127.0.0.1", port)));
        }
        return out;
    }
}

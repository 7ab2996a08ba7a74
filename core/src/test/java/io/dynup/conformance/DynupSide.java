package io.dynup.conformance;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.dynup.balancer.Balancer;
import io.dynup.config.Config;
import io.dynup.config.ConfigParser;
import io.dynup.config.CoreDirectives;
import io.dynup.conformance.BalancingCase.Step;
import io.dynup.model.HostResolver;
import io.dynup.model.UpstreamConfig;
import io.dynup.model.UpstreamKind;
import io.dynup.upstream.Upstream;
import io.dynup.upstream.UpstreamRegistry;
import io.dynup.testing.FakeTicker;
import io.dynup.testing.Requests;

/**
 * Plays a case through dynup: the case's upstream block goes through the real config path (parser, binder,
 * registry) and {@link Balancer#create}; requests are played by {@link Requests#request}, where a dead
 * letter refuses the connection; {@code sleep} and {@code sync} advance a {@link FakeTicker} (whose origin
 * is a whole second) as nginx's wall clock moves.
 *
 * <p>The letters become the addresses of {@link io.dynup.testing.Peers} (A = 127.0.0.1:10001, ...), which is
 * how {@link Requests} names peers; nothing connects to them.
 */
final class DynupSide {

    private DynupSide() {
    }

    static String upstreamBlock(BalancingCase c) {
        return "http {\n    upstream u {\n" + c.upstreamWith(l -> "127.0.0.1:" + (10001 + l - 'A')).indent(8) + "    }\n}\n";
    }

    static List<String> run(BalancingCase c) {
        Config config = ConfigParser.parseString(upstreamBlock(c), Path.of("conformance", "dynup.conf"),
                                                 CoreDirectives.table());
        UpstreamRegistry registry = new UpstreamRegistry(UpstreamConfig.bind(config, HostResolver.system()));
        Upstream upstream = registry.find(UpstreamKind.HTTP, "u");
        if (upstream == null) {
            throw new IllegalStateException("no upstream u in " + registry);
        }
        FakeTicker ticker = new FakeTicker();
        Balancer balancer = Balancer.create(upstream, ticker);
        Set<Character> dead = new HashSet<>(c.dead());
        List<String> out = new ArrayList<>();
        for (Step s : c.steps()) {
            if (s instanceof Step.Requests r) {
                for (int i = 0; i < r.count(); i++) {
                    out.add(Requests.request(balancer, Set.copyOf(dead)));
                }
            } else if (s instanceof Step.Sleep sleep) {
                ticker.advance(sleep.duration());
            } else if (s instanceof Step.Sync) {
                long ms = ticker.readMillis() % 1000;
                ticker.advance(Duration.ofMillis(ms < 100 ? 100 - ms : 1100 - ms));
            } else if (s instanceof Step.Kill kill) {
                dead.addAll(kill.letters());
            } else if (s instanceof Step.Revive revive) {
                dead.removeAll(revive.letters());
            } else {
                throw new IllegalArgumentException(c + ": \"" + s + "\" is a stream step");
            }
        }
        return out;
    }
}

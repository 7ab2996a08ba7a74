package io.dynup.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.Blackhole;

import io.dynup.balancer.Attempt;
import io.dynup.balancer.Balancer;
import io.dynup.upstream.Peer;
import io.dynup.upstream.Upstream;

/**
 * What one request pays to choose a peer with round robin: a new attempt, {@code pick} (nginx's
 * {@code get}: a smooth weighted walk over every peer under the upstream's lock) and a successful
 * {@code release} (nginx's {@code free}), on upstreams of 2 to 10 000 peers with weights 1..5.
 *
 * <p>The balancer is shared by all threads ({@link Scope#Benchmark}), as it is in the server, so
 * {@link #pickReleaseContended} shows two threads queueing on the one per-upstream lock. Its score is the
 * time per operation seen by each thread; the two threads together do 2/score operations per ns.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PickBenchmark {

    @Param({"2", "100", "1000", "10000"})
    public int peers;

    private Upstream upstream;
    private Balancer balancer;

    @Setup(Level.Trial)
    public void setUp() {
        upstream = BenchUpstreams.upstream(BenchUpstreams.registry(peers));
        balancer = BenchUpstreams.balancer(upstream);
        if (upstream.snapshot().primary().size() != peers) {
            throw new IllegalStateException("primary peers: " + upstream.snapshot().primary().size()
                                            + " (expected: " + peers + ")");
        }
    }

    @TearDown(Level.Trial)
    public void checkReleased() {
        BenchUpstreams.checkDrained(upstream);
    }

    @Benchmark
    @Threads(1)
    public void pickRelease(Blackhole bh) {
        pickAndRelease(balancer, bh);
    }

    @Benchmark
    @Threads(2)
    public void pickReleaseContended(Blackhole bh) {
        pickAndRelease(balancer, bh);
    }

    /** One request's selection; shared with {@link MutationBenchmark}'s picker. */
    static void pickAndRelease(Balancer balancer, Blackhole bh) {
        Attempt attempt = balancer.newAttempt();
        Peer peer = balancer.pick(attempt);
        if (peer == null) {
            // every peer is up, unlimited and never failed: "no live upstreams" here is a bug, not a result
            throw new IllegalStateException("pick: null (expected: a peer; all peers are up)");
        }
        bh.consume(peer);
        balancer.release(attempt, false);
    }
}

package io.dynup.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

import io.dynup.balancer.Balancer;
import io.dynup.model.PeerUpdate;
import io.dynup.model.Result;
import io.dynup.model.UpstreamKind;
import io.dynup.upstream.Upstream;
import io.dynup.upstream.UpstreamService;

/**
 * What a run-time change costs on a large upstream (10 000 peers), through {@link UpstreamService} as every
 * API face calls it: each change copies the tier and publishes a new snapshot. Each operation leaves the
 * upstream as it found it, so every iteration measures the same size:
 * <ul>
 * <li>{@code addThenRemove}: add a new peer, then remove it (two published changes per op);
 * <li>{@code updateWeight}: set one peer's weight, alternating between two values (one change per op);
 * <li>{@code setDownUp}: mark one peer down, then up again (two changes per op).
 * </ul>
 * Each runs alone, and in a group with one thread picking (round robin pick + release, as in
 * {@link PickBenchmark}) from the same upstream meanwhile: the picker's score against
 * {@code PickBenchmark.pickRelease} at the same peer count is what changing an upstream costs its traffic.
 *
 * <p>Every address is a literal IP, so no DNS lookup happens. There is no SLF4J provider on the benchmark's
 * class path, so the service's one INFO line per change costs only the logger's level check here.
 *
 * <p>One upstream per trial, shared ({@link Scope#Benchmark}): written for one mutator thread (JMH's default
 * {@code -t 1}, one group). More mutators would undo each other's changes and fail the "changed" check.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MutationBenchmark {

    private static final UpstreamKind HTTP = UpstreamKind.HTTP;
    private static final String U = BenchUpstreams.UPSTREAM;
    /** Not in the upstream: the configured peers are all on 127.0.0.1. */
    private static final String ADDED = "127.0.0.2:30000";
    /** Weights no configured peer has (they have 1..5), so every update changes the peer. */
    private static final PeerUpdate WEIGHT_A = new PeerUpdate(7, null, null, null, null);
    private static final PeerUpdate WEIGHT_B = new PeerUpdate(8, null, null, null, null);

    @Param({"10000"})
    public int peers;

    private UpstreamService service;
    private Upstream upstream;
    private Balancer balancer;
    /** The peer that updateWeight and setDownUp change: one in the middle of the list. */
    private String target;
    /** Written by the one mutator thread only. */
    private boolean weightToggle;

    @Setup(Level.Trial)
    public void setUp() {
        var registry = BenchUpstreams.registry(peers);
        service = BenchUpstreams.service(registry);
        upstream = BenchUpstreams.upstream(registry);
        balancer = BenchUpstreams.balancer(upstream);
        target = BenchUpstreams.name(peers / 2);
    }

    @TearDown(Level.Trial)
    public void checkUnchanged() {
        BenchUpstreams.checkDrained(upstream);
        int size = upstream.snapshot().all().size();
        if (size != peers) {
            throw new IllegalStateException("peers after the trial: " + size + " (expected: " + peers + ")");
        }
    }

    // --- alone ---

    @Benchmark
    public void addThenRemove(Blackhole bh) {
        doAddThenRemove(bh);
    }

    @Benchmark
    public void updateWeight(Blackhole bh) {
        doUpdateWeight(bh);
    }

    @Benchmark
    public void setDownUp(Blackhole bh) {
        doSetDownUp(bh);
    }

    // --- with one thread picking from the same upstream ---

    @Benchmark
    @Group("addThenRemoveWhilePicking")
    @GroupThreads(1)
    public void addThenRemoveMutator(Blackhole bh) {
        doAddThenRemove(bh);
    }

    @Benchmark
    @Group("addThenRemoveWhilePicking")
    @GroupThreads(1)
    public void addThenRemovePicker(Blackhole bh) {
        PickBenchmark.pickAndRelease(balancer, bh);
    }

    @Benchmark
    @Group("updateWeightWhilePicking")
    @GroupThreads(1)
    public void updateWeightMutator(Blackhole bh) {
        doUpdateWeight(bh);
    }

    @Benchmark
    @Group("updateWeightWhilePicking")
    @GroupThreads(1)
    public void updateWeightPicker(Blackhole bh) {
        PickBenchmark.pickAndRelease(balancer, bh);
    }

    @Benchmark
    @Group("setDownUpWhilePicking")
    @GroupThreads(1)
    public void setDownUpMutator(Blackhole bh) {
        doSetDownUp(bh);
    }

    @Benchmark
    @Group("setDownUpWhilePicking")
    @GroupThreads(1)
    public void setDownUpPicker(Blackhole bh) {
        PickBenchmark.pickAndRelease(balancer, bh);
    }

    // --- the operations; each checks that it really changed the upstream ---

    private void doAddThenRemove(Blackhole bh) {
        bh.consume(changed(service.addPeer(HTTP, U, ADDED, false, PeerUpdate.NONE), "addPeer"));
        bh.consume(changed(service.removePeer(HTTP, U, ADDED), "removePeer"));
    }

    private void doUpdateWeight(Blackhole bh) {
        weightToggle = !weightToggle;
        bh.consume(changed(service.updatePeer(HTTP, U, target, weightToggle ? WEIGHT_A : WEIGHT_B), "updatePeer"));
    }

    private void doSetDownUp(Blackhole bh) {
        bh.consume(changed(service.setPeerDown(HTTP, U, target), "setPeerDown"));
        bh.consume(changed(service.setPeerUp(HTTP, U, target), "setPeerUp"));
    }

    /** A no-op or a refusal would measure the wrong thing: fail the benchmark instead. */
    private static Result<Boolean> changed(Result<Boolean> r, String op) {
        if (!r.ok() || !Boolean.TRUE.equals(r.value())) {
            throw new IllegalStateException(op + ": " + r + " (expected: ok, changed)");
        }
        return r;
    }
}

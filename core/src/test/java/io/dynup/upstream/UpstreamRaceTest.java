package io.dynup.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.dynup.balancer.Attempt;
import io.dynup.balancer.Balancer;
import io.dynup.model.PeerSpec;
import io.dynup.model.PeerUpdate;
import io.dynup.model.UpstreamKind;
import io.dynup.testing.FakeTicker;
import io.dynup.testing.Peers;

/** Many threads mutating and picking at once: nothing is lost, conns never go wrong. */
class UpstreamRaceTest {

    private static final int MAX_CONNS = 3;
    private static final int PICKS_PER_THREAD = 20_000;

    @Test
    void concurrentMutationAndSelectionKeepInvariants() throws Exception {
        List<PeerSpec> stable = new ArrayList<>();
        for (PeerSpec p : Peers.many(8)) {
            stable.add(p.withMaxConns(MAX_CONNS));
        }
        Peers.Fixture f = Peers.fixture(stable.toArray(new PeerSpec[0]));
        UpstreamService service = f.service();
        Balancer balancer = Balancer.create(f.upstream(), new FakeTicker());
        Set<String> stableNames = ConcurrentHashMap.newKeySet();
        stable.forEach(p -> stableNames.add(p.name()));

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger violations = new AtomicInteger();
        AtomicInteger picks = new AtomicInteger();
        Map<PeerState, Boolean> seenStates = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        List<Future<?>> pickers = new ArrayList<>();
        for (int t = 0; t < 6; t++) {
            pickers.add(pool.submit(() -> {
                start.await();
                List<Attempt> held = new ArrayList<>();
                // a fixed amount of work, not a time: the test means the same on a loaded machine
                for (int n = 0; n < PICKS_PER_THREAD; n++) {
                    Attempt a = balancer.newAttempt();
                    Peer p = balancer.pick(a);
                    if (p != null) {
                        picks.incrementAndGet();
                        seenStates.put(p.state(), Boolean.TRUE);
                        int conns = p.state().conns();
                        if (conns > MAX_CONNS && p.spec().maxConns() == MAX_CONNS || conns < 1) {
                            violations.incrementAndGet();
                        }
                        held.add(a);
                    }
                    if (held.size() > 2 || p == null && !held.isEmpty()) {
                        Attempt done = held.remove(0);
                        balancer.release(done, ThreadLocalRandom.current().nextInt(10) == 0);
                    }
                    UpstreamSnapshot s = f.upstream().snapshot();
                    for (String name : stableNames) {
                        if (s.all().stream().noneMatch(x -> x.name().equals(name))) {
                            violations.incrementAndGet();
                        }
                    }
                }
                held.forEach(a -> balancer.release(a, false));
                return null;
            }));
        }
        for (int t = 0; t < 2; t++) {
            int base = 30000 + t * 1000;
            futures.add(pool.submit(() -> {
                start.await();
                int i = 0;
                while (!stop.get()) {
                    String extra = "127.0.0.1:" + (base + i++ % 50);
                    service.addPeer(UpstreamKind.HTTP, "u", extra, false,
                                    new PeerUpdate(null, null, null, MAX_CONNS, null));
                    service.updatePeer(UpstreamKind.HTTP, "u", extra, new PeerUpdate(1 + i % 5, null, null, null, null));
                    String victim = stable.get(i % stable.size()).name();
                    service.updatePeer(UpstreamKind.HTTP, "u", victim, new PeerUpdate(1 + i % 3, null, null, null, i % 2 == 0));
                    service.removePeer(UpstreamKind.HTTP, "u", extra);
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> fu : pickers) {
            fu.get(120, TimeUnit.SECONDS);
        }
        stop.set(true);
        for (Future<?> fu : futures) {
            fu.get(10, TimeUnit.SECONDS);
        }
        pool.shutdown();

        assertThat(violations.get()).isZero();
        // many attempts find every peer full or down (max_conns=3, peers set down), more so on a loaded machine
        // where mutators outpace pickers; enough must succeed for the invariants above to mean something
        assertThat(picks.get()).isGreaterThan(100);
        for (PeerState st : seenStates.keySet()) {
            assertThat(st.conns()).isZero();
        }
        assertThat(f.upstream().snapshot().all()).extracting(Peer::name).containsAll(stableNames);
        assertThat(f.upstream().snapshot().all()).hasSize(stable.size());
    }
}

package io.dynup.balancer;

import static io.dynup.testing.Peers.fixture;
import static io.dynup.testing.Peers.peer;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.dynup.model.Balancing;
import io.dynup.model.PeerSpec;
import io.dynup.model.PeerUpdate;
import io.dynup.model.UpstreamKind;
import io.dynup.testing.FakeTicker;
import io.dynup.testing.Peers;
import io.dynup.testing.Peers.Fixture;
import io.dynup.upstream.Peer;

/**
 * Every method under contention: 8 threads pick and release 20 000 times each on peers with
 * {@code max_conns=2}, with failures and retries, while another thread keeps changing a weight (new
 * snapshots: rings and ranges rebuilt, attempts moved). No peer may ever hold more than 2 requests, and
 * every connection must be given back.
 */
class BalancerConcurrencyTest {

    private static final int THREADS = 8;
    private static final int ITERATIONS = 20_000;
    private static final int MAX_CONNS = 2;

    static Stream<Balancing> methods() {
        return Stream.of(Balancing.ROUND_ROBIN, Balancing.LEAST_CONN, Balancing.IP_HASH,
                         Balancing.hash("$request_uri", false), Balancing.hash("$request_uri", true),
                         Balancing.random(false), Balancing.random(true));
    }

    @ParameterizedTest
    @MethodSource("methods")
    void connsNeverExceedMaxConnsAndReturnToZero(Balancing balancing) throws Exception {
        PeerSpec[] specs = new PeerSpec[4];
        for (int i = 0; i < specs.length; i++) {
            specs[i] = peer((char) ('A' + i)).withMaxConns(MAX_CONNS).withMaxFails(0);
        }
        Fixture f = fixture(balancing, specs);
        Balancer b = Balancer.create(f.upstream(), new FakeTicker());
        List<Peer> peers = f.upstream().snapshot().primary();

        AtomicIntegerArray inFlight = new AtomicIntegerArray(specs.length);
        AtomicInteger violations = new AtomicInteger();
        AtomicInteger served = new AtomicInteger();
        AtomicBoolean done = new AtomicBoolean();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS + 1);
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                workers.add(pool.submit(() -> {
                    start.await();
                    ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    for (int i = 0; i < ITERATIONS; i++) {
                        byte[] client = {10, 0, (byte) rnd.nextInt(16), 1};
                        Attempt a = b.newAttempt("/item/" + rnd.nextInt(64), client);
                        while (true) {
                            Peer p = b.pick(a);
                            if (p == null) {
                                break;
                            }
                            int idx = Peers.letterOf(p) - 'A';
                            if (inFlight.incrementAndGet(idx) > MAX_CONNS || p.state().conns() > MAX_CONNS) {
                                violations.incrementAndGet();
                            }
                            if (rnd.nextInt(4) == 0) {
                                Thread.yield();
                            }
                            inFlight.decrementAndGet(idx);
                            boolean failed = rnd.nextInt(8) == 0;
                            b.release(a, failed);
                            if (!failed) {
                                served.incrementAndGet();
                                break;
                            }
                            if (a.tries() == 0) {
                                break;
                            }
                        }
                    }
                    return null;
                }));
            }
            Future<?> mutator = pool.submit(() -> {
                start.await();
                int w = 1;
                while (!done.get()) {
                    w = 3 - w;
                    f.service().updatePeer(UpstreamKind.HTTP, "u", "127.0.0.1:10001",
                                           new PeerUpdate(w, null, null, null, null));
                    Thread.yield();
                }
                return null;
            });
            start.countDown();
            for (Future<?> w : workers) {
                w.get(120, TimeUnit.SECONDS);
            }
            done.set(true);
            mutator.get(10, TimeUnit.SECONDS);
        } finally {
            done.set(true);
            pool.shutdownNow();
        }

        assertThat(violations).hasValue(0);
        assertThat(served.get()).isGreaterThan(THREADS * ITERATIONS / 4);
        for (Peer p : peers) {
            assertThat(p.state().conns()).as(p.name()).isZero();
        }
        for (Peer p : f.upstream().snapshot().primary()) {
            assertThat(p.state().conns()).as(p.name()).isZero();
        }
    }
}

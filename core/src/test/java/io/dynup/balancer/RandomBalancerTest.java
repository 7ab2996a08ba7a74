package io.dynup.balancer;

import static io.dynup.testing.Peers.peer;
import static io.dynup.testing.Peers.upstream;
import static io.dynup.testing.Requests.request;
import static io.dynup.testing.Requests.sequence;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import io.dynup.model.Balancing;
import io.dynup.model.PeerSpec;
import io.dynup.testing.FakeTicker;
import io.dynup.testing.Peers;
import io.dynup.upstream.Peer;

class RandomBalancerTest {

    private final FakeTicker ticker = new FakeTicker();

    /** Returns the scripted draws in order, each below the bound it is asked for, then those of {@code rest}. */
    private static final class Script implements RandomGenerator {
        private final Deque<Long> draws = new ArrayDeque<>();
        private @Nullable RandomGenerator rest;
        int used;

        Script(long... values) {
            for (long v : values) {
                draws.add(v);
            }
        }

        Script then(RandomGenerator g) {
            rest = g;
            return this;
        }

        @Override
        public long nextLong(long bound) {
            if (draws.isEmpty() && rest != null) {
                return rest.nextLong(bound);
            }
            Long v = draws.poll();
            assertThat(v).as("a scripted draw").isNotNull();
            assertThat(v).isLessThan(bound);
            used++;
            return v;
        }

        @Override
        public long nextLong() {
            throw new UnsupportedOperationException();
        }
    }

    private RandomBalancer random(boolean two, RandomGenerator g, PeerSpec... peers) {
        return new RandomBalancer(upstream(Balancing.random(two), peers), ticker, two, g);
    }

    private static char letter(@Nullable Peer p) {
        return p == null ? '-' : Peers.letterOf(p);
    }

    @Test
    void createReturnsRandomForBothForms() {
        assertThat(Balancer.create(upstream(Balancing.random(false), peer('A'), peer('B')), ticker))
                .isInstanceOf(RandomBalancer.class);
        assertThat(Balancer.create(upstream(Balancing.random(true), peer('A'), peer('B')), ticker))
                .isInstanceOf(RandomBalancer.class);
        assertThat(sequence(Balancer.create(upstream(Balancing.random(true), peer('A'), peer('B')), ticker), 50))
                .matches("[AB]{50}");
    }

    @Test
    void drawsLandInCumulativeWeightRanges() {
        // weights 1,2,3: A owns 0, B owns 1-2, C owns 3-5
        RandomBalancer b = random(false, new Script(0, 1, 2, 3, 5), peer('A', 1), peer('B', 2), peer('C', 3));
        assertThat(sequence(b, 5)).isEqualTo("ABBCC");
    }

    @Test
    void seededGeneratorGivesTheSameSequence() {
        for (boolean two : new boolean[] {false, true}) {
            String first = sequence(random(two, new Random(42), peer('A'), peer('B', 2), peer('C')), 200);
            String second = sequence(random(two, new Random(42), peer('A'), peer('B', 2), peer('C')), 200);
            assertThat(second).isEqualTo(first);
            assertThat(sequence(random(two, new SplittableRandom(7), peer('A'), peer('B', 2), peer('C')), 200))
                    .isEqualTo(sequence(random(two, new SplittableRandom(7), peer('A'), peer('B', 2), peer('C')), 200));
        }
    }

    @Test
    void picksInProportionToWeight() {
        RandomBalancer b = random(false, new SplittableRandom(1), peer('A', 1), peer('B', 2), peer('C', 3));
        String s = sequence(b, 60_000);
        assertThat(s.chars().filter(c -> c == 'A').count() / 60_000.0).isCloseTo(1 / 6.0, within(0.01));
        assertThat(s.chars().filter(c -> c == 'B').count() / 60_000.0).isCloseTo(2 / 6.0, within(0.01));
        assertThat(s.chars().filter(c -> c == 'C').count() / 60_000.0).isCloseTo(3 / 6.0, within(0.01));
    }

    @Test
    void unavailableDrawsAreRedrawn() {
        Script g = new Script(0, 0, 4);
        RandomBalancer b = random(false, g, peer('A', 1).withDown(true), peer('B', 2), peer('C', 3));
        Attempt a = b.newAttempt();
        assertThat(letter(b.pick(a))).isEqualTo('C');
        assertThat(a.hashTries).isEqualTo(2);
        assertThat(g.used).isEqualTo(3);
    }

    @Test
    void retryRedrawsPastTheTriedPeer() {
        // A refuses: the retry draws A again (tried, a miss) and then B
        RandomBalancer b = random(false, new Script(0, 0, 1), peer('A'), peer('B'), peer('C'));
        assertThat(request(b, Set.of('A'))).isEqualTo("AB");
    }

    @Test
    void twoPrefersTheLessLoadedOfTwoDraws() {
        // draws A then C: idle, they tie and the second drawn wins
        assertThat(sequence(random(true, new Script(0, 2), peer('A'), peer('B'), peer('C')), 1)).isEqualTo("C");

        RandomBalancer b = random(true, new Script(0, 2, 2, 0, 0, 2), peer('A'), peer('B'), peer('C'));
        Attempt busyC = b.newAttempt();
        assertThat(letter(b.pick(busyC))).isEqualTo('C');
        // C keeps one connection: C then A gives A, and A then C gives A
        assertThat(sequence(b, 2)).isEqualTo("AA");
        b.release(busyC, false);
    }

    @Test
    void twoComparesConnectionsPerUnitOfWeight() {
        Script g = new Script(0, 1, 0, 1, 1, 0);
        RandomBalancer b = random(true, g, peer('A'), peer('B', 3));
        Attempt first = b.newAttempt();
        assertThat(letter(b.pick(first))).isEqualTo('B'); // 0 vs 0: the second drawn
        // B holds 1 of weight 3, A 0 of weight 1: A is less loaded, whichever order
        assertThat(sequence(b, 2)).isEqualTo("AA");
        b.release(first, false);
    }

    @Test
    void twoDrawsTwoDifferentPeersAndTheFirstHeldCountsATry() {
        Script g = new Script(0, 0, 1);
        RandomBalancer b = random(true, g, peer('A'), peer('B'), peer('C'));
        Attempt a = b.newAttempt();
        assertThat(letter(b.pick(a))).isEqualTo('B');
        // holding A and drawing A again each cost a try
        assertThat(a.hashTries).isEqualTo(2);
    }

    @Test
    void afterTwentyMissesRoundRobinTakesOver() {
        long[] twentyOneA = new long[21];
        for (boolean two : new boolean[] {false, true}) {
            Script g = new Script(twentyOneA);
            RandomBalancer b = random(two, g, peer('A').withDown(true), peer('B'), peer('C'));
            Attempt a = b.newAttempt();
            assertThat(letter(b.pick(a))).isEqualTo('B');
            assertThat(a.hashTries).isEqualTo(21);
            assertThat(g.used).isEqualTo(21);
            // the attempt stays with round robin: its retry draws nothing
            b.release(a, true);
            assertThat(letter(b.pick(a))).isEqualTo('C');
            assertThat(g.used).isEqualTo(21);
            b.release(a, false);
        }
    }

    @Test
    void failedPeerIsSkippedForFailTimeout() {
        RandomBalancer b = random(false, new Script(0, 2).then(new SplittableRandom(3)), peer('A'), peer('B'),
                                  peer('C'));
        assertThat(request(b, Set.of('A'))).isEqualTo("AC");
        assertThat(sequence(b, 200)).doesNotContain("A");
        ticker.advanceSeconds(11);
        assertThat(sequence(b, 200)).contains("A");
    }

    @Test
    void maxConnsIsRespected() {
        for (boolean two : new boolean[] {false, true}) {
            RandomBalancer b = random(two, new SplittableRandom(5), peer('A').withMaxConns(1), peer('B').withMaxConns(1));
            Attempt a1 = b.newAttempt();
            Attempt a2 = b.newAttempt();
            Peer p1 = b.pick(a1);
            Peer p2 = b.pick(a2);
            assertThat(p1).isNotNull();
            assertThat(p2).isNotNull().isNotEqualTo(p1);
            assertThat(b.pick(b.newAttempt())).isNull();
        }
    }

    @Test
    void singlePeerGoesThroughRoundRobinsSingleRule() {
        RandomBalancer b = random(false, new Script(), peer('A'));
        assertThat(request(b, Set.of('A'))).isEqualTo("A-");
        assertThat(sequence(b, 2)).isEqualTo("AA");
    }

    @Test
    void noLiveUpstreams() {
        for (boolean two : new boolean[] {false, true}) {
            RandomBalancer b = random(two, new SplittableRandom(9), peer('A').withDown(true), peer('B').withDown(true));
            assertThat(sequence(b, 3)).isEqualTo("---");
        }
    }
}

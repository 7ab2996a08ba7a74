package io.dynup.balancer;

import static io.dynup.balancer.Keyed.byKeys;
import static io.dynup.balancer.Keyed.pick;
import static io.dynup.balancer.Keyed.request;
import static io.dynup.testing.Peers.peer;
import static io.dynup.testing.Peers.upstream;
import static io.dynup.testing.Requests.sequence;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;

import io.dynup.model.Balancing;
import io.dynup.model.PeerSpec;
import io.dynup.testing.FakeTicker;
import io.dynup.testing.Peers;

/**
 * Expected mappings marked "observed" were recorded on Debian nginx 1.22.1 (nginx-light): upstreams of
 * {@code server 127.0.0.1:10001} (A), :10002 (B) ... answering their letter, {@code hash $arg_k}, one request
 * {@code /?k=K} for each key K = 0, 1, 2 ... in order.
 */
class HashBalancerTest {

    private final FakeTicker ticker = new FakeTicker();

    private Balancer hash(PeerSpec... peers) {
        Balancer b = Balancer.create(upstream(Balancing.hash("$arg_k", false), peers), ticker);
        assertThat(b).isInstanceOf(HashBalancer.class);
        return b;
    }

    @Test
    void threeEqualPeersAsObservedOnNginx() {
        assertThat(byKeys(hash(peer('A'), peer('B'), peer('C')), 100)).isEqualTo(
                "CBCBABAACCACACCBCABBCBBCABBBBCABBACBBBBBCBCCAAAACBBCBBCAACAAABACCBCBBCAABBCCBACCBABABCBBCBACBBBCABAC");
    }

    @Test
    void weightedPeersAsObservedOnNginx() {
        assertThat(byKeys(hash(peer('A', 1), peer('B', 2), peer('C', 3)), 100)).isEqualTo(
                "CCCCABACBCCBCBBBBCCBBBCCCCBCBBCCBABBCBCBBBBCCACACCBBBCBCACACABACCCCCBBCABCBCCCBCBABACCCBBBACCBBBCCCB");
    }

    @Test
    void fivePeersAsObservedOnNginx() {
        assertThat(byKeys(hash(peer('A'), peer('B'), peer('C'), peer('D'), peer('E')), 100)).isEqualTo(
                "ADEECBDCCABBCABBEABCCEBACDDAACBDBDBAADAEEDBECDBEDDDEBDDEBBECDCDADDECAABAEEDBAEBDBEAABACBEBCBADDDBDDE");
    }

    @Test
    void downPeersKeysRehashWithThePrefixAsObservedOnNginx() {
        // B's keys take further rounds: crc32("1" + key), crc32("2" + key) ... added to the running hash
        assertThat(byKeys(hash(peer('A'), peer('B').withDown(true), peer('C')), 100)).isEqualTo(
                "CACAACAACCACACCACACACCACAACCACACCACACAACCCCCAAAACACCAACAACAAAAACCCCACCAACACCAACCAAAAACCCCAACACCCAAAC");
    }

    @Test
    void refusingPeerFailsOverAndStaysOutAsObservedOnNginx() {
        // J (127.0.0.1:10010) refuses connections; k=0 maps to it, fails over to A, and J is then out for
        // fail_timeout (max_fails=1), so later keys of J rehash without trying it
        Balancer b = hash(peer('A'), peer('B'), peer('C'), peer('J'));
        List<String> seen = new ArrayList<>();
        for (int k = 0; k < 50; k++) {
            seen.add(request(b, Integer.toString(k), null, Set.of('J')));
        }
        assertThat(String.join(" ", seen)).isEqualTo(
                "JA A B C C B A A A A B C B A A B C B C B A B C B B C B A B A B A B C C B A B A B C B A B B A B C B C");
    }

    @Test
    void firstRoundByHand() {
        // crc32("0") = f4dbdf21; (crc >> 16) & 0x7fff = 0x74db = 29915; 29915 % 3 = 2: C (observed: C)
        CRC32 crc = new CRC32();
        crc.update("0".getBytes(StandardCharsets.US_ASCII));
        assertThat(crc.getValue()).isEqualTo(0xf4dbdf21L);
        assertThat(pick(hash(peer('A'), peer('B'), peer('C')), "0", null)).isEqualTo('C');
    }

    @Test
    void emptyKeyGoesToRoundRobinAsObservedOnNginx() {
        Balancer b = hash(peer('A'), peer('B'), peer('C'));
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            sb.append(pick(b, "", null));
        }
        assertThat(sb).hasToString("ABCABC");
        // no key at all (a caller that did not evaluate one) behaves the same
        assertThat(sequence(b, 3)).isEqualTo("ABC");
    }

    @Test
    void sameKeySamePeer() {
        Balancer b = hash(peer('A'), peer('B'), peer('C'), peer('D'));
        for (String key : List.of("/index.html", "user-42", "é/ü")) {
            char first = pick(b, key, null);
            for (int i = 0; i < 5; i++) {
                assertThat(pick(b, key, null)).as(key).isEqualTo(first);
            }
        }
    }

    @Test
    void keysSpreadInProportionToWeight() {
        Balancer b = hash(peer('A', 1), peer('B', 2), peer('C', 3));
        int[] count = new int[3];
        int n = 10_000;
        for (int k = 0; k < n; k++) {
            count[pick(b, "/item/" + k, null) - 'A']++;
        }
        assertThat(count[0] / (double) n).isCloseTo(1 / 6.0, within(0.02));
        assertThat(count[1] / (double) n).isCloseTo(2 / 6.0, within(0.02));
        assertThat(count[2] / (double) n).isCloseTo(3 / 6.0, within(0.02));
    }

    @Test
    void downPeersKeysMoveAndTheOthersStay() {
        String all = byKeys(hash(peer('A'), peer('B'), peer('C'), peer('D')), 2000);
        String withoutB = byKeys(hash(peer('A'), peer('B').withDown(true), peer('C'), peer('D')), 2000);
        int moved = 0;
        for (int k = 0; k < all.length(); k++) {
            if (all.charAt(k) == 'B') {
                assertThat(withoutB.charAt(k)).isNotEqualTo('B');
                moved++;
            } else {
                assertThat(withoutB.charAt(k)).as("key %d", k).isEqualTo(all.charAt(k));
            }
        }
        assertThat(moved).isBetween(400, 600);
        // B's keys do not spread evenly, in nginx either: crc32 is linear, so the second round's low bits
        // depend on the first's, and with 4 equal peers none of B's keys lands on C
        assertThat(withoutB.chars().filter(x -> x == 'C').count()).isEqualTo(all.chars().filter(x -> x == 'C').count());
    }

    @Test
    void failedPeerMovesOnlyItsKeysUntilTheWindowEnds() {
        Balancer b = hash(peer('A'), peer('B'), peer('C'));
        String before = byKeys(b, 100);
        // key "4" maps to A (observed)
        assertThat(request(b, "4", null, Set.of('A'))).startsWith("A").hasSize(2);
        String during = byKeys(b, 100);
        for (int k = 0; k < 100; k++) {
            assertThat(during.charAt(k) == before.charAt(k)).as("key %d", k).isEqualTo(before.charAt(k) != 'A');
        }
        ticker.advanceSeconds(11);
        assertThat(byKeys(b, 100)).isEqualTo(before);
    }

    @Test
    void peerAtMaxConnsSendsItsKeysElsewhere() {
        Balancer b = hash(peer('A'), peer('B'), peer('C').withMaxConns(1));
        Attempt held = b.newAttempt("0", null);
        assertThat(b.pick(held)).extracting(Peers::letterOf).isEqualTo('C');
        assertThat(pick(b, "0", null)).isNotEqualTo('C');
        b.release(held, false);
        assertThat(pick(b, "0", null)).isEqualTo('C');
    }

    @Test
    void afterTwentyMissesRoundRobinTakesOver() {
        Balancer none = hash(peer('A').withDown(true), peer('B').withDown(true));
        Attempt a = none.newAttempt("k", null);
        assertThat(none.pick(a)).isNull();
        assertThat(a.hashTries).isEqualTo(21);
        // rehash counted every round
        assertThat(a.rehash).isEqualTo(21);
    }

    @Test
    void singlePeerGoesThroughRoundRobinsSingleRule() {
        Balancer b = hash(peer('A'));
        assertThat(request(b, "x", null, Set.of('A'))).isEqualTo("A-");
        assertThat(pick(b, "x", null)).isEqualTo('A');
    }

    @Test
    void noLiveUpstreams() {
        Balancer b = hash(peer('A'), peer('B'));
        assertThat(request(b, "k", null, Set.of('A', 'B'))).hasSize(3).endsWith("-");
        assertThat(pick(b, "k", null)).isEqualTo('-');
        assertThat(pick(b, "other", null)).isEqualTo('-');
    }

    @Test
    void keyCrcEncodesUtf8WithoutAllocatingAndPrefixesTheRehashCount() {
        KeyCrc crc = new KeyCrc();
        String longKey = "/ünïcode/€/😀/".repeat(40);
        for (String key : List.of("", "0", "abc", "é/ü", longKey, "lone\ud800surrogate")) {
            assertThat(crc.of(0, key)).as(key).isEqualTo(KeyCrc.of(key));
            assertThat(crc.of(17, key)).as(key).isEqualTo(KeyCrc.of("17" + key));
        }
        assertThat(KeyCrc.of("123456789")).isEqualTo(0xcbf43926L);
    }
}

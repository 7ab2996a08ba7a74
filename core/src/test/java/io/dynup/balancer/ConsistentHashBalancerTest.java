package io.dynup.balancer;

import static io.dynup.balancer.Keyed.byKeys;
import static io.dynup.balancer.Keyed.pick;
import static io.dynup.balancer.Keyed.request;
import static io.dynup.testing.Peers.fixture;
import static io.dynup.testing.Peers.peer;
import static io.dynup.testing.Peers.upstream;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;

import io.dynup.balancer.ConsistentHashBalancer.Points;
import io.dynup.model.Balancing;
import io.dynup.model.PeerSpec;
import io.dynup.model.PeerUpdate;
import io.dynup.model.UpstreamKind;
import io.dynup.testing.FakeTicker;
import io.dynup.testing.Peers;
import io.dynup.testing.Peers.Fixture;
import io.dynup.upstream.Peer;

/**
 * Expected mappings marked "observed" were recorded on Debian nginx 1.22.1 (nginx-light): upstreams of
 * {@code server 127.0.0.1:10001} (A), :10002 (B) ... answering their letter, {@code hash $arg_k consistent},
 * one request {@code /?k=K} for each key K = 0, 1, 2 ... in order.
 */
class ConsistentHashBalancerTest {

    private static final Balancing CHASH = Balancing.hash("$arg_k", true);

    private final FakeTicker ticker = new FakeTicker();

    private Balancer chash(PeerSpec... peers) {
        Balancer b = Balancer.create(upstream(CHASH, peers), ticker);
        assertThat(b).isInstanceOf(ConsistentHashBalancer.class);
        return b;
    }

    @Test
    void threeEqualPeersAsObservedOnNginx() {
        assertThat(byKeys(chash(peer('A'), peer('B'), peer('C')), 100)).isEqualTo(
                "AACBABBCCBBACBABBBABABBCACBCBACBBBAAAAACBAACBACCBAAACCCCBCCAACABBAACBACACBAACABCCCACBAABBBCCAACCACAB");
    }

    @Test
    void weightedPeersAsObservedOnNginx() {
        assertThat(byKeys(chash(peer('A', 1), peer('B', 2), peer('C', 3)), 100)).isEqualTo(
                "AACBCBBCCBBCCBCBBCABCBBCBCBCBCCBCBCAAAACBCCCCCCCCCACBCCCCBCAACCBBAACCACBBCBACABCCCACCBABBCCCABCCACAB");
    }

    @Test
    void downPeersKeysWalkToTheNextPointAsObservedOnNginx() {
        assertThat(byKeys(chash(peer('A'), peer('B').withDown(true), peer('C')), 100)).isEqualTo(
                "AACCAAACCACACAACAAACAAACACCCAACACAAAAAACCAACCACCCAAACCCCACCAACAACAACAACACCAACACCCCACAAAACACCAACCACAC");
    }

    @Test
    void fourAndFivePeersAsObservedOnNginx() {
        assertThat(byKeys(chash(peer('A'), peer('B'), peer('C'), peer('D')), 100)).isEqualTo(
                "DACBDBBDCBBDCDDBBBADDBBCACBDBDCBDBAAADACBDACBACCBDAACCCCDCCAACABBAACDACACDAACABCCDADBDADBBDCAACDACAD");
        assertThat(byKeys(chash(peer('A'), peer('B'), peer('C'), peer('D'), peer('E')), 100)).isEqualTo(
                "DAEBDEBECBBDCDDEBBADDBBCACBDEDEBDBAAADACBDACBECCBDAECCCCDCCAACEEBAACDACACDAACABCCDADBEADBEDCAAEEACAD");
    }

    @Test
    void pointsComeFromTheServerAsWrittenAsObservedOnNginx() {
        // server localhost:10001 (resolving to 127.0.0.1:10001) hashes "localhost" \0 "10001", not the address
        PeerSpec a = PeerSpec.of("localhost:10001", "127.0.0.1:10001", new InetSocketAddress("127.0.0.1", 10001));
        assertThat(byKeys(chash(a, peer('B'), peer('C')), 100)).isEqualTo(
                "ABCBABBACBBAABBABBAABBBCACBCBACBABBAABBCBABCBACAABAACCACAACBCCAABBCCABCAAABCCABCCCBCAAABBBACCBCABACA");
    }

    @Test
    void refusingPeerFailsOverAndStaysOutAsObservedOnNginx() {
        Balancer b = chash(peer('A'), peer('B'), peer('C'), peer('J'));
        List<String> seen = new ArrayList<>();
        for (int k = 0; k < 50; k++) {
            seen.add(request(b, Integer.toString(k), null, Set.of('J')));
        }
        assertThat(String.join(" ", seen)).isEqualTo(
                "A A C B JA B B C C B B A C B A B B B A B A B B C A C B C B A C B B B A A A A A C B A A C B A C C B A");
    }

    @Test
    void ringHas160PointsPerWeightChainedFromHostZeroPort() {
        Points ring = Points.of(upstream(CHASH, peer('A'), peer('B', 2)).snapshot().primary());
        assertThat(ring.number()).isEqualTo(3 * 160);
        for (int i = 1; i < ring.number(); i++) {
            assertThat(ring.hash(i)).isGreaterThan(ring.hash(i - 1));
        }
        // A's first point: crc32("127.0.0.1" \0 "10001" 00 00 00 00); its second chains the first, little-endian
        CRC32 crc = new CRC32();
        crc.update("127.0.0.1\u000010001\0\0\0\0".getBytes(StandardCharsets.US_ASCII));
        long first = crc.getValue();
        crc.reset();
        crc.update("127.0.0.1\u000010001".getBytes(StandardCharsets.US_ASCII));
        crc.update(new byte[] {(byte) first, (byte) (first >>> 8), (byte) (first >>> 16), (byte) (first >>> 24)});
        long second = crc.getValue();
        for (long h : List.of(first, second)) {
            int i = ring.find(h);
            assertThat(ring.hash(i)).isEqualTo(h);
            assertThat(ring.server(i)).isEqualTo("127.0.0.1:10001");
        }
        assertThat(ring.find(ring.hash(ring.number() - 1) + 1)).isEqualTo(ring.number());
    }

    @Test
    void serverTextSplitsLikeNginx() {
        assertThat(new String(Points.baseBytes("backend.local:8080"), StandardCharsets.US_ASCII))
                .isEqualTo("backend.local\u00008080");
        assertThat(new String(Points.baseBytes("backend.local"), StandardCharsets.US_ASCII))
                .isEqualTo("backend.local\u0000");
        assertThat(new String(Points.baseBytes("UNIX:/run/app.sock"), StandardCharsets.US_ASCII))
                .isEqualTo("/run/app.sock\u0000");
        assertThat(new String(Points.baseBytes("[::1]:80"), StandardCharsets.US_ASCII)).isEqualTo("[::1]\u000080");
        assertThat(new String(Points.baseBytes("host:8a"), StandardCharsets.US_ASCII)).isEqualTo("host:8a\u0000");
    }

    @Test
    void peersOfOneServerShareItsPointsAndRotate() {
        // two addresses of one server: one chain of points, and its keys alternate over both by round robin
        PeerSpec a1 = PeerSpec.of("cache:11211", "127.0.0.1:10001", new InetSocketAddress("127.0.0.1", 10001));
        PeerSpec a2 = PeerSpec.of("cache:11211", "127.0.0.1:10002", new InetSocketAddress("127.0.0.1", 10002));
        PeerSpec other = PeerSpec.of("other:11211", "127.0.0.1:10003", new InetSocketAddress("127.0.0.1", 10003));
        Balancer b = chash(a1, a2, other);
        assertThat(Points.of(b.upstream().snapshot().primary()).number()).isEqualTo(2 * 160);
        String key = null;
        for (int k = 0; key == null; k++) {
            if (pick(b, Integer.toString(k), null) != 'C') {
                key = Integer.toString(k);
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            sb.append(pick(b, key, null));
        }
        assertThat(sb.toString()).isIn("ABAB", "BABA");
    }

    @Test
    void sameKeySamePeerAndSpreadFollowsWeight() {
        Balancer b = chash(peer('A', 1), peer('B', 2), peer('C', 3));
        int[] count = new int[3];
        int n = 10_000;
        for (int k = 0; k < n; k++) {
            count[pick(b, "/item/" + k, null) - 'A']++;
        }
        // 160 points per weight unit: shares are close to the weights, though not as close as plain hash
        assertThat(count[0] / (double) n).isCloseTo(1 / 6.0, within(0.05));
        assertThat(count[1] / (double) n).isCloseTo(2 / 6.0, within(0.05));
        assertThat(count[2] / (double) n).isCloseTo(3 / 6.0, within(0.05));
        assertThat(pick(b, "/item/7", null)).isEqualTo(pick(b, "/item/7", null));
    }

    @Test
    void addingAPeerMovesAboutOneNthOfTheKeysAllToTheNewPeer() {
        Fixture f = fixture(CHASH, peer('A'), peer('B'), peer('C'));
        Balancer b = Balancer.create(f.upstream(), ticker);
        int n = 4000;
        String before = byKeys(b, n);
        f.service().addPeer(UpstreamKind.HTTP, "u", "127.0.0.1:10004", false, PeerUpdate.NONE);
        String after = byKeys(b, n);
        int moved = 0;
        for (int k = 0; k < n; k++) {
            if (after.charAt(k) != before.charAt(k)) {
                assertThat(after.charAt(k)).as("key %d", k).isEqualTo('D');
                moved++;
            }
        }
        assertThat(moved / (double) n).isCloseTo(0.25, within(0.08));
        // D was added first in the list, nginx had it last: the ring does not depend on order (observed)
        assertThat(after.substring(0, 100)).isEqualTo(
                "DACBDBBDCBBDCDDBBBADDBBCACBDBDCBDBAAADACBDACBACCBDAACCCCDCCAACABBAACDACACDAACABCCDADBDADBBDCAACDACAD");
        // and removing it again restores every key
        f.service().removePeer(UpstreamKind.HTTP, "u", "127.0.0.1:10004");
        assertThat(byKeys(b, n)).isEqualTo(before);
    }

    @Test
    void downPeersKeysMoveAndTheOthersStay() {
        Fixture f = fixture(CHASH, peer('A'), peer('B'), peer('C'), peer('D'));
        Balancer b = Balancer.create(f.upstream(), ticker);
        String before = byKeys(b, 2000);
        f.service().setPeerDown(UpstreamKind.HTTP, "u", "127.0.0.1:10002");
        String after = byKeys(b, 2000);
        int[] gained = new int[4];
        for (int k = 0; k < before.length(); k++) {
            if (before.charAt(k) == 'B') {
                gained[after.charAt(k) - 'A']++;
            } else {
                assertThat(after.charAt(k)).as("key %d", k).isEqualTo(before.charAt(k));
            }
        }
        // B's arcs fall to the next points, which belong to all the others
        assertThat(gained[1]).isZero();
        assertThat(gained[0]).isPositive();
        assertThat(gained[2]).isPositive();
        assertThat(gained[3]).isPositive();
    }

    @Test
    void retryWalksOnFromTheKeysPoint() {
        Balancer b = chash(peer('A'), peer('B'), peer('C'));
        // key 0 maps to A (observed); when A refuses, the request walks on to the next server's point
        String r = request(b, "0", null, Set.of('A'));
        assertThat(r).hasSize(2).startsWith("A");
        Attempt a = b.newAttempt("0", null);
        Peer p = b.pick(a);
        assertThat(p).extracting(Peers::letterOf).isEqualTo(r.charAt(1));
        assertThat(a.hashTries).isPositive();
        b.release(a, false);
    }

    @Test
    void peerAtMaxConnsSendsItsKeysElsewhere() {
        Balancer b = chash(peer('A').withMaxConns(1), peer('B'), peer('C'));
        Attempt held = b.newAttempt("0", null);
        assertThat(b.pick(held)).extracting(Peers::letterOf).isEqualTo('A');
        assertThat(pick(b, "0", null)).isNotEqualTo('A');
        b.release(held, false);
        assertThat(pick(b, "0", null)).isEqualTo('A');
    }

    @Test
    void afterTwentyMovesRoundRobinTakesOver() {
        Balancer none = chash(peer('A').withDown(true), peer('B').withDown(true));
        Attempt a = none.newAttempt("k", null);
        assertThat(none.pick(a)).isNull();
        assertThat(a.hashTries).isEqualTo(21);
    }

    @Test
    void emptyKeyAndSinglePeerGoToRoundRobin() {
        Balancer b = chash(peer('A'), peer('B'), peer('C'));
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            sb.append(pick(b, "", null));
        }
        assertThat(sb).hasToString("ABCABC");
        assertThat(request(chash(peer('A')), "x", null, Set.of('A'))).isEqualTo("A-");
    }

    @Test
    void noLiveUpstreams() {
        Balancer b = chash(peer('A'), peer('B'));
        assertThat(request(b, "k", null, Set.of('A', 'B'))).hasSize(3).endsWith("-");
        assertThat(pick(b, "other", null)).isEqualTo('-');
    }

    @Test
    void everyPeerRemovedGivesNoLiveUpstreams() {
        Fixture f = fixture(CHASH, peer('A'), peer('B'));
        Balancer b = Balancer.create(f.upstream(), ticker);
        f.service().removePeer(UpstreamKind.HTTP, "u", "127.0.0.1:10001");
        f.service().removePeer(UpstreamKind.HTTP, "u", "127.0.0.1:10002");
        assertThat(pick(b, "k", null)).isEqualTo('-');
    }
}

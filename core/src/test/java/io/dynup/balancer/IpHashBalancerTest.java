package io.dynup.balancer;

import static io.dynup.balancer.Keyed.byClients;
import static io.dynup.balancer.Keyed.ip;
import static io.dynup.balancer.Keyed.pick;
import static io.dynup.balancer.Keyed.request;
import static io.dynup.testing.Peers.peer;
import static io.dynup.testing.Peers.upstream;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.dynup.model.Balancing;
import io.dynup.model.PeerSpec;
import io.dynup.testing.FakeTicker;
import io.dynup.testing.Peers;
import io.dynup.upstream.Peer;

/**
 * Expected mappings marked "observed" were recorded on Debian nginx 1.22.1 (nginx-light): upstreams of
 * {@code server 127.0.0.1:10001} (A), :10002 (B) ... answering their letter, {@code ip_hash}, the client set
 * with {@code set_real_ip_from 127.0.0.1; real_ip_header X-Real-IP;}, one request per client in list order.
 */
class IpHashBalancerTest {

    /**
     * The X-Real-IP values sent to nginx, in order. The fourteenth was 255.255.255.255, which realip cannot
     * set (ngx_inet_addr takes it for INADDR_NONE), so nginx hashed that request's real client, 127.0.0.1.
     */
    static final List<String> CLIENTS = Stream.concat(
            Stream.of("10.0.0.1", "10.0.0.200", "10.0.1.1", "10.0.2.1", "10.1.0.1", "192.168.1.10", "192.168.1.200",
                      "172.16.5.4", "8.8.8.8", "1.2.3.4", "203.0.113.7", "127.0.0.1", "0.0.0.0", "127.0.0.1",
                      "2001:db8::1", "2001:db8::2", "::1", "fe80::1", "2001:db8:0:0:0:0:0:ff"),
            IntStream.range(0, 40).mapToObj(i -> "10.0." + i + ".5")).collect(Collectors.toList());

    private final FakeTicker ticker = new FakeTicker();

    private Balancer ipHash(PeerSpec... peers) {
        Balancer b = Balancer.create(upstream(Balancing.IP_HASH, peers), ticker);
        assertThat(b).isInstanceOf(IpHashBalancer.class);
        return b;
    }

    private static String spaced(String letters) {
        return letters.chars().mapToObj(c -> String.valueOf((char) c)).collect(Collectors.joining(" "));
    }

    @Test
    void threeEqualPeersAsObservedOnNginx() {
        assertThat(spaced(byClients(ipHash(peer('A'), peer('B'), peer('C')), CLIENTS))).isEqualTo(
                "A A B C C B B B C B A C B C C A C A B A B C A B C A B C A B C A B C A B C A B C A B C A B C A B C"
                + " A B C A B C A B C A");
    }

    @Test
    void weightedPeersAsObservedOnNginx() {
        assertThat(spaced(byClients(ipHash(peer('A', 1), peer('B', 2), peer('C', 3)), CLIENTS))).isEqualTo(
                "C C C C B C C C C B A B B B B C C C C C C C A B B C C C A B B C C C A B B C C C A B B C C C A B B"
                + " C C C A B B C C C A");
    }

    @Test
    void downPeersClientsRehashAsObservedOnNginx() {
        Balancer b = ipHash(peer('A'), peer('B').withDown(true), peer('C'));
        assertThat(spaced(byClients(b, CLIENTS))).isEqualTo(
                "A A C C C C C C C C A C A C C A C A A A C C A C C A C C A A C A C C A A C A A C A A C A A C A A"
                + " C A C C A C C A C C A");
    }

    @Test
    void deadPeerFailsOverAndStaysOutAsObservedOnNginx() {
        // J (127.0.0.1:10010) refuses connections: its first client fails over, and with max_fails=1 J is out
        // for fail_timeout, so later clients of J rehash straight away
        Balancer b = ipHash(peer('A'), peer('B'), peer('C'), peer('J'));
        List<String> seen = new ArrayList<>();
        for (String c : CLIENTS) {
            seen.add(request(b, null, ip(c), Set.of('J')));
        }
        assertThat(String.join(" ", seen)).isEqualTo(
                "B B C JB C C C C C A A A C A A B B C C B C B A B C B A B C C A B C C A B C C A B C B A B C B A B C"
                + " C A B C A A B C A A");
    }

    @Test
    void handComputedPositions() {
        // hash starts at 89 and folds 10, 0, 0 (10.0.0.x): (89*113+10)%6271 = 3796, (3796*113)%6271 = 2520,
        // (2520*113)%6271 = 2565; 2565 % 3 = 0: A. For 10.0.1.x the last octet folded is 1: 2566 % 3 = 1: B;
        // 10.0.2.x: 2567 % 3 = 2: C. With weights 1,2,3 (total 6): 2565 % 6 = 3 falls in C's [3,6).
        Balancer b = ipHash(peer('A'), peer('B'), peer('C'));
        assertThat(pick(b, null, ip("10.0.0.1"))).isEqualTo('A');
        assertThat(pick(b, null, ip("10.0.1.1"))).isEqualTo('B');
        assertThat(pick(b, null, ip("10.0.2.1"))).isEqualTo('C');
        assertThat(pick(ipHash(peer('A', 1), peer('B', 2), peer('C', 3)), null, ip("10.0.0.1"))).isEqualTo('C');
    }

    @Test
    void sameNetworkSamePeerAndTheFourthOctetIsIgnored() {
        Balancer b = ipHash(peer('A'), peer('B'), peer('C'), peer('D'), peer('E'));
        for (String net : List.of("10.0.0.", "192.168.7.", "172.20.3.")) {
            char first = pick(b, null, ip(net + "1"));
            for (int last = 0; last < 256; last += 17) {
                assertThat(pick(b, null, ip(net + last))).as(net + last).isEqualTo(first);
            }
        }
        // IPv6 hashes all sixteen bytes: neighbours differ
        assertThat(byClients(b, List.of("2001:db8::1", "2001:db8::2", "2001:db8::3", "2001:db8::4")))
                .matches(s -> s.chars().distinct().count() > 1, "spread");
    }

    @Test
    void clientWithoutAnAddressHashesAsThreeZeroBytes() {
        // nginx hashes a non-IP client (unix socket) as {0,0,0}: the same peer as 0.0.0.x
        Balancer b = ipHash(peer('A'), peer('B'), peer('C'), peer('D'));
        assertThat(pick(b, null, null)).isEqualTo(pick(b, null, ip("0.0.0.0")));
    }

    @Test
    void failedPeerMovesOnlyItsClientsUntilTheWindowEnds() {
        Balancer b = ipHash(peer('A'), peer('B'), peer('C'));
        String before = byClients(b, CLIENTS);
        // 10.0.0.1 maps to A; A refuses, the same request rehashes to another peer
        String r = request(b, null, ip("10.0.0.1"), Set.of('A'));
        assertThat(r).startsWith("A").hasSize(2);
        String during = byClients(b, CLIENTS);
        for (int i = 0; i < CLIENTS.size(); i++) {
            if (before.charAt(i) != 'A') {
                assertThat(during.charAt(i)).as(CLIENTS.get(i)).isEqualTo(before.charAt(i));
            } else {
                assertThat(during.charAt(i)).as(CLIENTS.get(i)).isNotEqualTo('A');
            }
        }
        assertThat(pick(b, null, ip("10.0.0.1"))).isEqualTo(r.charAt(1));
        ticker.advanceSeconds(11);
        assertThat(byClients(b, CLIENTS)).isEqualTo(before);
    }

    @Test
    void peerAtMaxConnsSendsItsClientsElsewhere() {
        Balancer b = ipHash(peer('A').withMaxConns(1), peer('B'), peer('C'));
        Attempt held = b.newAttempt(null, ip("10.0.0.1"));
        assertThat(b.pick(held)).extracting(Peers::letterOf).isEqualTo('A');
        assertThat(pick(b, null, ip("10.0.0.7"))).isNotEqualTo('A');
        b.release(held, false);
        assertThat(pick(b, null, ip("10.0.0.7"))).isEqualTo('A');
    }

    @Test
    void afterTwentyMissesRoundRobinTakesOver() {
        // with B the only available peer, clients of A and C hash until they land on B or give up after 20
        Balancer b = ipHash(peer('A').withDown(true), peer('B'), peer('C').withDown(true));
        for (String c : CLIENTS) {
            assertThat(pick(b, null, ip(c))).isEqualTo('B');
        }
        Balancer none = ipHash(peer('A').withDown(true), peer('B').withDown(true));
        Attempt a = none.newAttempt(null, ip("10.0.0.1"));
        assertThat(none.pick(a)).isNull();
        assertThat(a.hashTries).isEqualTo(21);
    }

    @Test
    void singlePeerGoesThroughRoundRobinsSingleRule() {
        Balancer b = ipHash(peer('A'));
        assertThat(request(b, null, ip("10.0.0.1"), Set.of('A'))).isEqualTo("A-");
        assertThat(request(b, null, ip("10.0.0.1"), Set.of())).isEqualTo("A");
    }

    @Test
    void noLiveUpstreams() {
        Balancer b = ipHash(peer('A'), peer('B'));
        assertThat(request(b, null, ip("10.0.0.1"), Set.of('A', 'B'))).hasSize(3).endsWith("-");
        assertThat(pick(b, null, ip("10.0.0.1"))).isEqualTo('-');
        Peer none = b.pick(b.newAttempt(null, ip("10.9.9.9")));
        assertThat(none).isNull();
    }
}

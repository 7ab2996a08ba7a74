package io.dynup.upstream;

import static io.dynup.model.UpstreamKind.HTTP;
import static io.dynup.model.UpstreamKind.STREAM;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.dynup.balancer.Attempt;
import io.dynup.balancer.Balancer;
import io.dynup.model.Balancing;
import io.dynup.model.PeerSpec;
import io.dynup.model.PeerUpdate;
import io.dynup.model.Result;
import io.dynup.model.UpstreamKind;
import io.dynup.model.UpstreamSpec;
import io.dynup.testing.FakeTicker;

/** Every row of REFERENCE.md section 1 (dynup column), at the Java face. */
class UpstreamServiceTest {

    private final Queue<Runnable> resolverTasks = new ArrayDeque<>();
    private final Map<String, InetAddress[]> dns = new HashMap<>();
    private final UpstreamRegistry registry = new UpstreamRegistry(List.of(
            spec("backend", "zone_backend", HTTP, peer("127.0.0.1:9090", false), peer("127.0.0.1:9092", true)),
            spec("other", null, HTTP, peer("127.0.0.1:9100", false)),
            spec("tcp", null, STREAM, peer("127.0.0.1:9200", false))));
    private final UpstreamService service = new UpstreamService(registry, this::resolve, resolverTasks::add);
    private final List<Long> published = new ArrayList<>();

    UpstreamServiceTest() {
        service.addListener((u, before, after) -> published.add(after.generation()));
    }

    @Test
    void getUpstreamsListsNamesInConfigOrderPerNamespace() {
        assertThat(service.getUpstreams(HTTP).get()).containsExactly("backend", "other");
        assertThat(service.getUpstreams(STREAM).get()).containsExactly("tcp");
    }

    @Test
    void getPeersListsPrimariesThenBackups() {
        assertThat(names(service.getPeers(HTTP, "backend"))).containsExactly("127.0.0.1:9090", "127.0.0.1:9092");
        assertThat(names(service.getPrimaryPeers(HTTP, "backend"))).containsExactly("127.0.0.1:9090");
        assertThat(names(service.getBackupPeers(HTTP, "backend"))).containsExactly("127.0.0.1:9092");
        assertThat(service.getBackupPeers(HTTP, "other").get()).isEmpty();
    }

    @Test
    void unknownUpstreamFailsEveryOperation() {
        assertThat(service.getPeers(HTTP, "nosuch").error()).isEqualTo("upstream not found");
        assertThat(service.addPeer(HTTP, "nosuch", "1.2.3.4", false, PeerUpdate.NONE).error())
                .isEqualTo("upstream not found");
        assertThat(service.removePeer(HTTP, "nosuch", "1.2.3.4").error()).isEqualTo("upstream not found");
        assertThat(service.setPeerDown(HTTP, "nosuch", "1.2.3.4").error()).isEqualTo("upstream not found");
        // namespaces are separate
        assertThat(service.getPeers(HTTP, "tcp").error()).isEqualTo("upstream not found");
    }

    @Test
    void upstreamIsFoundByNameThenZoneName() {
        assertThat(names(service.getPeers(HTTP, "zone_backend"))).contains("127.0.0.1:9090");
    }

    @Test
    void upstreamWithoutZoneIsChangeable() {
        assertThat(service.addPeer(HTTP, "other", "127.0.0.1:9101", false, PeerUpdate.NONE).get()).isTrue();
        assertThat(names(service.getPeers(HTTP, "other"))).containsExactly("127.0.0.1:9101", "127.0.0.1:9100");
    }

    @Test
    void newPeerIsPrependedWithNginxDefaults() {
        assertThat(service.addPeer(HTTP, "backend", "127.0.0.1:9091", false, PeerUpdate.NONE).get()).isTrue();
        Peer first = service.getPeers(HTTP, "backend").get().get(0);
        assertThat(first.name()).isEqualTo("127.0.0.1:9091");
        assertThat(first.spec()).extracting(PeerSpec::weight, PeerSpec::maxFails, PeerSpec::failTimeout,
                                            PeerSpec::maxConns, PeerSpec::backup, PeerSpec::down)
                                 .containsExactly(1, 1, 10, 0, false, false);
        assertThat(published).containsExactly(2L);
    }

    @Test
    void addWithParametersAppliesThemAtomically() {
        PeerUpdate params = PeerUpdate.parse(Map.of("weight", 3, "max_fails", 4, "fail_timeout", 5,
                                                     "max_conns", 6, "down", true)).get();
        service.addPeer(HTTP, "backend", "127.0.0.1:9093", true, params);
        Peer added = service.getBackupPeers(HTTP, "backend").get().get(0);
        assertThat(added.spec()).extracting(PeerSpec::weight, PeerSpec::maxFails, PeerSpec::failTimeout,
                                            PeerSpec::maxConns, PeerSpec::backup, PeerSpec::down)
                                .containsExactly(3, 4, 5, 6, true, true);
        assertThat(published).hasSize(1);
    }

    @Test
    void addingAnExistingPeerOfTheSameKindChangesNothing() {
        assertThat(service.addPeer(HTTP, "backend", "127.0.0.1:9090", false, PeerUpdate.NONE).get()).isFalse();
        assertThat(service.addPeer(HTTP, "backend", "127.0.0.1:9092", true, PeerUpdate.NONE).get()).isFalse();
        assertThat(published).isEmpty();
        assertThat(service.getPeers(HTTP, "backend").get()).hasSize(2);
    }

    @Test
    void switchingKindIsRefused() {
        assertThat(service.addPeer(HTTP, "backend", "127.0.0.1:9092", false, PeerUpdate.NONE).error())
                .isEqualTo("can't change server type (primary<->backup)");
        assertThat(service.addPeer(HTTP, "backend", "127.0.0.1:9090", true, PeerUpdate.NONE).error())
                .isEqualTo("can't change server type (primary<->backup)");
        assertThat(published).isEmpty();
    }

    @Test
    void bareAddressGetsPort80() {
        service.addPeer(HTTP, "backend", "1.2.3.4", false, PeerUpdate.NONE);
        Peer p = service.getPeers(HTTP, "backend").get().get(0);
        assertThat(p.name()).isEqualTo("1.2.3.4:80");
        assertThat(p.server()).isEqualTo("1.2.3.4");
        // the same peer written with its port is the same peer
        assertThat(service.addPeer(HTTP, "backend", "1.2.3.4:80", false, PeerUpdate.NONE).get()).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "1.2.3.4:99999|invalid port", ":0|invalid port", "1.2.3.4:|invalid port", "::1|invalid port",
            "''|no host", "http://1.2.3.4|invalid host", "1.2.3.4/x|invalid host", ":80|no host",
            "[::1|invalid host", "[zz::1]:80|invalid IPv6 address"})
    void badAddressesAreRefusedWithNginxReasons(String peer, String error) {
        assertThat(service.addPeer(HTTP, "backend", peer, false, PeerUpdate.NONE).error()).isEqualTo(error);
        assertThat(published).isEmpty();
    }

    @Test
    void ipv6InBracketsIsAdded() {
        assertThat(service.addPeer(HTTP, "backend", "[::1]:80", false, PeerUpdate.NONE).get()).isTrue();
        assertThat(service.getPeers(HTTP, "backend").get().get(0).name()).isEqualTo("[::1]:80");
    }

    @Test
    void unixSocketPeerIsAdded() {
        service.addPeer(HTTP, "backend", "unix:/tmp/app.sock", false, PeerUpdate.NONE);
        assertThat(service.getPeers(HTTP, "backend").get().get(0).name()).isEqualTo("unix:/tmp/app.sock");
    }

    @Test
    void hostNameIsResolvedOffTheCallerThreadAndNotSelectableUntilThen() throws Exception {
        dns.put("app.local", new InetAddress[] {InetAddress.getByName("10.0.0.1"), InetAddress.getByName("10.0.0.2")});
        Upstream other = registry.find(HTTP, "other");
        service.updatePeer(HTTP, "other", "127.0.0.1:9100", PeerUpdate.down(true));
        service.addPeer(HTTP, "other", "app.local:8080", false, new PeerUpdate(5, null, null, null, null));

        Peer pending = service.getPeers(HTTP, "other").get().get(0);
        assertThat(pending.name()).isEqualTo("app.local:8080");
        assertThat(pending.spec().resolved()).isFalse();
        Balancer b = Balancer.create(other, new FakeTicker());
        assertThat(b.pick(b.newAttempt())).isNull();

        assertThat(resolverTasks).hasSize(1);
        resolverTasks.poll().run();
        List<Peer> peers = service.getPeers(HTTP, "other").get();
        assertThat(peers).extracting(Peer::name).containsExactly("10.0.0.1:8080", "10.0.0.2:8080", "127.0.0.1:9100");
        assertThat(peers).extracting(Peer::server).startsWith("app.local:8080", "app.local:8080");
        assertThat(peers.get(1).spec().weight()).isEqualTo(5);
        assertThat(peers.get(0).id()).isEqualTo(pending.id());
        Attempt a = b.newAttempt();
        assertThat(b.pick(a)).isNotNull().extracting(Peer::server).isEqualTo("app.local:8080");
    }

    @Test
    void hostNameRemovedBeforeResolutionStaysRemoved() {
        dns.put("app.local", new InetAddress[] {InetAddress.getLoopbackAddress()});
        service.addPeer(HTTP, "other", "app.local", false, PeerUpdate.NONE);
        service.removePeer(HTTP, "other", "app.local");
        resolverTasks.poll().run();
        assertThat(names(service.getPeers(HTTP, "other"))).containsExactly("127.0.0.1:9100");
    }

    @Test
    void unresolvableHostStaysListedAndUnselectable() {
        service.addPeer(HTTP, "other", "nosuch.invalid", false, PeerUpdate.NONE);
        resolverTasks.poll().run();
        assertThat(names(service.getPeers(HTTP, "other"))).containsExactly("nosuch.invalid", "127.0.0.1:9100");
    }

    @Test
    void dnsRefreshFollowsAddressChangesAndKeepsStateOfStayingPeers() throws Exception {
        dns.put("app.local", new InetAddress[] {InetAddress.getByName("10.0.0.1"), InetAddress.getByName("10.0.0.2")});
        service.addPeer(HTTP, "other", "app.local", false, PeerUpdate.NONE);
        resolverTasks.poll().run();
        Peer stays = service.getPeers(HTTP, "other").get().get(1);
        assertThat(stays.name()).isEqualTo("10.0.0.2:80");

        dns.put("app.local", new InetAddress[] {InetAddress.getByName("10.0.0.2"), InetAddress.getByName("10.0.0.3")});
        assertThat(service.refreshDns(HTTP, "other").get()).isTrue();
        List<Peer> peers = service.getPeers(HTTP, "other").get();
        assertThat(peers).extracting(Peer::name).containsExactly("10.0.0.2:80", "10.0.0.3:80", "127.0.0.1:9100");
        assertThat(peers.get(0).state()).isSameAs(stays.state());

        dns.remove("app.local");
        assertThat(service.refreshDns(HTTP, "other").get()).isFalse();
        assertThat(service.getPeers(HTTP, "other").get()).hasSize(3);
    }

    @Test
    void removingAMissingPeerSucceedsWithoutChange() {
        assertThat(service.removePeer(HTTP, "backend", "127.0.0.1:1").get()).isFalse();
        assertThat(published).isEmpty();
    }

    @Test
    void removingTheLastPrimaryLeavesAnEmptyList() {
        assertThat(service.removePeer(HTTP, "other", "127.0.0.1:9100").get()).isTrue();
        assertThat(service.getPeers(HTTP, "other").get()).isEmpty();
        Balancer b = Balancer.create(registry.find(HTTP, "other"), new FakeTicker());
        assertThat(b.pick(b.newAttempt())).isNull();
    }

    @Test
    void peersAreMatchedByServerOrNameAndRemoveTakesAllMatches() throws Exception {
        dns.put("app.local", new InetAddress[] {InetAddress.getByName("10.0.0.1"), InetAddress.getByName("10.0.0.2")});
        service.addPeer(HTTP, "other", "app.local", false, PeerUpdate.NONE);
        resolverTasks.poll().run();
        assertThat(service.setPeerDown(HTTP, "other", "10.0.0.2:80").get()).isTrue();
        assertThat(service.getPeers(HTTP, "other").get().get(1).spec().down()).isTrue();
        assertThat(service.removePeer(HTTP, "other", "app.local").get()).isTrue();
        assertThat(names(service.getPeers(HTTP, "other"))).containsExactly("127.0.0.1:9100");
    }

    @Test
    void operationsOnAnUnknownPeerFail() {
        assertThat(service.setPeerDown(HTTP, "backend", "127.0.0.1:1").error()).isEqualTo("server or peer is not found");
        assertThat(service.setPeerUp(HTTP, "backend", "127.0.0.1:1").error()).isEqualTo("server or peer is not found");
        assertThat(service.updatePeer(HTTP, "backend", "127.0.0.1:1", PeerUpdate.down(false)).error())
                .isEqualTo("server or peer is not found");
    }

    @Test
    void downAndUpAreIdempotent() {
        assertThat(service.setPeerDown(HTTP, "backend", "127.0.0.1:9090").get()).isTrue();
        assertThat(service.setPeerDown(HTTP, "backend", "127.0.0.1:9090").get()).isFalse();
        assertThat(service.getPeers(HTTP, "backend").get().get(0).spec().down()).isTrue();
        assertThat(service.setPeerUp(HTTP, "backend", "127.0.0.1:9090").get()).isTrue();
        assertThat(service.getPeers(HTTP, "backend").get().get(0).spec().down()).isFalse();
        assertThat(published).containsExactly(2L, 3L);
    }

    @Test
    void updateKeepsRuntimeStateAndId() {
        Peer before = service.getPeers(HTTP, "backend").get().get(0);
        service.updatePeer(HTTP, "backend", "127.0.0.1:9090",
                           PeerUpdate.parse(Map.of("weight", "7", "max_conns", 2.0)).get());
        Peer after = service.getPeers(HTTP, "backend").get().get(0);
        assertThat(after.spec().weight()).isEqualTo(7);
        assertThat(after.spec().maxConns()).isEqualTo(2);
        assertThat(after.state()).isSameAs(before.state());
        assertThat(after.id()).isEqualTo(before.id());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "weight|0|weight: 0 (expected: an integer 1..1000000)",
            "weight|-3|weight: -3 (expected: an integer 1..1000000)",
            "weight|2.9|weight: 2.9 (expected: an integer 1..1000000)",
            "weight|1e12|weight: 1000000000000 (expected: an integer 1..1000000)",
            "max_fails|-1|max_fails: -1 (expected: an integer 0..1000000)",
            "fail_timeout|-5|fail_timeout: -5 (expected: an integer 0..1000000)",
            "max_conns|-5|max_conns: -5 (expected: an integer 0..1000000)"})
    void outOfRangeNumbersAreRejectedAndNothingChanges(String key, double value, String error) {
        Result<PeerUpdate> parsed = PeerUpdate.parse(Map.of(key, value));
        assertThat(parsed.error()).isEqualTo(error);
    }

    @Test
    void nonNumbersAndUnknownKeysAreRejected() {
        assertThat(PeerUpdate.parse(Map.of("weight", "abc")).error())
                .isEqualTo("weight: \"abc\" (expected: an integer 1..1000000)");
        assertThat(PeerUpdate.parse(Map.of("wieght", 2)).error())
                .isEqualTo("unknown parameter \"wieght\" (expected: weight, max_fails, fail_timeout, max_conns, down)");
        assertThat(PeerUpdate.parse(Map.of("down", "yes")).error())
                .isEqualTo("down: \"yes\" (expected: true, false, 1 or 0)");
    }

    @Test
    void zeroesAllowedWhereNginxAllowsThem() {
        PeerUpdate u = PeerUpdate.parse(Map.of("max_fails", 0, "fail_timeout", 0, "max_conns", 0)).get();
        assertThat(u).isEqualTo(new PeerUpdate(null, 0, 0, 0, null));
    }

    @ParameterizedTest
    @CsvSource({"true,true", "1,true", "'1',true", "false,false", "0,false", "'0',false"})
    void downMeansDown(String raw, boolean down) {
        Object value = raw.equals("true") || raw.equals("false") ? Boolean.valueOf(raw)
                : raw.startsWith("'") ? raw.substring(1, 2) : (Object) Integer.valueOf(raw);
        assertThat(PeerUpdate.parse(Map.of("down", value)).get().down()).isEqualTo(down);
    }

    @Test
    void streamUpstreamsAreChangedTheSameWay() {
        assertThat(service.addPeer(STREAM, "tcp", "127.0.0.1:9201", true, PeerUpdate.NONE).get()).isTrue();
        assertThat(names(service.getBackupPeers(STREAM, "tcp"))).containsExactly("127.0.0.1:9201");
    }

    @Test
    void failingListenerDoesNotUndoTheChange() {
        service.addListener((u, b, a) -> {
            throw new IllegalStateException("boom");
        });
        assertThat(service.setPeerDown(HTTP, "backend", "127.0.0.1:9090").ok()).isTrue();
        assertThat(service.getPeers(HTTP, "backend").get().get(0).spec().down()).isTrue();
    }

    private InetAddress[] resolve(String host) throws UnknownHostException {
        InetAddress[] a = dns.get(host);
        if (a == null) {
            throw new UnknownHostException(host);
        }
        return a;
    }

    private static List<String> names(Result<List<Peer>> r) {
        List<String> out = new ArrayList<>();
        for (Peer p : r.get()) {
            out.add(p.name());
        }
        return out;
    }

    private static PeerSpec peer(String addr, boolean backup) {
        int colon = addr.lastIndexOf(':');
        return PeerSpec.of(addr, addr, new InetSocketAddress(addr.substring(0, colon),
                                                            Integer.parseInt(addr.substring(colon + 1))))
                       .withBackup(backup);
    }

    private static UpstreamSpec spec(String name, String zone, UpstreamKind kind, PeerSpec... peers) {
        return new UpstreamSpec(name, kind, zone, Balancing.ROUND_ROBIN, 0, UpstreamSpec.DEFAULT_KEEPALIVE_TIMEOUT,
                                UpstreamSpec.DEFAULT_KEEPALIVE_REQUESTS, null, List.of(peers), null);
    }
}

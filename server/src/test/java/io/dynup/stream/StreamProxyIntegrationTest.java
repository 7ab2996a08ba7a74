package io.dynup.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.dynup.http.ListenerSet;
import io.dynup.model.PeerUpdate;
import io.dynup.model.UpstreamKind;
import io.dynup.server.DynupServer;
import io.dynup.server.TestConfigs;
import io.dynup.testing.Blackhole;
import io.dynup.testing.DataPlaneChecks;
import io.dynup.testing.Dynup;
import io.dynup.testing.TcpBackend;
import io.dynup.upstream.Peer;

/** The stream proxy on loopback: real sockets between a client, dynup and two echo backends. */
@ExtendWith(DataPlaneChecks.class)
class StreamProxyIntegrationTest {

    private TcpBackend a;
    private TcpBackend b;
    private int port;
    private DynupServer dynup;

    @BeforeEach
    void backends() throws IOException {
        a = TcpBackend.start("a");
        b = TcpBackend.start("b");
        port = Dynup.freePort();
    }

    @AfterEach
    void stop() throws IOException {
        if (dynup != null) {
            dynup.close();
        }
        a.close();
        b.close();
    }

    private String conf(String upstreamBody, String serverBody) {
        return "events {}\nstream {\n upstream u {\n" + upstreamBody + "\n }\n server {\n  listen 127.0.0.1:" + port
               + ";\n  proxy_pass u;\n" + serverBody + "\n }\n}\n";
    }

    private void start(String upstreamBody, String serverBody) throws Exception {
        dynup = TestConfigs.start(conf(upstreamBody, serverBody));
    }

    private String servers() {
        return "server " + a.address() + ";\nserver " + b.address() + ";";
    }

    private Peer peer(TcpBackend backend) {
        return dynup.upstreams().getPeers(UpstreamKind.STREAM, "u").get().stream()
                    .filter(p -> p.name().equals(backend.address())).findFirst().orElseThrow();
    }

    @Test
    void aTakenPortFailsTheStartWithNginxsMessage() throws Exception {
        try (ServerSocket taken = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> start(servers(), ""))
                    .isInstanceOf(ListenerSet.BindFailedException.class)
                    .hasMessage("bind() to 127.0.0.1:" + port + " failed (98: Address already in use)");
        }
    }

    @Test
    void relaysBothWaysAndBalancesConnectionsRoundRobin() throws Exception {
        start(servers(), "");
        List<String> greetings = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            try (StreamClient c = StreamClient.connect(port)) {
                greetings.add(c.readLine());
                assertThat(c.echo("hello " + i)).isEqualTo("hello " + i);
            }
        }
        assertThat(greetings).containsExactly("a", "b", "a", "b");
    }

    @Test
    void halfCloseReachesTheBackendAndItsAnswerStillComesBack() throws Exception {
        start("server " + a.address() + ";", "");
        try (StreamClient c = StreamClient.connect(port)) {
            assertThat(c.readLine()).isEqualTo("a");
            c.send("last words\n").shutdownOutput();
            assertThat(c.readLine()).isEqualTo("last words");
            assertThat(c.readLine()).isEqualTo("bye a");
            assertThat(c.readLine()).isNull();
        }
        await().until(() -> dynup.streamServer().connections() == 0 && a.open() == 0);
        assertThat(peer(a).state().conns()).isZero();
    }

    @Test
    void refusedConnectMovesOnAndCountsTowardMaxFails() throws Exception {
        int closed = Dynup.freePort();
        start("server 127.0.0.1:" + closed + " max_fails=1 fail_timeout=60s;\nserver " + a.address() + ";", "");
        for (int i = 0; i < 3; i++) {
            try (StreamClient c = StreamClient.connect(port)) {
                assertThat(c.readLine()).isEqualTo("a");
            }
        }
        Peer refused = dynup.upstreams().getPeers(UpstreamKind.STREAM, "u").get().get(0);
        assertThat(refused.name()).isEqualTo("127.0.0.1:" + closed);
        // one failure took it out for fail_timeout: the next connections did not try it again
        assertThat(refused.state().fails()).isEqualTo(1);
        assertThat(a.accepted()).isEqualTo(3);
    }

    @Test
    void connectTimeoutMovesOnAndWhatTheClientSentMeanwhileArrives() throws Exception {
        try (Blackhole hole = Blackhole.start()) {
            start("server " + hole.address() + ";\nserver " + a.address() + ";", "proxy_connect_timeout 300ms;");
            try (StreamClient c = StreamClient.connect(port)) {
                // sent and finished while dynup still waits for the first peer
                c.send("early\n").shutdownOutput();
                assertThat(c.readLine()).isEqualTo("a");
                assertThat(c.readLine()).isEqualTo("early");
                assertThat(c.readLine()).isEqualTo("bye a");
                assertThat(c.readLine()).isNull();
            }
            assertThat(dynup.upstreams().getPeers(UpstreamKind.STREAM, "u").get().get(0).state().fails()).isEqualTo(1);
        }
    }

    @Test
    void withoutNextUpstreamARefusedConnectClosesTheClient() throws Exception {
        int closed = Dynup.freePort();
        start("server 127.0.0.1:" + closed + ";\nserver " + a.address() + ";", "proxy_next_upstream off;");
        try (StreamClient c = StreamClient.connect(port)) {
            assertThat(c.closedByPeer()).isTrue();
        }
        assertThat(a.accepted()).isZero();
    }

    @Test
    void nextUpstreamTriesLimitsTheConnectAttempts() throws Exception {
        int closed1 = Dynup.freePort();
        int closed2 = Dynup.freePort();
        start("server 127.0.0.1:" + closed1 + ";\nserver 127.0.0.1:" + closed2 + ";\nserver " + a.address() + ";",
              "proxy_next_upstream_tries 2;");
        try (StreamClient c = StreamClient.connect(port)) {
            assertThat(c.closedByPeer()).isTrue();
        }
        assertThat(a.accepted()).isZero();
        assertThat(dynup.upstreams().getPeers(UpstreamKind.STREAM, "u").get())
                .extracting(p -> p.state().fails()).containsExactly(1, 1, 0);
    }

    @Test
    void randomSpreadsConnectionsOverThePeers() throws Exception {
        start("random;\n" + servers(), "");
        for (int i = 0; i < 20; i++) {
            try (StreamClient c = StreamClient.connect(port)) {
                assertThat(c.readLine()).isIn("a", "b");
            }
        }
        assertThat(a.accepted()).isPositive();
        assertThat(b.accepted()).isPositive();
    }

    @Test
    void noLiveUpstreamsClosesTheClient() throws Exception {
        start("server " + a.address() + " down;", "");
        try (StreamClient c = StreamClient.connect(port)) {
            assertThat(c.closedByPeer()).isTrue();
        }
    }

    @Test
    void idleTimeoutClosesBothSides() throws Exception {
        start("server " + a.address() + ";", "proxy_timeout 300ms;");
        try (StreamClient c = StreamClient.connect(port)) {
            assertThat(c.readLine()).isEqualTo("a");
            assertThat(c.echo("still here")).isEqualTo("still here");
            assertThat(c.closedByPeer()).isTrue();
        }
        await().until(() -> a.open() == 0);
        assertThat(peer(a).state().conns()).isZero();
    }

    @Test
    void maxConnsCountsOpenConnections() throws Exception {
        start("server " + a.address() + " max_conns=1;\nserver " + b.address() + ";", "");
        try (StreamClient c1 = StreamClient.connect(port); StreamClient c2 = StreamClient.connect(port);
             StreamClient c3 = StreamClient.connect(port)) {
            assertThat(List.of(c1.readLine(), c2.readLine(), c3.readLine())).containsExactly("a", "b", "b");
            assertThat(peer(a).state().conns()).isEqualTo(1);
            c1.close();
            await().until(() -> peer(a).state().conns() == 0);
            // a is free again; smooth round robin owes b's turn first (a was skipped while full)
            try (StreamClient c4 = StreamClient.connect(port); StreamClient c5 = StreamClient.connect(port)) {
                assertThat(List.of(c4.readLine(), c5.readLine())).containsExactly("b", "a");
            }
        }
    }

    @Test
    void peerSetDownGetsNoNewConnectionsWhileItsOpenOnesContinue() throws Exception {
        start(servers(), "");
        try (StreamClient onA = StreamClient.connect(port)) {
            assertThat(onA.readLine()).isEqualTo("a");
            assertThat(dynup.upstreams().setPeerDown(UpstreamKind.STREAM, "u", a.address()).ok()).isTrue();
            for (int i = 0; i < 3; i++) {
                try (StreamClient c = StreamClient.connect(port)) {
                    assertThat(c.readLine()).isEqualTo("b");
                }
            }
            assertThat(onA.echo("after down")).isEqualTo("after down");
        }
    }

    @Test
    void removedPeerDrains() throws Exception {
        start(servers(), "");
        try (StreamClient onA = StreamClient.connect(port)) {
            assertThat(onA.readLine()).isEqualTo("a");
            Peer removed = peer(a);
            assertThat(dynup.upstreams().removePeer(UpstreamKind.STREAM, "u", a.address()).ok()).isTrue();
            try (StreamClient c = StreamClient.connect(port)) {
                assertThat(c.readLine()).isEqualTo("b");
            }
            assertThat(onA.echo("draining")).isEqualTo("draining");
            assertThat(removed.state().conns()).isEqualTo(1);
            onA.close();
            await().until(() -> removed.state().conns() == 0);
        }
    }

    @Test
    void disconnectIfMarketDownClosesThePeersConnections() throws Exception {
        start(servers() + "\ndisconnect_if_market_down;", "");
        try (StreamClient onA = StreamClient.connect(port); StreamClient onB = StreamClient.connect(port)) {
            assertThat(onA.readLine()).isEqualTo("a");
            assertThat(onB.readLine()).isEqualTo("b");
            dynup.upstreams().setPeerDown(UpstreamKind.STREAM, "u", a.address());
            assertThat(onA.closedByPeer()).isTrue();
            await().until(() -> a.open() == 0);
            assertThat(onB.echo("unaffected")).isEqualTo("unaffected");
        }
    }

    @Test
    void withoutDisconnectIfMarketDownAPeerSetDownKeepsItsConnections() throws Exception {
        // the counterpart of the test above, so that one cannot pass by closing everything
        start(servers(), "");
        try (StreamClient onA = StreamClient.connect(port)) {
            assertThat(onA.readLine()).isEqualTo("a");
            dynup.upstreams().setPeerDown(UpstreamKind.STREAM, "u", a.address());
            assertThat(onA.echo("kept")).isEqualTo("kept");
        }
    }

    @Test
    void disconnectBackupIfPrimaryUpClosesBackupConnectionsWhenAPrimaryReturns() throws Exception {
        start("server " + a.address() + " down;\nserver " + b.address() + " backup;\ndisconnect_backup_if_primary_up;",
              "");
        try (StreamClient onBackup = StreamClient.connect(port)) {
            assertThat(onBackup.readLine()).isEqualTo("b");
            assertThat(onBackup.echo("on backup")).isEqualTo("on backup");
            dynup.upstreams().setPeerUp(UpstreamKind.STREAM, "u", a.address());
            assertThat(onBackup.closedByPeer()).isTrue();
            try (StreamClient c = StreamClient.connect(port)) {
                assertThat(c.readLine()).isEqualTo("a");
            }
        }
    }

    @Test
    void disconnectBackupIfPrimaryUpWaitsForAPrimaryToComeBack() throws Exception {
        start("server " + a.address() + " max_conns=1;\nserver " + b.address() + " backup;\n"
              + "disconnect_backup_if_primary_up;", "");
        try (StreamClient onA = StreamClient.connect(port); StreamClient onBackup = StreamClient.connect(port)) {
            assertThat(onA.readLine()).isEqualTo("a");
            // a is up but full: the backup serves, and a change that brings no primary back leaves it alone
            assertThat(onBackup.readLine()).isEqualTo("b");
            assertThat(dynup.upstreams().addPeer(UpstreamKind.STREAM, "u", "127.0.0.1:1", true, PeerUpdate.NONE)
                            .ok()).isTrue();
            assertThat(onBackup.echo("still on backup")).isEqualTo("still on backup");
            dynup.upstreams().setPeerDown(UpstreamKind.STREAM, "u", a.address());
            assertThat(onBackup.echo("a went down")).isEqualTo("a went down");
            dynup.upstreams().setPeerUp(UpstreamKind.STREAM, "u", a.address());
            assertThat(onBackup.closedByPeer()).isTrue();
            assertThat(onA.echo("primary untouched")).isEqualTo("primary untouched");
        }
    }

    @Test
    void disconnectOnExitingClosesRelaysOnReloadOthersContinue() throws Exception {
        int other = Dynup.freePort();
        String both = "events {}\nstream {\n"
                      + " upstream u { server " + a.address() + "; disconnect_on_exiting; }\n"
                      + " upstream v { server " + b.address() + "; }\n"
                      + " server { listen 127.0.0.1:" + port + "; proxy_pass u; }\n"
                      + " server { listen 127.0.0.1:" + other + "; proxy_pass v; }\n}\n";
        dynup = TestConfigs.start(both);
        try (StreamClient onU = StreamClient.connect(port); StreamClient onV = StreamClient.connect(other)) {
            assertThat(onU.readLine()).isEqualTo("a");
            assertThat(onV.readLine()).isEqualTo("b");
            assertThat(dynup.reload(() -> TestConfigs.parse(both))).isTrue();
            assertThat(onU.closedByPeer()).isTrue();
            assertThat(onV.echo("survived the reload")).isEqualTo("survived the reload");
            try (StreamClient again = StreamClient.connect(port)) {
                assertThat(again.readLine()).isEqualTo("a");
            }
        }
    }

    @Test
    void disconnectOnExitingLetsQuitFinishWithoutWaiting() throws Exception {
        start("server " + a.address() + ";\ndisconnect_on_exiting;", "");
        try (StreamClient c = StreamClient.connect(port)) {
            assertThat(c.readLine()).isEqualTo("a");
            dynup.quit();
            assertThat(c.closedByPeer()).isTrue();
        }
        dynup = null;
    }

    @Test
    void reloadUnderConnectionsKeepsThemAndGivesNewOnesTheNewConfig() throws Exception {
        start("server " + a.address() + ";", "");
        try (StreamClient old = StreamClient.connect(port)) {
            assertThat(old.readLine()).isEqualTo("a");
            assertThat(dynup.reload(() -> TestConfigs.parse(conf("server " + b.address() + ";", "")))).isTrue();
            try (StreamClient fresh = StreamClient.connect(port)) {
                assertThat(fresh.readLine()).isEqualTo("b");
            }
            assertThat(old.echo("on the old config")).isEqualTo("on the old config");
        }
    }

    @Test
    void reloadWithoutTheServerStopsListeningWhileItsRelaysFinish() throws Exception {
        start("server " + a.address() + ";", "");
        try (StreamClient old = StreamClient.connect(port)) {
            assertThat(old.readLine()).isEqualTo("a");
            assertThat(dynup.reload(() -> TestConfigs.parse("events {}\n"))).isTrue();
            assertThatThrownBy(() -> StreamClient.connect(port)).isInstanceOf(java.net.ConnectException.class);
            assertThat(old.echo("still relayed")).isEqualTo("still relayed");
        }
    }

    @Test
    void hashRemoteAddrSendsOneClientToOnePeer() throws Exception {
        start("hash $remote_addr;\n" + servers(), "");
        List<String> greetings = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            try (StreamClient c = StreamClient.connect(port)) {
                greetings.add(c.readLine());
            }
        }
        assertThat(greetings).containsOnly(greetings.get(0));
    }

    @Test
    void leastConnPrefersThePeerWithFewerConnections() throws Exception {
        start("least_conn;\n" + servers(), "");
        try (StreamClient first = StreamClient.connect(port)) {
            assertThat(first.readLine()).isEqualTo("a");
            for (int i = 0; i < 3; i++) {
                try (StreamClient c = StreamClient.connect(port)) {
                    assertThat(c.readLine()).isEqualTo("b");
                }
                await().until(() -> peer(b).state().conns() == 0);
            }
        }
    }

    @Test
    void denyClosesTheConnectionBeforeAnyUpstreamIsAsked() throws Exception {
        start("server " + a.address() + ";", "deny 127.0.0.1;\nallow all;");
        try (StreamClient c = StreamClient.connect(port)) {
            assertThat(c.closedByPeer()).isTrue();
        }
        assertThat(a.accepted()).isZero();
    }

    @Test
    void firstMatchingRuleWins() throws Exception {
        start("server " + a.address() + ";", "allow 127.0.0.0/8;\ndeny all;");
        try (StreamClient c = StreamClient.connect(port)) {
            assertThat(c.readLine()).isEqualTo("a");
        }
    }
}

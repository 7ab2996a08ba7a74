package io.dynup.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.dynup.model.PeerUpdate;
import io.dynup.model.UpstreamKind;
import io.dynup.testing.Dynup;
import io.dynup.testing.RawClient;

/** nginx's reload: the new config or, when it is broken, the old one; nothing dropped in between. */
class ReloadTest {

    private static String body(int port) throws Exception {
        return new String(RawClient.get(port, "localhost", "/").body(), StandardCharsets.UTF_8);
    }

    private static String conf(int port, String text, int extraPort) {
        return "http {\n upstream keep { zone keep 64k; server 127.0.0.1:1; }\n"
               + " server { listen 127.0.0.1:" + port + "; location / { return 200 \"" + text + "\"; } }\n"
               + (extraPort > 0 ? " server { listen 127.0.0.1:" + extraPort + "; location / { return 200 \"extra\"; } }\n" : "")
               + "}\n";
    }

    @Test
    void reloadSwapsConfigKeepsRuntimeChangesAndSurvivesABrokenConfig() throws Exception {
        int port = Dynup.freePort();
        int extra = Dynup.freePort();
        try (DynupServer server = TestConfigs.start(conf(port, "one", 0))) {
            assertThat(body(port)).isEqualTo("one");
            server.upstreams().addPeer(UpstreamKind.HTTP, "keep", "127.0.0.1:2", false, PeerUpdate.NONE);

            assertThat(server.reload(() -> TestConfigs.parse(conf(port, "two", extra)))).isTrue();
            assertThat(body(port)).isEqualTo("two");
            assertThat(body(extra)).isEqualTo("extra");
            // the unchanged upstream kept the peer added at run time
            assertThat(server.upstreams().getPeers(UpstreamKind.HTTP, "keep").get()).hasSize(2);

            assertThat(server.reload(() -> TestConfigs.parse("http { server { listen 127.0.0.1:" + port
                                                             + "; location / { bogus; } } }"))).isFalse();
            assertThat(body(port)).isEqualTo("two");

            assertThat(server.reload(() -> TestConfigs.parse(conf(port, "three", 0)))).isTrue();
            assertThat(body(port)).isEqualTo("three");
            assertThat(server.httpServer().channels()).hasSize(1);
        }
    }

    @Test
    void reloadUnderTrafficFailsNoRequest() throws Exception {
        int port = Dynup.freePort();
        try (DynupServer server = TestConfigs.start(conf(port, "v0", 0))) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger ok = new AtomicInteger();
            AtomicInteger failed = new AtomicInteger();
            Thread client = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        if (RawClient.get(port, "localhost", "/").status() == 200) {
                            ok.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                }
            });
            client.start();
            for (int i = 1; i <= 20; i++) {
                int n = i;
                assertThat(server.reload(() -> TestConfigs.parse(conf(port, "v" + n, 0)))).isTrue();
                Thread.sleep(25);
            }
            stop.set(true);
            client.join(10_000);
            assertThat(failed.get()).isZero();
            assertThat(ok.get()).isGreaterThan(20);
            assertThat(body(port)).isEqualTo("v20");
        }
    }

    @Test
    void quitLetsTheRequestInFlightFinish() throws Exception {
        int port = Dynup.freePort();
        DynupServer server = TestConfigs.start(conf(port, "bye", 0));
        try (RawClient idle = RawClient.connect(port)) {
            idle.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(new String(idle.read(false).body(), StandardCharsets.UTF_8)).isEqualTo("bye");
            server.quit();
            // an idle keep-alive connection is closed, the listener is gone
            assertThat(idle.in().read()).isEqualTo(-1);
            assertThat(server.httpServer().connections()).isZero();
        }
    }
}

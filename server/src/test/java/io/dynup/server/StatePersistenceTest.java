package io.dynup.server;

import static io.dynup.model.UpstreamKind.HTTP;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.dynup.config.ConfigParser;
import io.dynup.model.PeerUpdate;
import io.dynup.testing.Dynup;
import io.dynup.testing.RawClient;
import io.dynup.upstream.Peer;

/** Run-time changes made through each face survive a restart, and a reload under a stream of changes. */
class StatePersistenceTest {

    @TempDir
    Path dir;

    private Path writeConf(int port, int weight) throws Exception {
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, "events {}\nhttp {\n"
                + " upstream backend { zone backend 64k; state backend.state;\n"
                + "   server 127.0.0.1:9001 weight=" + weight + "; server 127.0.0.1:9002; }\n"
                + " server { listen 127.0.0.1:" + port + "; location /dynamic { dynamic_upstream; } }\n}\n");
        return conf;
    }

    private static DynupServer start(Path conf) throws Exception {
        return DynupServer.start(ConfigParser.parse(conf, DynupServer.directives()));
    }

    private static String get(int port, String query) throws Exception {
        RawClient.Response r = RawClient.get(port, "localhost", "/dynamic?" + query);
        return r.status() + " " + new String(r.body(), StandardCharsets.UTF_8);
    }

    /** name -> parameters, in list order. */
    private static Map<String, String> peers(DynupServer server) {
        Map<String, String> out = new TreeMap<>();
        for (Peer p : server.upstreams().getPeers(HTTP, "backend").get()) {
            out.put(p.name(), p.spec().parameters());
        }
        return out;
    }

    @Test
    void changesThroughTheQueryApiAndJavaComeBackAfterARestart() throws Exception {
        int port = Dynup.freePort();
        Path conf = writeConf(port, 1);
        List<String> before;
        try (DynupServer server = start(conf)) {
            assertThat(get(port, "upstream=backend&add=&server=127.0.0.1:9003&weight=4")).startsWith("200 ");
            assertThat(get(port, "upstream=backend&server=127.0.0.1:9001&down=")).startsWith("200 ");
            server.upstreams().removePeer(HTTP, "backend", "127.0.0.1:9002");
            server.upstreams().addPeer(HTTP, "backend", "127.0.0.1:9004", true, PeerUpdate.NONE);
            before = List.of(get(port, "upstream=backend&verbose="), get(port, "upstream=backend&diff="));
        }
        assertThat(dir.resolve("backend.state")).exists();

        try (DynupServer server = start(conf)) {
            assertThat(List.of(get(port, "upstream=backend&verbose="), get(port, "upstream=backend&diff=")))
                    .isEqualTo(before);
            assertThat(before.get(0)).isEqualTo("200 server 127.0.0.1:9003 addr=127.0.0.1:9003 weight=4 max_fails=1 "
                    + "fail_timeout=10 max_conns=0 conns=0;\n"
                    + "server 127.0.0.1:9001 addr=127.0.0.1:9001 weight=1 max_fails=1 fail_timeout=10 max_conns=0 "
                    + "conns=0 down;\n"
                    + "server 127.0.0.1:9004 addr=127.0.0.1:9004 weight=1 max_fails=1 fail_timeout=10 max_conns=0 "
                    + "conns=0 backup;\n");
            assertThat(get(port, "upstream=backend&reset=")).startsWith("200 ");
        }
        try (DynupServer server = start(conf)) {
            assertThat(peers(server)).containsOnlyKeys("127.0.0.1:9001", "127.0.0.1:9002");
        }
    }

    @Test
    void reloadsDuringAStreamOfChangesLoseNoAcknowledgedChange() throws Exception {
        int port = Dynup.freePort();
        Path conf = writeConf(port, 1);
        Set<String> acked = ConcurrentHashMap.newKeySet();
        AtomicReference<String> failure = new AtomicReference<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger lastWeight = new AtomicInteger(1);
        AtomicInteger changes = new AtomicInteger();
        try (DynupServer server = start(conf)) {
            Thread java = new Thread(() -> {
                for (int i = 0; !stop.get(); i++) {
                    String peer = "10.2." + i / 250 + '.' + i % 250 + ":80";
                    if (server.upstreams().addPeer(HTTP, "backend", peer, false, PeerUpdate.NONE).ok()) {
                        acked.add(peer);
                    } else {
                        failure.set("add " + peer);
                    }
                    int w = 2 + i % 50;
                    if (server.upstreams().updatePeer(HTTP, "backend", "127.0.0.1:9002",
                                                      new PeerUpdate(w, null, null, null, null)).ok()) {
                        lastWeight.set(w);
                    }
                    changes.incrementAndGet();
                }
            });
            Thread http = new Thread(() -> {
                for (int i = 0; !stop.get(); i++) {
                    String peer = "10.3." + i / 250 + '.' + i % 250 + ":80";
                    try {
                        if (get(port, "upstream=backend&add=&server=" + peer).startsWith("200 ")) {
                            acked.add(peer);
                        }
                    } catch (Exception e) {
                        failure.set("http " + peer + ": " + e);
                    }
                    changes.incrementAndGet();
                }
            });
            java.start();
            http.start();
            for (int n = 0; n < 12; n++) {
                int seen = changes.get();
                // every reload edits the block, so each one hands the live state over to a new upstream
                writeConf(port, 2 + n % 2);
                assertThat(server.reload(() -> ConfigParser.parse(conf, DynupServer.directives()))).isTrue();
                while (changes.get() < seen + 10) {
                    Thread.onSpinWait();
                }
            }
            stop.set(true);
            java.join();
            http.join();
            assertThat(failure.get()).isNull();

            Map<String, String> live = peers(server);
            assertThat(live.keySet()).containsAll(acked);
            assertThat(live.get("127.0.0.1:9002")).startsWith("weight=" + lastWeight.get() + " ");
            assertThat(acked.size()).isGreaterThan(50);
            server.close();

            try (DynupServer again = start(conf)) {
                assertThat(peers(again)).isEqualTo(live);
            }
        }
    }
}

package io.dynup.server;

import static io.dynup.model.UpstreamKind.HTTP;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.dynup.config.ConfigParser;
import io.dynup.testing.Dynup;
import io.dynup.testing.RawClient;
import io.dynup.upstream.Peer;

/**
 * {@code kill -9} at random moments while a child dynup takes 1 000 changes over HTTP: after each restart every
 * acknowledged change is there; only the change in flight at the kill may have gone either way.
 */
class StateCrashTest {

    private static final int CHANGES = 1000;
    private static final String PREFIX = "10.9.";

    @TempDir
    Path dir;

    private final Map<String, Integer> expected = new HashMap<>();
    /** Peers whose last change was in flight when the child died: either outcome is right. */
    private final Set<String> inFlight = new HashSet<>();

    @Test
    void everyAcknowledgedChangeSurvivesKillNine() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        int port = Dynup.freePort();
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, "events {}\nhttp {\n"
                + " upstream backend { zone backend 64k; state backend.state; server 127.0.0.1:9001; }\n"
                + " server { listen 127.0.0.1:" + port + "; location /dynamic { dynamic_upstream; } }\n}\n");
        int done = 0;
        int sent = 0;
        int rounds = 0;
        while (done < CHANGES) {
            rounds++;
            Process child = launch(conf);
            try {
                awaitListening(port, child);
                check(current(port), "seed " + seed + ", round " + rounds);
                int killAt = Math.min(CHANGES, done + 300 + random.nextInt(150));
                int delayMicros = random.nextInt(3000);
                AtomicInteger acked = new AtomicInteger(done);
                // the killer waits for the round's last acknowledged change, then strikes mid-request
                Thread killer = new Thread(() -> {
                    while (acked.get() < killAt) {
                        Thread.onSpinWait();
                    }
                    busyMicros(delayMicros);
                    child.destroyForcibly();
                });
                killer.start();
                String unexpected = null;
                while (unexpected == null) {
                    String query = nextChange(random, sent++);
                    String peer = query.substring(query.indexOf("server=") + 7).split("&")[0];
                    String answer;
                    try {
                        answer = get(port, query);
                    } catch (IOException e) {
                        inFlight.add(peer);
                        break;
                    }
                    if (answer.startsWith("200 ")) {
                        acknowledge(query, peer);
                        done++;
                        acked.set(done);
                    } else {
                        unexpected = query + " -> " + answer;
                        acked.set(Integer.MAX_VALUE);
                    }
                }
                killer.join();
                assertThat(unexpected).as("seed " + seed).isNull();
                assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
            } finally {
                child.destroyForcibly();
            }
        }
        assertThat(rounds).isGreaterThanOrEqualTo(3);

        // the file the last kill left is valid: it starts in-process with every acknowledged change
        try (DynupServer server = DynupServer.start(ConfigParser.parse(conf, DynupServer.directives()))) {
            Map<String, Integer> live = new HashMap<>();
            for (Peer p : server.upstreams().getPeers(HTTP, "backend").get()) {
                live.put(p.name(), p.spec().weight());
            }
            check(live, "seed " + seed + ", in-process");
        }
        Files.deleteIfExists(dir.resolve("backend.state.bad"));
        try (DynupServer server = DynupServer.start(ConfigParser.parse(conf, DynupServer.directives()))) {
            assertThat(server.upstreams().getPeers(HTTP, "backend").get()).hasSize(expected.size() + 1);
        }
        assertThat(dir.resolve("backend.state.bad")).doesNotExist();
    }

    /** Mostly additions of new peers, some weight changes and removals of acknowledged ones. */
    private String nextChange(Random random, int n) {
        List<String> known = new ArrayList<>(expected.keySet());
        known.sort(null);
        int kind = random.nextInt(10);
        if (kind < 7 || known.isEmpty()) {
            return "upstream=backend&add=&server=" + PREFIX + n / 250 + '.' + n % 250 + ":80&weight=" + (1 + n % 5);
        }
        String peer = known.get(random.nextInt(known.size()));
        return kind < 9 ? "upstream=backend&server=" + peer + "&weight=" + (1 + random.nextInt(9))
                : "upstream=backend&remove=&server=" + peer;
    }

    private void acknowledge(String query, String peer) {
        if (query.contains("&remove=")) {
            expected.remove(peer);
        } else {
            expected.put(peer, Integer.parseInt(query.substring(query.lastIndexOf("weight=") + 7)));
        }
        inFlight.remove(peer);
    }

    /** Every acknowledged change is there; a change in flight at the kill is adopted as it turned out. */
    private void check(Map<String, Integer> live, String where) {
        for (String peer : inFlight) {
            if (live.containsKey(peer)) {
                expected.put(peer, live.get(peer));
            } else {
                expected.remove(peer);
            }
        }
        inFlight.clear();
        Map<String, Integer> runtime = new HashMap<>(live);
        runtime.keySet().removeIf(name -> !name.startsWith(PREFIX));
        assertThat(runtime).as(where).isEqualTo(expected);
    }

    private static Map<String, Integer> current(int port) throws IOException {
        Map<String, Integer> live = new HashMap<>();
        String answer = get(port, "upstream=backend&verbose=");
        assertThat(answer).startsWith("200 ");
        for (String line : answer.substring(4).split("\n")) {
            String[] t = line.split(" ");
            if (t.length > 3 && t[3].startsWith("weight=")) {
                live.put(t[2].substring(5), Integer.parseInt(t[3].substring(7)));
            }
        }
        return live;
    }

    private Process launch(Path conf) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (Runtime.version().feature() >= 24) {
            cmd.add("--sun-misc-unsafe-memory-access=allow");
            cmd.add("--enable-native-access=ALL-UNNAMED");
        }
        cmd.addAll(List.of("-XX:TieredStopAtLevel=1", "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                           Main.class.getName(), "-p", dir.toString(), "-c", conf.toString()));
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(Redirect.appendTo(dir.resolve("child.log").toFile())).start();
    }

    private static void awaitListening(int port, Process child) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                get(port, "upstream=backend");
                return;
            } catch (IOException e) {
                assertThat(child.isAlive()).as("child dynup exited early").isTrue();
                assertThat(System.nanoTime()).as("child dynup listening in time").isLessThan(deadline);
                Thread.sleep(20);
            }
        }
    }

    private static String get(int port, String query) throws IOException {
        RawClient.Response r = RawClient.get(port, "localhost", "/dynamic?" + query);
        return r.status() + " " + new String(r.body(), StandardCharsets.UTF_8);
    }

    private static void busyMicros(int micros) {
        long end = System.nanoTime() + micros * 1000L;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }
}

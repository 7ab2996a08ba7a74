package io.dynup.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.dynup.testing.Backend;
import io.dynup.testing.DataPlaneChecks;
import io.dynup.testing.Dynup;
import io.dynup.testing.RawClient;

/**
 * Several tools write through the JSON API (POST, PATCH, DELETE, batches) while traffic flows through the
 * proxy on two event loops. Every write is acknowledged with the generation it made; replaying the
 * acknowledged writes in generation order must give exactly the final state, the generations must be
 * contiguous (each write applied once, serially), and no proxied request may fail.
 */
@ExtendWith(DataPlaneChecks.class)
class UpstreamApiConcurrencyTest {

    private static final int WRITERS = 4;
    private static final int ROUNDS = 12;
    private static final int TRAFFIC = 2;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<Backend> backends = new ArrayList<>();
    private final ExecutorService pool = Executors.newFixedThreadPool(WRITERS + TRAFFIC);
    private Dynup dynup;

    /** An acknowledged write: the generation it made and what it did to the servers list. */
    private record Write(long generation, String op, long id, String server, int weight) {
    }

    @AfterEach
    void stop() {
        pool.shutdownNow();
        if (dynup != null) {
            dynup.close();
        }
        backends.forEach(Backend::close);
    }

    @Test
    void acknowledgedWritesReplayedInGenerationOrderGiveTheFinalState() throws Exception {
        Backend fixed = backend("fixed");
        List<Backend> own = new ArrayList<>();
        for (int i = 0; i < WRITERS; i++) {
            own.add(backend("w" + i));
        }
        dynup = Dynup.startConf("worker_processes 2;", """
                upstream u { zone u 64k; server %s; keepalive 8; }
                server {
                    listen 127.0.0.1:$PORT;
                    location / { proxy_pass http://u; proxy_http_version 1.1; proxy_set_header Connection ""; }
                    location /api/ { upstream_api write=on; }
                }
                """.formatted(fixed.address()));

        List<String> failures = new CopyOnWriteArrayList<>();
        List<Write> writes = new CopyOnWriteArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger served = new AtomicInteger();
        List<Future<?>> traffic = new ArrayList<>();
        for (int t = 0; t < TRAFFIC; t++) {
            traffic.add(pool.submit(() -> {
                try (RawClient client = RawClient.connect(dynup.port())) {
                    while (running.get()) {
                        client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
                        RawClient.Response r = client.read();
                        if (r.status() == 200) {
                            served.incrementAndGet();
                        } else {
                            failures.add("proxied: " + r);
                        }
                    }
                } catch (Exception e) {
                    failures.add("proxied: " + e);
                }
                return null;
            }));
        }
        List<Future<?>> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            String server = own.get(w).address();
            writers.add(pool.submit(() -> {
                for (int round = 0; round < ROUNDS; round++) {
                    Map<?, ?> created = (Map<?, ?>) ack(writes, failures, "POST", "servers", 201,
                            "{\"server\":\"" + server + "\"}", "add", -1, server, 1);
                    if (created == null) {
                        return null;
                    }
                    long id = ((Number) created.get("id")).longValue();
                    int weight = 2 + round % 5;
                    ack(writes, failures, "PATCH", "servers/" + id, 200, "{\"weight\":" + weight + "}",
                        "update", id, server, weight);
                    if (round == ROUNDS - 1) {
                        break; // the last round's server stays
                    }
                    if (round % 2 == 0) {
                        ack(writes, failures, "DELETE", "servers/" + id, 200, null, "remove", id, server, 0);
                    } else {
                        ack(writes, failures, "POST", "batch", 200, "[{\"op\":\"update\",\"id\":" + id
                            + ",\"weight\":9},{\"op\":\"remove\",\"id\":" + id + "}]", "remove", id, server, 0);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : writers) {
            f.get(60, TimeUnit.SECONDS);
        }
        running.set(false);
        for (Future<?> f : traffic) {
            f.get(10, TimeUnit.SECONDS);
        }

        assertThat(failures).isEmpty();
        assertThat(served.get()).isPositive();
        List<Write> ordered = new ArrayList<>(writes);
        ordered.sort(Comparator.comparingLong(Write::generation));
        assertThat(ordered).hasSize(WRITERS * (ROUNDS * 3 - 1));
        for (int i = 0; i < ordered.size(); i++) {
            assertThat(ordered.get(i).generation()).as("write %d", i).isEqualTo(i + 2);
        }
        assertThat(send("GET", "servers", null).body()).isEqualTo(replay(ordered, fixed.address()));
    }

    /** The servers JSON the writes give in order, the way the service lists them (additions first). */
    private static String replay(List<Write> ordered, String fixed) {
        List<Write> servers = new ArrayList<>();
        servers.add(new Write(1, "add", 0, fixed, 1));
        for (Write w : ordered) {
            switch (w.op()) {
                case "add" -> servers.add(0, w);
                case "update" -> servers.replaceAll(s -> s.id() == w.id() ? w : s);
                default -> servers.removeIf(s -> s.id() == w.id());
            }
        }
        StringBuilder sb = new StringBuilder("[");
        for (Write s : servers) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append("{\"id\":").append(s.id()).append(",\"server\":\"").append(s.server())
              .append("\",\"weight\":").append(s.weight()).append(",\"max_conns\":0,\"max_fails\":1,")
              .append("\"fail_timeout\":\"10s\",\"backup\":false,\"down\":false}");
        }
        return sb.append(']').toString();
    }

    /** Sends a write, checks its status and records it with the generation of its ETag; null on failure. */
    private Object ack(List<Write> writes, List<String> failures, String method, String path, int status,
                       String body, String op, long id, String server, int weight) {
        try {
            HttpResponse<String> r = send(method, path, body);
            if (r.statusCode() != status) {
                failures.add(method + " " + path + ": " + r.statusCode() + " " + r.body());
                return null;
            }
            long generation = Long.parseLong(r.headers().firstValue("ETag").orElseThrow().replace("\"", ""));
            Object json = Json.parse(r.body().getBytes(StandardCharsets.UTF_8));
            long ackId = op.equals("add") ? ((Number) ((Map<?, ?>) json).get("id")).longValue() : id;
            writes.add(new Write(generation, op, ackId, server, weight));
            return json;
        } catch (Exception e) {
            failures.add(method + " " + path + ": " + e);
            return null;
        }
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + dynup.port() + "/api/9/http/upstreams/u/" + path);
        return http.send(HttpRequest.newBuilder(uri).method(method, body == null ? BodyPublishers.noBody()
                : BodyPublishers.ofString(body)).build(), BodyHandlers.ofString());
    }

    private Backend backend(String name) throws Exception {
        Backend b = Backend.text(name);
        backends.add(b);
        return b;
    }
}

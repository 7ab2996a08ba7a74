package io.dynup.lua;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import io.dynup.server.DynupServer;
import io.dynup.server.TestConfigs;
import io.dynup.testing.Dynup;
import io.dynup.testing.RawClient;

/**
 * The seed's Synopsis (ngx_dynamic_upstream_lua's README), unchanged but for its ports, on dynup: the status
 * page, adding a peer (listed first, down, with the Synopsis' parameters), removing it, and the Synopsis' own
 * bug on failure (an undefined global {@code say}: a 500 with the Lua error in the log, as OpenResty does).
 */
class LuaSynopsisTest {

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private DynupServer server;
    private int admin;
    private int backend;
    private int spare;

    @BeforeEach
    void start() throws Exception {
        String synopsis;
        try (InputStream in = LuaSynopsisTest.class.getResourceAsStream("/seed/synopsis.conf")) {
            synopsis = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        admin = Dynup.freePort();
        backend = Dynup.freePort();
        spare = Dynup.freePort();
        String conf = "events {}\n" + synopsis
                .replace("listen 8888;", "listen 127.0.0.1:" + admin + ";")
                .replace("listen 9090;", "listen 127.0.0.1:" + backend + ";")
                .replace("listen 9091;", "listen 127.0.0.1:" + spare + ";")
                .replace("server 127.0.0.1:9090;", "server 127.0.0.1:" + backend + ";");
        log.start();
        ((Logger) LoggerFactory.getLogger("io.dynup")).addAppender(log);
        server = TestConfigs.start(conf);
    }

    @AfterEach
    void stop() {
        ((Logger) LoggerFactory.getLogger("io.dynup")).detachAppender(log);
        if (server != null) {
            server.close();
        }
    }

    private RawClient.Response get(String uri) throws IOException {
        return RawClient.get(admin, "localhost", uri);
    }

    private String status(int port, int weight, int maxFails, int failTimeout, String state) {
        return "    server 127.0.0.1:" + port + " weight=" + weight + " max_fails=" + maxFails
               + " fail_timeout=" + failTimeout + " status=" + state + "\n";
    }

    @Test
    void statusAddRemoveStatus() throws IOException {
        String initial = "backend\n" + status(backend, 1, 1, 10, "up") + "\n";
        assertThat(body(get("/status"))).isEqualTo(initial);

        RawClient.Response added = get("/backend/add?peer=127.0.0.1:" + spare);
        assertThat(added.status()).isEqualTo(200);
        assertThat(body(added)).isEqualTo("Added 127.0.0.1:" + spare + " to backend upstream\n");
        // a new peer comes first, and the Synopsis sets it down with its own parameters
        assertThat(body(get("/status")))
                .isEqualTo("backend\n" + status(spare, 1, 2, 30, "down") + status(backend, 1, 1, 10, "up")
                           + "\n");

        RawClient.Response removed = get("/backend/remove?peer=127.0.0.1:" + spare);
        assertThat(body(removed)).isEqualTo("Removed 127.0.0.1:" + spare + " from backend upstream\n");
        assertThat(body(get("/status"))).isEqualTo(initial);

        // the proxied side is untouched by the management calls: the backend still answers
        assertThat(body(RawClient.get(backend, "localhost", "/"))).isEqualTo("Hello world!");
    }

    @Test
    void failureCallsTheUndefinedSayAndAnswers500() throws IOException {
        RawClient.Response failed = get("/backend/add?peer=127.0.0.1:99999");
        assertThat(failed.status()).isEqualTo(500);
        Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(messages())
                .anyMatch(m -> m.contains("lua entry thread aborted: runtime error: ")
                               && m.contains("attempt to call global 'say' (a nil value)")));
        // nothing was added
        assertThat(body(get("/status"))).isEqualTo("backend\n" + status(backend, 1, 1, 10, "up") + "\n");
    }

    private List<String> messages() {
        List<String> m = new ArrayList<>();
        for (ILoggingEvent e : List.copyOf(log.list)) {
            m.add(e.getFormattedMessage());
        }
        return m;
    }

    private static String body(RawClient.Response r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }
}

package io.dynup.lua;

import static org.assertj.core.api.Assertions.assertThat;

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
 * The VMs' life as nginx workers': {@code init_worker_by_lua} runs in every worker at start (no request
 * needed), a quit runs pending timers with {@code premature} true, and a reload gives new requests new VMs
 * while a request in flight finishes on the old one.
 */
class LuaLifecycleTest {

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger("io.dynup.lua");

    @BeforeEach
    void capture() {
        log.start();
        logger.addAppender(log);
    }

    @AfterEach
    void release() {
        logger.detachAppender(log);
    }

    private List<String> messages() {
        List<String> m = new ArrayList<>();
        for (ILoggingEvent e : List.copyOf(log.list)) {
            m.add(e.getFormattedMessage());
        }
        return m;
    }

    private static String conf(int port, String version) {
        return "worker_processes 2;\nevents {}\nhttp {\n"
               + "init_worker_by_lua_block {\n"
               + "    ngx.log(ngx.ERR, 'worker ', ngx.worker.id(), ' of ', ngx.worker.count(),\n"
               + "            ' started " + version + "')\n"
               + "    ngx.timer.at(3600, function(premature)\n"
               + "        ngx.log(ngx.ERR, 'hour timer of worker ', ngx.worker.id(),\n"
               + "                ' premature=', tostring(premature))\n"
               + "    end)\n"
               + "}\n"
               + "server {\nlisten 127.0.0.1:" + port + ";\n"
               + "location /slow { content_by_lua_block {\n"
               + "    ngx.log(ngx.ERR, 'asleep on " + version + "')\n"
               + "    ngx.sleep(0.5) ngx.say('" + version + "') } }\n"
               + "location /t { content_by_lua_block { ngx.say('" + version + "') } }\n"
               + "}\n}\n";
    }

    @Test
    void initWorkerRunsAtStartAndQuitRunsPendingTimersPremature() throws Exception {
        int port = Dynup.freePort();
        DynupServer server = TestConfigs.start(conf(port, "v1"));
        try {
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(messages())
                    .anySatisfy(m -> assertThat(m).endsWith("worker 0 of 2 started v1"))
                    .anySatisfy(m -> assertThat(m).endsWith("worker 1 of 2 started v1")));
        } finally {
            server.close();
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(messages())
                .anySatisfy(m -> assertThat(m).endsWith("hour timer of worker 0 premature=true"))
                .anySatisfy(m -> assertThat(m).endsWith("hour timer of worker 1 premature=true")));
    }

    @Test
    void reloadServesNewRequestsOnNewVmsAndLetsOldOnesFinish() throws Exception {
        int port = Dynup.freePort();
        try (DynupServer server = TestConfigs.start(conf(port, "v1"));
             RawClient slow = RawClient.connect(port)) {
            assertThat(body(RawClient.get(port, "x", "/t"))).isEqualTo("v1\n");
            slow.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
            // the request is asleep on a v1 VM when the reload comes
            Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(
                    () -> assertThat(messages()).anySatisfy(m -> assertThat(m).endsWith("asleep on v1")));
            assertThat(server.reload(() -> TestConfigs.parse(conf(port, "v2")))).isTrue();
            assertThat(body(RawClient.get(port, "x", "/t"))).isEqualTo("v2\n");
            assertThat(body(slow.read())).isEqualTo("v1\n");
            // the old VMs exit: their pending timers run premature
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(messages())
                    .filteredOn(m -> m.endsWith("premature=true")).hasSizeGreaterThanOrEqualTo(2));
        }
    }

    private static String body(RawClient.Response r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }
}

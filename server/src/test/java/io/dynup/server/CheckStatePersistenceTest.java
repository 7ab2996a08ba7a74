package io.dynup.server;

import static io.dynup.model.UpstreamKind.HTTP;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.dynup.config.ConfigParser;
import io.dynup.model.HealthCheck;
import io.dynup.testing.Dynup;
import io.dynup.testing.RawClient;

/** A check tuned through {@code healthcheck_update} survives a restart through the {@code state} file. */
class CheckStatePersistenceTest {

    @TempDir
    Path dir;

    private Path writeConf(int port, String check) throws Exception {
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, "events {}\nhttp {\n"
                + " upstream backend { zone backend 64k; state backend.state;\n"
                + "   server 127.0.0.1:9001; " + check + " }\n"
                + " server { listen 127.0.0.1:" + port + ";\n"
                + "   location = /healthcheck/get { healthcheck_get; }\n"
                + "   location = /healthcheck/update { healthcheck_update; } }\n}\n");
        return conf;
    }

    private static DynupServer start(Path conf) throws Exception {
        return DynupServer.start(ConfigParser.parse(conf, DynupServer.directives()));
    }

    private static String get(int port, String path) throws Exception {
        RawClient.Response r = RawClient.get(port, "localhost", path);
        return r.status() + " " + new String(r.body(), StandardCharsets.UTF_8);
    }

    private static HealthCheck check(DynupServer server) {
        return server.upstreams().registry().find(HTTP, "backend").snapshot().check();
    }

    @Test
    void aCheckTunedThroughTheHttpApiComesBackAfterARestartUnlessTheConfigEditedIt() throws Exception {
        int port = Dynup.freePort();
        Path conf = writeConf(port, "check interval=60s initial=up;");
        String tuned;
        try (DynupServer server = start(conf)) {
            assertThat(get(port, "/healthcheck/update?upstream=backend&off=1&fall=3&request_uri=/ping"))
                    .startsWith("200 ");
            tuned = get(port, "/healthcheck/get?upstream=backend");
            assertThat(check(server).fall()).isEqualTo(3);
        }

        try (DynupServer server = start(conf)) {
            assertThat(get(port, "/healthcheck/get?upstream=backend")).isEqualTo(tuned);
            assertThat(check(server).off()).isTrue();
            assertThat(check(server).fall()).isEqualTo(3);
        }

        // the operator edits the check directives while dynup is down: the config wins
        writeConf(port, "check interval=30s initial=up;");
        try (DynupServer server = start(conf)) {
            assertThat(check(server).fall()).isEqualTo(1);
            assertThat(check(server).off()).isFalse();
        }
    }
}

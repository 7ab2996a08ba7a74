package io.dynup.http.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import io.dynup.config.ConfigException;
import io.dynup.server.TestConfigs;
import io.dynup.testing.Backend;
import io.dynup.testing.DataPlaneChecks;
import io.dynup.testing.Dynup;
import io.dynup.testing.RawClient;

/**
 * {@code access_log} and {@code log_format} with the lines nginx 1.22.1 writes for the same requests (recorded
 * with {@code nginx -p /tmp/x}): the predefined {@code combined} byte for byte, the request and upstream
 * variables, 499 for a client that left, {@code off}, {@code if=}, nothing lost at close, reopen.
 */
@ExtendWith(DataPlaneChecks.class)
class AccessLogIntegrationTest {

    private static final String TIME_LOCAL = "\\[\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2} [+-]\\d{4}\\]";

    @TempDir
    Path dir;
    private Dynup dynup;
    private Backend backend;

    @AfterEach
    void stop() {
        if (dynup != null) {
            dynup.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    private List<String> lines(String file) throws IOException {
        Path p = dir.resolve(file);
        return Files.exists(p) ? Files.readAllLines(p, StandardCharsets.UTF_8) : List.of();
    }

    private List<String> awaitLines(String file, int n) {
        Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> lines(file).size() >= n);
        try {
            return lines(file);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void combinedIsNginxsByteForByte() throws Exception {
        dynup = Dynup.start("""
                server {
                    listen 127.0.0.1:$PORT;
                    access_log %s;
                    location / { return 200 "hello"; }
                    location /esc { return 404; }
                }
                """.formatted(dir.resolve("a.log")));
        RawClient.exchange(dynup.port(), "GET /x?a=1 HTTP/1.1\r\nHost: t\r\nReferer: http://ref/\r\n"
                                         + "User-Agent: ua \"q\"\r\nConnection: close\r\n\r\n");
        RawClient.exchange(dynup.port(), "GET /esc HTTP/1.1\r\nHost: t\r\nUser-Agent: a\u0001b\\c\r\n"
                                         + "Connection: close\r\n\r\n");
        List<String> lines = awaitLines("a.log", 2);
        assertThat(lines.get(0)).matches("127\\.0\\.0\\.1 - - " + TIME_LOCAL
                + " \"GET /x\\?a=1 HTTP/1\\.1\" 200 5 \"http://ref/\" \"ua \\\\x22q\\\\x22\"");
        assertThat(lines.get(1)).matches("127\\.0\\.0\\.1 - - " + TIME_LOCAL
                + " \"GET /esc HTTP/1\\.1\" 404 \\d+ \"-\" \"a\\\\x01b\\\\x5Cc\"");
    }

    @Test
    void requestAndUpstreamVariables() throws Exception {
        int refused1 = Dynup.freePort();
        int refused2 = Dynup.freePort();
        dynup = Dynup.start("""
                log_format vars "$status|$upstream_addr|$upstream_status|$body_bytes_sent|$request|$remote_user|"
                                "$connection_requests|$args|$http_x|$request_time|$msec|$time_iso8601";
                upstream two { server 127.0.0.1:%d; server 127.0.0.1:%d; }
                server {
                    listen 127.0.0.1:$PORT;
                    access_log %s vars;
                    location / { return 200 "hello"; }
                    location /p { proxy_pass http://two; }
                }
                """.formatted(refused1, refused2, dir.resolve("v.log")));
        try (RawClient c = RawClient.connect(dynup.port())) {
            c.send("GET /x?a=1 HTTP/1.1\r\nHost: t\r\nX: y\r\n\r\n");
            c.read();
            c.send("GET /p HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
            c.read();
        }
        List<String> lines = awaitLines("v.log", 2);
        assertThat(lines.get(0)).matches("200\\|-\\|-\\|5\\|GET /x\\?a=1 HTTP/1\\.1\\|-\\|1\\|a=1\\|y\\|\\d+\\.\\d{3}\\|"
                                         + "\\d{10}\\.\\d{3}\\|\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}[+-]\\d{2}:\\d{2}");
        // the round robin starts at either peer; both were tried
        assertThat(lines.get(1)).matches("502\\|127\\.0\\.0\\.1:(%d, 127\\.0\\.0\\.1:%d|%d, 127\\.0\\.0\\.1:%d)\\|502, 502\\|\\d+\\|"
                                         .formatted(refused1, refused2, refused2, refused1)
                                         + "GET /p HTTP/1\\.1\\|-\\|2\\|-\\|-\\|.*");
    }

    @Test
    void aClientThatLeftBeforeTheAnswerIs499() throws Exception {
        backend = Backend.start((req, resp) -> resp.hangUntilClosed());
        dynup = Dynup.start("""
                server {
                    listen 127.0.0.1:$PORT;
                    access_log %s;
                    location / { proxy_pass http://127.0.0.1:%d; }
                }
                """.formatted(dir.resolve("a.log"), backend.port()));
        try (RawClient c = RawClient.connect(dynup.port())) {
            c.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n");
            Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> backend.requestCount() == 1);
        }
        assertThat(awaitLines("a.log", 1).get(0)).contains("\"GET /slow HTTP/1.1\" 499 0 ");
    }

    @Test
    void offIfAndTheNearestLevel() throws Exception {
        dynup = Dynup.start("""
                access_log %s;
                server {
                    listen 127.0.0.1:$PORT;
                    location / { return 200 "a"; }
                    location /off { access_log off; return 200 "b"; }
                    location /both { access_log %s; access_log %s combined if=$arg_log; return 200 "c"; }
                }
                """.formatted(dir.resolve("http.log"), dir.resolve("one.log"), dir.resolve("two.log")));
        for (String path : new String[] {"/", "/off", "/both", "/both?log=1", "/both?log=0"}) {
            RawClient.get(dynup.port(), "t", path);
        }
        dynup.close();
        dynup = null;
        // closing wrote every line: no waiting
        assertThat(lines("http.log")).hasSize(1).allMatch(l -> l.contains("\"GET / HTTP/1.1\""));
        assertThat(lines("one.log")).hasSize(3);
        assertThat(lines("two.log")).hasSize(1).allMatch(l -> l.contains("/both?log=1"));
    }

    @Test
    void reopenFollowsARotation() throws Exception {
        dynup = Dynup.start("""
                server { listen 127.0.0.1:$PORT; access_log %s; location / { return 200 "a"; } }
                """.formatted(dir.resolve("a.log")));
        RawClient.get(dynup.port(), "t", "/1");
        awaitLines("a.log", 1);
        Files.move(dir.resolve("a.log"), dir.resolve("a.log.1"));
        dynup.server().reopenLogs();
        RawClient.get(dynup.port(), "t", "/2");
        assertThat(awaitLines("a.log", 1)).hasSize(1).allMatch(l -> l.contains("/2"));
        assertThat(lines("a.log.1")).hasSize(1);
    }

    @Test
    void configErrorsAreNginxs() {
        String log = dir.resolve("a.log").toString();
        String[][] cases = {
            {"access_log " + log + " nope;", "unknown log format \"nope\" in /t/nginx.conf:3"},
            {"access_log " + log + " combined foo;", "invalid parameter \"foo\" in /t/nginx.conf:3"},
            {"access_log off combined;", "invalid parameter \"combined\" in /t/nginx.conf:3"},
            {"log_format combined \"$remote_addr\";", "duplicate \"log_format\" name \"combined\" in /t/nginx.conf:3"},
            {"log_format x \"a\"; log_format x \"b\";", "duplicate \"log_format\" name \"x\" in /t/nginx.conf:3"},
            {"log_format x;", "invalid number of arguments in \"log_format\" directive in /t/nginx.conf:3"},
            {"access_log " + log + " combined buffer=abc;", "invalid buffer size \"abc\" in /t/nginx.conf:3"},
            {"access_log " + log + " combined flush=1s;",
             "no buffer is defined for access_log \"" + log + "\" in /t/nginx.conf:3"},
            {"log_format x escape=foo \"a\";", "unknown log format escaping \"foo\" in /t/nginx.conf:3"},
            {"log_format x \"$nosuch\";", "unknown \"nosuch\" variable"},
            {"access_log /nonexistent/dir/a.log;", "open() \"/nonexistent/dir/a.log\" failed (2: No such file or directory)"},
            {"server { log_format y \"a\"; }", "\"log_format\" directive is not allowed here in /t/nginx.conf:3"},
            {"access_log syslog:server=127.0.0.1;", "\"syslog:\" of \"access_log\" is not supported by dynup in /t/nginx.conf:3"},
            {"access_log " + log + " gzip;", "\"gzip\" of \"access_log\" is not supported by dynup in /t/nginx.conf:3"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> TestConfigs.check("events {}\nhttp {\n" + c[0] + " server { listen 1; }\n}\n"))
                    .as(c[0]).isInstanceOf(ConfigException.class).hasMessage(c[1]);
        }
    }
}

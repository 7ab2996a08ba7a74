package io.dynup.lua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;

import io.dynup.testing.Dynup;
import io.dynup.testing.RawClient;
import io.dynup.testing.TcpBackend;

/**
 * Runs the blocks of {@code conformance/lua/*.t} (format: {@link ConformanceBlock}) against a server, one
 * dynamic test per block: a fresh server (and fresh stream backends) per block, one request, then the status,
 * body, headers, the stream connections' bytes and the error log lines the block expects or forbids. The
 * server is dynup ({@link LuaConformanceTest}) or a real nginx with lua-nginx-module
 * ({@link LuaConformanceNginxIT}), so the expectations are shown to be OpenResty's.
 */
final class ConformanceRunner {

    private static final String DIR = "/conformance/lua";

    /** A server that runs one block's configuration. */
    interface Target {
        /**
         * Starts the block's configuration (see {@link #nginxConf}), listening on {@code port} (and on
         * {@code streamPort} if its stream block says so).
         *
         * @throws Exception when the configuration is refused; the message carries the error
         */
        Running start(ConformanceBlock b, int port, int streamPort) throws Exception;
    }

    /** A started server: the error log so far, and a stop that waits for its log phase and timers to end. */
    interface Running extends AutoCloseable {
        String log();

        @Override
        void close();
    }

    private ConformanceRunner() {
    }

    /** One container per file, one test per block that {@code runs} accepts. */
    static Stream<DynamicNode> tests(Target target, Predicate<ConformanceBlock> runs)
            throws IOException, URISyntaxException {
        Path dir = Path.of(ConformanceRunner.class.getResource(DIR).toURI());
        List<DynamicNode> files = new ArrayList<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path file : list.filter(p -> p.toString().endsWith(".t")).sorted().toList()) {
                String name = file.getFileName().toString();
                List<DynamicTest> tests = new ArrayList<>();
                for (ConformanceBlock b : ConformanceBlock.parse(name, Files.readString(file))) {
                    if (runs.test(b)) {
                        tests.add(DynamicTest.dynamicTest("TEST " + b.number() + ": " + b.title(), file.toUri(),
                                                          () -> run(target, b)));
                    }
                }
                files.add(DynamicContainer.dynamicContainer(name, file.toUri(), tests.stream()));
            }
        }
        assertThat(files).as("conformance files in %s", DIR).isNotEmpty();
        return files.stream();
    }

    /**
     * The block's configuration: {@code main} directives, the stream block if any, then
     * {@code http { http_config server { listen; config } }} with {@code $TEST_NGINX_SERVER_PORT} replaced,
     * {@code $TEST_NGINX_STREAM_PORT} by {@code streamPort} (for a {@code listen} in {@code stream_config}), and
     * {@code $TEST_NGINX_HTML_DIR} by {@code htmlDir}, where the block's {@code user_files} are written.
     */
    static String nginxConf(ConformanceBlock b, int port, int streamPort, String main, String httpPrefix,
                            Path htmlDir) throws IOException {
        writeUserFiles(b, htmlDir);
        StringBuilder conf = new StringBuilder(main).append("events {}\n");
        String stream = b.get("stream_config");
        if (stream != null) {
            conf.append("stream {\n").append(stream).append("}\n");
        }
        conf.append("http {\n").append(httpPrefix).append(b.getOrEmpty("http_config"))
            .append("server {\nlisten 127.0.0.1:").append(port).append(";\n")
            .append(b.getOrEmpty("config")).append("}\n}\n");
        return conf.toString().replace("$TEST_NGINX_SERVER_PORT", Integer.toString(port))
                   .replace("$TEST_NGINX_STREAM_PORT", Integer.toString(streamPort))
                   .replace("$TEST_NGINX_HTML_DIR", htmlDir.toString());
    }

    /** Test::Nginx's {@code user_files}: {@code >>> name} lines, each followed by the file's text. */
    private static void writeUserFiles(ConformanceBlock b, Path dir) throws IOException {
        String name = null;
        StringBuilder text = new StringBuilder();
        for (String line : (b.getOrEmpty("user_files") + ">>> \n").split("\n", -1)) {
            if (line.startsWith(">>> ")) {
                if (name != null) {
                    Path file = dir.resolve(name);
                    Files.createDirectories(file.getParent());
                    Files.writeString(file, text);
                }
                name = line.substring(4).strip();
                text.setLength(0);
            } else if (name != null) {
                text.append(line).append('\n');
            }
        }
    }

    static void run(Target target, ConformanceBlock block) throws Exception {
        ConformanceBlock ported = block.withRandomPorts();
        String skip = ported.get("SKIP");
        Assumptions.assumeTrue(skip == null, () -> "skipped: " + skip);
        List<TcpBackend> backends = new ArrayList<>();
        try {
            ConformanceBlock b = ported;
            for (String name : ported.getOrEmpty("stream_backends").strip().split("\\s+")) {
                if (name.isEmpty()) {
                    continue;
                }
                assertThat(name).as("%s: a stream backend's name", block).matches("[A-Z][A-Z0-9]*")
                        .isNotIn("SERVER", "STREAM", "HTML");
                TcpBackend backend = TcpBackend.start(name);
                backends.add(backend);
                b = b.replace("$TEST_NGINX_" + name + "_PORT", Integer.toString(backend.port()));
            }
            runOn(target, b);
        } finally {
            for (TcpBackend backend : backends) {
                backend.close();
            }
        }
    }

    private static void runOn(Target target, ConformanceBlock b) throws Exception {
        int port = Dynup.freePort();
        int streamPort = Dynup.freePort();
        if (b.get("must_die") != null) {
            assertThatThrownBy(() -> target.start(b, port, streamPort).close())
                    .as("%s: the configuration must be refused", b)
                    .satisfies(e -> {
                        for (String line : b.lines("error_log")) {
                            assertThat(e.getMessage()).as("%s: error", b).contains(line);
                        }
                    });
            return;
        }
        Running server = target.start(b, port, streamPort);
        try {
            if (b.get("abort") != null) {
                assertThatThrownBy(() -> RawClient.exchange(port, request(b)))
                        .as("%s: the response must be cut", b).isInstanceOf(IOException.class);
            } else if (b.get("eventually") != null) {
                // what the block shows comes from active checks: asked again until it shows (never a sleep)
                Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                        .untilAsserted(() -> exchange(b, port, server));
            } else {
                exchange(b, port, server);
            }
            if (b.get("stream_response") != null || b.get("stream_response_like") != null) {
                checkStream(b, streamPort, server);
            }
            for (String line : b.lines("error_log")) {
                // the log phase and timers run after the response went out
                Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(
                        () -> assertThat(server.log()).as("error log of %s", b).contains(line));
            }
        } finally {
            server.close();
        }
        for (String line : b.lines("no_error_log")) {
            assertThat(server.log()).as("error log of %s", b).doesNotContain(line);
        }
    }

    /**
     * Sends the block's request (or each of its {@code requests}, one connection each, in order) and checks the
     * last response's status and headers, and the bodies of all of them in a row.
     */
    private static void exchange(ConformanceBlock b, int port, Running server) throws IOException {
        List<String> lines = b.lines("requests");
        if (lines.isEmpty()) {
            checkResponse(b, RawClient.exchange(port, request(b)), "", server);
            return;
        }
        StringBuilder bodies = new StringBuilder();
        for (int i = 0; i < lines.size() - 1; i++) {
            bodies.append(new String(RawClient.exchange(port, request(lines.get(i), null, b)).body(),
                                     StandardCharsets.UTF_8));
        }
        checkResponse(b, RawClient.exchange(port, request(lines.get(lines.size() - 1), null, b)), bodies.toString(),
                      server);
    }

    private static void checkResponse(ConformanceBlock b, RawClient.Response response, String before,
                                      Running server) {
        String body = before + new String(response.body(), StandardCharsets.UTF_8);
        String context = b + "\n--- body:\n" + body + "\n--- error log:\n" + server.log();
        String code = b.get("error_code");
        assertThat(response.status()).as("status of %s", context)
                .isEqualTo(code == null || code.isEmpty() ? 200 : Integer.parseInt(code.strip()));
        String exact = b.get("response_body");
        if (exact != null) {
            assertThat(body).as("body of %s", context).isEqualTo(exact);
        }
        for (String h : b.lines("response_headers")) {
            if (h.startsWith("!")) {
                assertThat(response.header(h.substring(1).strip())).as("header %s of %s", h, context).isNull();
            } else {
                int colon = h.indexOf(':');
                assertThat(response.header(h.substring(0, colon).strip())).as("header %s of %s", h, context)
                        .isEqualTo(h.substring(colon + 1).strip());
            }
        }
        String like = b.get("response_body_like");
        if (like != null) {
            assertThat(Pattern.compile(like.strip(), Pattern.DOTALL).matcher(body).find())
                    .as("body of %s matches /%s/", context, like.strip()).isTrue();
        }
    }

    /**
     * {@code stream_connections} TCP connections (1 unless told) to the stream port after the HTTP request, one
     * after the other: on each, {@code stream_request} sent, the write side shut, everything read until the
     * server closes. What they received, in order, is the stream response.
     */
    private static void checkStream(ConformanceBlock b, int streamPort, Running server) throws IOException {
        String connections = b.get("stream_connections");
        int count = connections == null ? 1 : Integer.parseInt(connections.strip());
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < count; i++) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), streamPort)) {
                s.setSoTimeout(RawClient.SO_TIMEOUT_MS);
                s.getOutputStream().write(unescape(b.getOrEmpty("stream_request"))
                                                  .getBytes(StandardCharsets.UTF_8));
                s.shutdownOutput();
                all.append(new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        String received = all.toString();
        String context = b + "\n--- stream response:\n" + received + "\n--- error log:\n" + server.log();
        String exact = b.get("stream_response");
        if (exact != null) {
            assertThat(received).as("stream response of %s", context).isEqualTo(exact);
        }
        String like = b.get("stream_response_like");
        if (like != null) {
            assertThat(Pattern.compile(like.strip(), Pattern.DOTALL).matcher(received).find())
                    .as("stream response of %s matches /%s/", context, like.strip()).isTrue();
        }
    }

    /** {@code \r}, {@code \n} and {@code \\} as in a Perl double-quoted string, for protocol bytes in a block. */
    private static String unescape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                char n = text.charAt(++i);
                out.append(n == 'r' ? '\r' : n == 'n' ? '\n' : n);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String request(ConformanceBlock b) {
        String req = b.getOrEmpty("request");
        int blank = req.indexOf("\n\n");
        String line = (blank < 0 ? req : req.substring(0, blank)).strip();
        String body = blank < 0 ? null : req.substring(blank + 2);
        if (body != null && body.endsWith("\n")) {
            body = body.substring(0, body.length() - 1);
        }
        return request(line, body, b);
    }

    private static String request(String line, @Nullable String body, ConformanceBlock b) {
        StringBuilder sb = new StringBuilder(line)
                .append(" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
        for (String h : b.lines("more_headers")) {
            sb.append(h).append("\r\n");
        }
        if (body != null) {
            sb.append("Content-Length: ").append(body.getBytes(StandardCharsets.UTF_8).length).append("\r\n");
        }
        sb.append("\r\n");
        if (body != null) {
            sb.append(body);
        }
        return sb.toString();
    }
}

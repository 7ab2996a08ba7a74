package io.dynup.lua;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The blocks of {@code conformance/lua/ngx_api.t} on a real nginx with Debian's lua-nginx-module: the
 * expectations dynup is held to are OpenResty's. Blocks marked {@code --- dynup_only} (dynup's own errors, such
 * as unsupported functions) are left out; blocks of the other files need dynup's Lua libraries.
 *
 * <p>Runs in the {@code nginx-conformance} profile; {@code -Dnginx.bin=/usr/sbin/nginx} names the binary.
 */
class LuaConformanceNginxIT {

    private static final String NGINX = System.getProperty("nginx.bin", "nginx");
    private static final String MODULES = "/usr/lib/nginx/modules/";

    @TempDir
    static Path root;

    @BeforeAll
    static void luaModuleIsInstalled() {
        assertThat(Path.of(MODULES, "ngx_http_lua_module.so")).as("libnginx-mod-http-lua").exists();
    }

    @TestFactory
    Stream<DynamicNode> sameAsOpenResty() throws IOException, URISyntaxException {
        return ConformanceRunner.tests(LuaConformanceNginxIT::start,
                                       b -> b.file().equals("ngx_api.t") && b.get("dynup_only") == null);
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static ConformanceRunner.Running start(ConformanceBlock b, int port, int streamPort) throws Exception {
        Path dir = Files.createTempDirectory(root, "block");
        Files.createDirectories(dir.resolve("logs"));
        Files.createDirectories(dir.resolve("conf"));
        Path errorLog = dir.resolve("logs/error.log");
        StringBuilder main = new StringBuilder()
                .append("daemon off;\nuser root;\nworker_processes 1;\n")
                .append("error_log ").append(errorLog).append(" info;\n")
                .append("pid ").append(dir.resolve("logs/nginx.pid")).append(";\n")
                .append("load_module ").append(MODULES).append("ndk_http_module.so;\n")
                .append("load_module ").append(MODULES).append("ngx_http_lua_module.so;\n");
        if (b.get("stream_config") != null) {
            main.append("load_module ").append(MODULES).append("ngx_stream_module.so;\n");
        }
        String http = "access_log off;\nclient_body_temp_path " + dir.resolve("body") + ";\n";
        Path conf = dir.resolve("conf/nginx.conf");
        Files.writeString(conf, ConformanceRunner.nginxConf(b, port, streamPort, main.toString(), http,
                                                                Files.createDirectories(dir.resolve("html"))));

        Process test = new ProcessBuilder(NGINX, "-t", "-p", dir + "/", "-c", conf.toString())
                .redirectErrorStream(true).start();
        String checked = new String(test.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!test.waitFor(30, TimeUnit.SECONDS) || test.exitValue() != 0) {
            throw new IllegalStateException(checked);
        }
        Process nginx = new ProcessBuilder(NGINX, "-p", dir + "/", "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("logs/stdout").toFile()).start();
        // nginx -t does not run init_by_lua: a failure there shows as nginx exiting at start
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !nginx.isAlive() || listening(port));
        if (!nginx.isAlive()) {
            throw new IllegalStateException(Files.readString(dir.resolve("logs/stdout"))
                                            + (Files.exists(errorLog) ? Files.readString(errorLog) : ""));
        }
        return new ConformanceRunner.Running() {
            @Override
            public String log() {
                try {
                    return Files.exists(errorLog) ? Files.readString(errorLog) : "";
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public void close() {
                // SIGTERM: nginx's fast shutdown, as Test::Nginx stops it between blocks
                nginx.destroy();
                try {
                    if (!nginx.waitFor(10, TimeUnit.SECONDS)) {
                        nginx.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
    }
}

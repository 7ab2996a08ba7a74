package io.dynup.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import io.dynup.testing.NginxBinary;

/**
 * Runs every case of {@code conformance/stream_balancing.txt} through nginx's stream module and through
 * dynup's stream proxy, on the same loopback backends, and demands the same peer for every connection (and
 * the case's literal {@code --- expect}, if any, from both). A case marked {@code --- known-difference} must
 * still match its expectation on nginx, and dynup must still differ.
 *
 * <p>Runs in the {@code nginx-conformance} profile; {@code -Dnginx.bin=/usr/sbin/nginx} names the binary, and
 * Debian's {@code libnginx-mod-stream} provides the module.
 */
class StreamBalancingNginxIT {

    private static final Path STREAM_MODULE = Path.of("/usr/lib/nginx/modules/ngx_stream_module.so");

    @TempDir
    Path dir;

    @BeforeAll
    static void nginxAndItsStreamModuleAreInstalled() throws InterruptedException {
        NginxBinary.assertInstalled();
        assertThat(STREAM_MODULE).as("libnginx-mod-stream").exists();
    }

    @TestFactory
    Stream<DynamicTest> samePeersAsNginx() {
        return StreamBalancing.cases().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    private void check(BalancingCase c) throws Exception {
        Path caseDir = Files.createDirectory(dir.resolve(BalancingNginxIT.slug(c.name())));
        List<String> nginx;
        List<String> dynup;
        String ports;
        try (StreamBalancing.Letters letters = new StreamBalancing.Letters(c)) {
            nginx = letters.play((stream, workers) -> nginx(caseDir, stream, workers));
            dynup = letters.play(StreamBalancing::dynup);
            ports = "ports: " + letters.letters() + "\n";
        }
        System.out.printf("%-48s nginx %s%s%n", c.name(), Outcomes.render(c, nginx),
                          nginx.equals(dynup) ? "" : "  dynup " + Outcomes.render(c, dynup));
        String report = "case " + c + "\n" + Outcomes.sideBySide(c, nginx, dynup, c.expect()) + "\n" + ports
                        + "--- nginx.conf\n" + NginxSide.read(caseDir.resolve("nginx.conf"))
                        + "--- nginx error.log\n" + NginxSide.read(caseDir.resolve("error.log"));
        if (c.expect() != null && !nginx.equals(c.expect())) {
            fail("nginx does not do what the case expects\n" + report);
        }
        if (c.knownDifference() == null) {
            if (!nginx.equals(dynup)) {
                fail("dynup and nginx differ\n" + report);
            }
        } else if (nginx.equals(dynup)) {
            fail("the case is marked known-difference but dynup now does what nginx does: remove the note\n"
                 + report);
        }
    }

    /** nginx with the stream module on {@code stream}, logging to {@code dir}, stopped when closed. */
    private static AutoCloseable nginx(Path dir, String stream, int workers) throws Exception {
        String d = dir.toAbsolutePath().toString();
        Path conf = Files.writeString(dir.resolve("nginx.conf"),
                                      "load_module " + STREAM_MODULE + ";\n"
                                      + "worker_processes " + workers + ";\n"
                                      + "pid " + d + "/nginx.pid;\n"
                                      + "error_log " + d + "/error.log warn;\n"
                                      + "events {\n    worker_connections 64;\n}\n"
                                      + stream);
        Process nginx = new ProcessBuilder(NginxBinary.PATH, "-p", d + "/", "-c", conf.toString(), "-e",
                                           d + "/error.log", "-g", "daemon off;")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("nginx.out").toFile())
                .start();
        try {
            // nginx writes its pid file once its sockets listen; connecting to find out would take a peer
            Awaitility.await().atMost(Duration.ofSeconds(10))
                      .until(() -> !nginx.isAlive() || Files.exists(dir.resolve("nginx.pid")));
        } catch (RuntimeException e) {
            NginxSide.stop(nginx);
            throw e;
        }
        if (!nginx.isAlive()) {
            throw new IllegalStateException("nginx exited with " + nginx.exitValue() + ":\n"
                                            + NginxSide.read(dir.resolve("nginx.out"))
                                            + NginxSide.read(dir.resolve("error.log")));
        }
        return () -> NginxSide.stop(nginx);
    }
}

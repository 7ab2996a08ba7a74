package io.dynup.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void testFlagAcceptsAGoodConfig() throws IOException {
        Path conf = Files.writeString(dir.resolve("nginx.conf"), "http { upstream u { server 127.0.0.1:1; } }\n");
        assertThat(run("-t", "-c", conf.toString())).isZero();
        assertThat(err()).contains("dynup: the configuration file " + conf + " syntax is ok")
                         .contains("test is successful");
    }

    @Test
    void badConfigPrintsNginxStyleEmergAndExitsOne() throws IOException {
        Path conf = Files.writeString(dir.resolve("nginx.conf"), "http {\n  upstream u {\n    foo;\n  }\n}\n");
        assertThat(run("-t", "-c", conf.toString())).isEqualTo(1);
        assertThat(err()).startsWith("dynup: [emerg] unknown directive \"foo\" in " + conf + ":3\n")
                         .contains("test failed")
                         .doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void missingConfigFileIsAnEmergToo() {
        Path conf = dir.resolve("absent.conf");
        assertThat(run("-t", "-c", conf.toString())).isEqualTo(1);
        assertThat(err()).contains("dynup: [emerg] open() \"" + conf + "\" failed (2: No such file or directory)");
    }

    @Test
    void unknownOptionIsRefused() {
        assertThat(run("-x")).isEqualTo(1);
        assertThat(err()).contains("invalid option: \"-x\"");
    }

    @Test
    void embeddedDefaultPassesTheTest() {
        assertThat(run("-t")).isZero();
        assertThat(err()).contains("dynup: configuration file (embedded default) test is successful");
    }

    @Test
    void errorLogLevelIsChecked() throws IOException {
        Path conf = Files.writeString(dir.resolve("nginx.conf"), "error_log stderr loud;\n");
        assertThat(run("-t", "-c", conf.toString())).isEqualTo(1);
        assertThat(err()).contains("dynup: [emerg] invalid log level \"loud\" in " + conf + ":1");
    }

    @Test
    void busyPortIsReportedAsNginxDoes() throws IOException {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Path conf = Files.writeString(dir.resolve("nginx.conf"), "http { server { listen 127.0.0.1:"
                    + taken.getLocalPort() + "; location / { return 200; } } }\n");
            assertThat(run("-c", conf.toString())).isEqualTo(1);
            assertThat(err()).contains("dynup: [emerg] bind() to 127.0.0.1:" + taken.getLocalPort()
                                       + " failed (98: Address already in use)");
        }
    }

    @Test
    void globalDirectivesFromTheCommandLine() throws IOException {
        Path conf = Files.writeString(dir.resolve("nginx.conf"), "http { }\n");
        assertThat(run("-t", "-c", conf.toString(), "-g", "worker_processes x;")).isEqualTo(1);
        assertThat(err()).contains("invalid value \"x\" in \"worker_processes\" directive in /(command line):1");
    }

    @Test
    void signalWithoutPidDirectiveIsRefused() throws IOException {
        Path conf = Files.writeString(dir.resolve("nginx.conf"), "http { }\n");
        assertThat(run("-s", "reload", "-c", conf.toString())).isEqualTo(1);
        assertThat(err()).contains("no \"pid\" directive");
    }
}

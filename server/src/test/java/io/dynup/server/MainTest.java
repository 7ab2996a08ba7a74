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
}

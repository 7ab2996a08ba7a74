package io.dynup.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import io.dynup.testing.NginxBinary;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Feeds broken configurations to a real {@code nginx -t} and to dynup and demands the same first error, word for
 * word and line for line. Runs in the {@code nginx-conformance} profile ({@code .ci/nginx-conformance}, which installs
 * nginx); only main/events/http directives are used, which every nginx build has.
 */
class ConfigErrorsNginxIT {

    private static final Pattern EMERG = Pattern.compile("\\[emerg\\] \\d+#\\d+: (.*)$", Pattern.MULTILINE);

    @TempDir
    Path dir;

    @BeforeAll
    static void nginxIsInstalled() throws InterruptedException {
        NginxBinary.assertInstalled();
    }

    static Stream<String> brokenConfigs() {
        return Stream.of(
                "foo;",
                "\"a\"b;",
                "foo 'a\\'b'x;",
                "foo\n\"a\"#x\n;",
                "foo \"a\"}",
                ";",
                "\n\n  {",
                "foo\n}",
                "foo",
                "foo bar\n",
                "foo \"abc\n\n",
                "events {}\nhttp {}\n}",
                "events {}\nhttp {\n",
                "events {}\nhttp {",
                "http;",
                "http a;",
                "http x { }",
                "pid x {",
                "pid a b {",
                "pid a b;",
                "worker_processes 1 { }",
                "events { events { } }",
                "server 10.0.0.1;",
                "zone a 1m;",
                "events {}\nhttp {\n  zone a;\n}",
                "events {}\nhttp {\n  upstream b\n  ;\n}",
                "events {}\nhttp {\n upstream\n {\n} }",
                "events {}\nhttp { upstream a b { } }",
                "events {}\nhttp { upstream u {\n zone;\n} }",
                "events {}\nhttp { upstream u { least_conn x; } }",
                "events {}\nhttp { upstream u { random two least_conn x; } }",
                "events {}\nhttp {\n  upstream b\n  {\n    server 127.0.0.1;\n    zonex z\n      1m\n      ;\n  }\n}\n",
                "events {}\nhttp { \\\"a b;  }",
                "events {}\nhttp {\n include nothing/*.conf;\n bogus;\n}",
                "events {}\nhttp {\n\n    include missing.conf;\n}\n",
                "include;",
                "\n\n\nfoo " + "a".repeat(4096) + ";\n",
                "\n\n\nfoo \"" + "a\n".repeat(2048) + "x\";\n",
                "foo '" + "a".repeat(5000) + "';\n",
                "#" + "a".repeat(5000) + "\nfoo;\n",
                "foo \"" + "a".repeat(4094) + "\" b;");
    }

    @ParameterizedTest
    @MethodSource("brokenConfigs")
    void sameFirstErrorAsNginx(String text) throws Exception {
        Path conf = Files.writeString(dir.resolve("nginx.conf"), text);
        String nginxError = nginxError(conf);
        assertThatThrownBy(() -> ConfigParser.parse(conf, CoreDirectives.table()))
                .isInstanceOf(ConfigException.class)
                .hasMessage(nginxError);
    }

    private String nginxError(Path conf) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(NginxBinary.PATH, "-t", "-p", dir + "/", "-c", conf.toString(), "-e", "stderr")
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Matcher m = EMERG.matcher(out);
        assertThat(m.find()).as("nginx output: %s", out).isTrue();
        return m.group(1);
    }
}

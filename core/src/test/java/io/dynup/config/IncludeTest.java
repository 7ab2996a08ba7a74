package io.dynup.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code include}: relative to the including file, globs, splicing, positions, errors. */
class IncludeTest {

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, text);
    }

    private Config parseMain(String text) throws IOException {
        return ConfigParser.parse(write("nginx.conf", text), TestConfigs.TABLE);
    }

    private static Directive upstream(Config config, String name) {
        return config.first("http").orElseThrow().all("upstream").stream()
                .filter(u -> u.arg(0).equals(name)).findFirst().orElseThrow();
    }

    @Test
    void globInsideHttpIsParsedInHttpContextInSortedOrder() throws IOException {
        write("upstreams/b.conf", "upstream b {\n    server 10.0.0.2;\n}\n");
        write("upstreams/a.conf", "# first\nupstream a { server 10.0.0.1; }\n");
        write("upstreams/c.txt", "this would not parse;\n");
        Config config = parseMain("http {\n    include upstreams/*.conf;\n    default_type text/plain;\n}\n");

        Directive http = config.first("http").orElseThrow();
        assertThat(http.children()).extracting(d -> d.name() + (d.args().isEmpty() ? "" : " " + d.arg(0)))
                .containsExactly("upstream a", "upstream b", "default_type text/plain");
        // Spliced directives keep their own file and line; the next directive of the includer keeps its line.
        assertThat(upstream(config, "a").pos()).isEqualTo(new SourcePos(dir.resolve("upstreams/a.conf"), 2));
        assertThat(upstream(config, "b").first("server").orElseThrow().pos())
                .isEqualTo(new SourcePos(dir.resolve("upstreams/b.conf"), 2));
        assertThat(http.first("default_type").orElseThrow().pos()).isEqualTo(new SourcePos(dir.resolve("nginx.conf"), 3));
    }

    @Test
    void globWithoutMatchesIsFine() throws IOException {
        Config config = parseMain("http {\n include nothing/*.conf;\n include none-*.conf;\n}\n");
        assertThat(config.first("http").orElseThrow().children()).isEmpty();
    }

    @Test
    void globFeatures() throws IOException {
        write("conf.d/x1.conf", "pid a;");
        write("conf.d/x2.conf", "pid b;");
        write("conf.d/x10.conf", "pid c;");
        write("conf.d/.hidden.conf", "pid hidden;");
        write("conf.d/y.conf", "pid y;");
        write("other/x1.conf", "pid other;");
        assertThat(argsOfPids("include conf.d/x?.conf;")).containsExactly("a", "b");
        assertThat(argsOfPids("include conf.d/x[!2]*.conf;")).containsExactly("a", "c");
        assertThat(argsOfPids("include conf.d/[xy]*;")).containsExactly("a", "c", "b", "y");
        assertThat(argsOfPids("include */x1.conf;")).containsExactly("a", "other");
        assertThat(argsOfPids("include conf.d/*;")).doesNotContain("hidden");
        assertThat(argsOfPids("include conf.d/.h*;")).containsExactly("hidden");
    }

    private java.util.List<String> argsOfPids(String text) throws IOException {
        return parseMain(text).all("pid").stream().map(d -> d.arg(0)).toList();
    }

    @Test
    void plainIncludeIsRelativeToTheIncludingFile() throws IOException {
        write("sub/level1.conf", "include ../sub/deeper/level2.conf;\n");
        write("sub/deeper/level2.conf", "\n\nworker_processes 4;\n");
        Config config = parseMain("include sub/level1.conf;\n");
        Directive wp = config.first("worker_processes").orElseThrow();
        assertThat(wp.arg(0)).isEqualTo("4");
        assertThat(wp.pos()).isEqualTo(new SourcePos(dir.resolve("sub/deeper/level2.conf"), 3));
    }

    @Test
    void absoluteIncludeIsUsedAsIs() throws IOException {
        Path abs = write("elsewhere/x.conf", "pid /run/x.pid;");
        Config config = ConfigParser.parseString("include " + abs + ";", Path.of("/nonexistent/nginx.conf"),
                TestConfigs.TABLE);
        assertThat(config.first("pid").orElseThrow().arg(0)).isEqualTo("/run/x.pid");
    }

    @Test
    void parseStringResolvesIncludesAgainstThePretendFile() throws IOException {
        write("u.conf", "upstream u { server 1.2.3.4; }");
        Config config = ConfigParser.parseString("http { include u.conf; }", dir.resolve("virtual.conf"),
                TestConfigs.TABLE);
        assertThat(upstream(config, "u").first("server").orElseThrow().arg(0)).isEqualTo("1.2.3.4");
    }

    @Test
    void missingPlainIncludeIsAnErrorAtTheInclude() throws IOException {
        Path main = write("nginx.conf", "http {\n\n    include missing.conf;\n}\n");
        assertThatThrownBy(() -> ConfigParser.parse(main, TestConfigs.TABLE))
                .isInstanceOf(ConfigException.class)
                .hasMessage("open() \"" + dir.resolve("missing.conf") + "\" failed (2: No such file or directory) in "
                        + main + ":3");
    }

    @Test
    void includedFileIsCheckedInTheIncludingContext() throws IOException {
        Path inc = write("zone.conf", "\nzone z 1m;\n");
        assertThatThrownBy(() -> parseMain("http {\n include zone.conf;\n}"))
                .hasMessage("\"zone\" directive is not allowed here in " + inc + ":2");
        assertThat(parseMain("http { upstream u { include zone.conf; server x; } }")
                .first("http").orElseThrow().first("upstream").orElseThrow().children())
                .extracting(Directive::name).containsExactly("zone", "server");
    }

    @Test
    void includedFileMustBeBalancedOnItsOwn() throws IOException {
        Path open = write("open.conf", "upstream u {\n");
        assertThatThrownBy(() -> parseMain("http { include open.conf; }"))
                .hasMessage("unexpected end of file, expecting \"}\" in " + open + ":2");
        Path close = write("close.conf", "}\n");
        assertThatThrownBy(() -> parseMain("http { include close.conf; }"))
                .hasMessage("unexpected \"}\" in " + close + ":1");
    }

    @Test
    void errorsInsideIncludedFilesNameThatFile() throws IOException {
        Path inc = write("bad.conf", "pid a;\n\nfoo;\n");
        assertThatThrownBy(() -> parseMain("include bad.conf;"))
                .hasMessage("unknown directive \"foo\" in " + inc + ":3");
    }

    @Test
    void includeCycleIsAnError() throws IOException {
        write("a.conf", "include b.conf;\n");
        Path b = write("b.conf", "\ninclude a.conf;\n");
        assertThatThrownBy(() -> parseMain("include a.conf;"))
                .hasMessage("recursive include of \"" + dir.resolve("a.conf") + "\" in " + b + ":2");
        Path self = write("self.conf", "include self.conf;\n");
        assertThatThrownBy(() -> ConfigParser.parse(self, TestConfigs.TABLE))
                .hasMessage("recursive include of \"" + self + "\" in " + self + ":1");
    }

    @Test
    void includingTheSameFileTwiceInSequenceIsNotACycle() throws IOException {
        write("p.conf", "pid x;");
        assertThat(parseMain("include p.conf;\ninclude p.conf;").all("pid")).hasSize(2);
    }

    @Test
    void nestingDepthIsLimited() throws IOException {
        int depth = ConfigParser.MAX_INCLUDE_DEPTH + 1;
        for (int i = 1; i < depth; i++) {
            write("n" + i + ".conf", "include n" + (i + 1) + ".conf;\n");
        }
        write("n" + depth + ".conf", "pid deep;\n");
        assertThatThrownBy(() -> parseMain("include n1.conf;"))
                .hasMessage("too many nested includes (more than 64) in " + dir.resolve("n64.conf") + ":1");

        Files.writeString(dir.resolve("n64.conf"), "pid deep;\n");
        assertThat(parseMain("include n1.conf;").first("pid").orElseThrow().pos().file())
                .isEqualTo(dir.resolve("n64.conf"));
    }

    @Test
    void includingADirectoryFailsLikeNginx() throws IOException {
        Files.createDirectories(dir.resolve("adir"));
        assertThatThrownBy(() -> parseMain("include adir;"))
                .hasMessage("pread() \"" + dir.resolve("adir") + "\" failed (21: Is a directory) in "
                        + dir.resolve("nginx.conf") + ":1");
    }
}

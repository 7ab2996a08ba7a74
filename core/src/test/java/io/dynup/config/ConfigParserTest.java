package io.dynup.config;

import static io.dynup.config.TestConfigs.FILE;
import static io.dynup.config.TestConfigs.assertParseError;
import static io.dynup.config.TestConfigs.at;
import static io.dynup.config.TestConfigs.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/** Parsing into the AST and the checks of ngx_conf_handler; error texts were checked against nginx 1.22.1. */
class ConfigParserTest {

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(Objects.requireNonNull(ConfigParserTest.class.getResource(name), name).toURI());
    }

    @Test
    void parsesTheSeedConfiguration() throws Exception {
        Path file = resource("/config/seed.conf");
        Config config = ConfigParser.parse(file, TestConfigs.TABLE);

        assertThat(config.file()).isEqualTo(file.toAbsolutePath().normalize());
        assertThat(config.directives()).extracting(Directive::name).containsExactly("http");
        Directive http = config.first("http").orElseThrow();
        assertThat(http.children()).extracting(Directive::name)
                .containsExactly("lua_package_path", "upstream", "lua_socket_log_errors", "server", "server");
        assertThat(http.first("lua_package_path").orElseThrow().args())
                .containsExactly("/path/to/lua-ngx-dynamic-upstream-lua/lib/?.lua;;");
        assertThat(http.first("lua_socket_log_errors").orElseThrow().args()).containsExactly("off");

        Directive upstream = http.first("upstream").orElseThrow();
        assertThat(upstream.args()).containsExactly("backend");
        assertThat(upstream.pos()).isEqualTo(new SourcePos(file, 3));
        assertThat(upstream.children()).hasSize(2);
        assertThat(upstream.first("zone").orElseThrow().args()).containsExactly("backend", "1m");
        assertThat(upstream.first("zone").orElseThrow().pos()).isEqualTo(new SourcePos(file, 4));
        assertThat(upstream.first("server").orElseThrow().args()).containsExactly("127.0.0.1:9090");
        assertThat(upstream.first("server").orElseThrow().hasBlock()).isFalse();

        List<Directive> servers = http.all("server");
        assertThat(servers).allSatisfy(s -> assertThat(s.hasBlock()).isTrue());
        Directive first = servers.get(0);
        assertThat(first.all("listen")).extracting(d -> d.arg(0)).containsExactly("9090", "9091");
        assertThat(first.first("default_type").orElseThrow().args()).containsExactly("text/plain");
        Directive root = first.first("location").orElseThrow();
        assertThat(root.args()).containsExactly("/");
        Directive ret = root.first("return").orElseThrow();
        assertThat(ret.args()).containsExactly("200", "Hello world!");
        assertThat(ret.pos()).isEqualTo(new SourcePos(file, 13));

        Directive second = servers.get(1);
        assertThat(second.first("listen").orElseThrow().args()).containsExactly("8888");
        Directive add = second.first("location").orElseThrow();
        assertThat(add.args()).containsExactly("~*", "^/(.+)/add");
        assertThat(add.pos().line()).isEqualTo(19);
        assertThat(add.first("set").orElseThrow().args()).containsExactly("$upstream", "$1");

        Directive lua = add.first("content_by_lua_block").orElseThrow();
        assertThat(lua.pos()).isEqualTo(new SourcePos(file, 21));
        assertThat(lua.hasBlock()).isFalse();
        assertThat(lua.children()).isEmpty();
        assertThat(lua.rawBlock()).isEqualTo(String.join("\n",
                "",
                "            local dynamic_upstream = require \"ngx.dynamic_upstream\"",
                "            local peer = ngx.var.arg_peer",
                "            local result, _, err = dynamic_upstream.add_peer(upstream, peer)",
                "            if not result then",
                "              say(\"Failed to add peer \" .. peer .. \": \", err)",
                "              return",
                "            end",
                "            local peer_args = { weight = 1, max_fails = 2, fail_timeout = 30, down = 1 }",
                "            ngx.say(\"Added \" .. peer .. \" to \" .. upstream .. \" upstream\")",
                "          "));
    }

    @Test
    void sameNameMeansDifferentDirectivesInDifferentContexts() {
        Config config = parse("""
                http {
                    upstream u { server 10.0.0.1:80 weight=2 max_fails=3; keepalive 8; }
                    server { }
                }
                stream {
                    upstream s { server 10.0.0.2:53; least_conn; }
                    server { }
                }
                """);
        Directive http = config.first("http").orElseThrow();
        assertThat(http.first("upstream").orElseThrow().first("server").orElseThrow().args())
                .containsExactly("10.0.0.1:80", "weight=2", "max_fails=3");
        assertThat(http.first("server").orElseThrow().hasBlock()).isTrue();
        Directive stream = config.first("stream").orElseThrow();
        assertThat(stream.first("upstream").orElseThrow().children()).extracting(Directive::name)
                .containsExactly("server", "least_conn");
        assertThat(stream.first("server").orElseThrow().children()).isEmpty();
    }

    @Test
    void mainContextDirectives() {
        Config config = parse("worker_processes 2;\npid /run/dynup.pid;\nerror_log stderr info;\n"
                + "events { worker_connections 1024; }\n");
        assertThat(config.directives()).extracting(Directive::name)
                .containsExactly("worker_processes", "pid", "error_log", "events");
        assertThat(config.all("events").get(0).first("worker_connections").orElseThrow().arg(0)).isEqualTo("1024");
        assertThat(config.first("nothing")).isEmpty();
        assertThat(config.file()).isEqualTo(FILE);
    }

    @Test
    void emptyInputIsAnEmptyConfig() {
        assertThat(parse("").directives()).isEmpty();
        assertThat(parse("  # just a comment\n\n").directives()).isEmpty();
    }

    @Test
    void directivePositionIsTheLineOfItsTerminatorAsInNginx() {
        Config config = parse("http {\n  upstream b\n  {\n    server x;\n    zone z\n      1m\n      ;\n  }\n}\n");
        Directive upstream = config.first("http").orElseThrow().first("upstream").orElseThrow();
        assertThat(upstream.pos().line()).isEqualTo(3);
        assertThat(upstream.first("zone").orElseThrow().pos().line()).isEqualTo(7);
        assertParseError("http {\n  upstream b\n  {\n    server x;\n    zonex z\n      1m\n      ;\n  }\n}\n",
                at("unknown directive \"zonex\"", 7));
    }

    @Test
    void unknownDirective() {
        assertParseError("foo;", at("unknown directive \"foo\"", 1));
        assertParseError("http {\n\n  bogus on;\n}", at("unknown directive \"bogus\"", 3));
    }

    @Test
    void knownDirectiveInTheWrongContext() {
        assertParseError("zone a 1m;", at("\"zone\" directive is not allowed here", 1));
        assertParseError("http {\n  zone a;\n}", at("\"zone\" directive is not allowed here", 2));
        assertParseError("server 10.0.0.1;", at("\"server\" directive is not allowed here", 1));
        assertParseError("stream { upstream u {\n keepalive 4;\n} }", at("\"keepalive\" directive is not allowed here", 2));
        assertParseError("http { server { listen 80; }\n listen 81; }", at("\"listen\" directive is not allowed here", 2));
        assertParseError("events { events { } }", at("\"events\" directive is not allowed here", 1));
    }

    @Test
    void wrongNumberOfArguments() {
        String reasonFmt = "invalid number of arguments in \"%s\" directive";
        assertParseError("http { upstream u {\n zone;\n} }", at(String.format(reasonFmt, "zone"), 2));
        assertParseError("http { upstream u { zone a 1m x; } }", at(String.format(reasonFmt, "zone"), 1));
        assertParseError("http { upstream u { server; } }", at(String.format(reasonFmt, "server"), 1));
        assertParseError("http { upstream u { least_conn x; } }", at(String.format(reasonFmt, "least_conn"), 1));
        assertParseError("http { upstream u { random two least_conn x; } }", at(String.format(reasonFmt, "random"), 1));
        assertParseError("http {\n upstream\n {\n} }", at(String.format(reasonFmt, "upstream"), 3));
        assertParseError("http { upstream a b { } }", at(String.format(reasonFmt, "upstream"), 1));
        assertParseError("http x { }", at(String.format(reasonFmt, "http"), 1));
        assertParseError("include;", at(String.format(reasonFmt, "include"), 1));
    }

    @Test
    void argumentRangesAreInclusive() {
        Config config = parse("http { upstream u { zone a; zone a 1m; random; random two; random two least_conn; "
                + "server a b c d e f g h i j; } }");
        assertThat(config.first("http").orElseThrow().first("upstream").orElseThrow().children()).hasSize(6);
    }

    @Test
    void blockDirectiveEndedBySemicolon() {
        assertParseError("http;", at("directive \"http\" has no opening \"{\"", 1));
        assertParseError("http {\n upstream b\n ;\n}", at("directive \"upstream\" has no opening \"{\"", 3));
        assertParseError("http { server { location / {\n content_by_lua_block;\n } } }",
                at("directive \"content_by_lua_block\" has no opening \"{\"", 2));
    }

    @Test
    void simpleDirectiveFollowedByBrace() {
        assertParseError("pid x {", at("directive \"pid\" is not terminated by \";\"", 1));
        assertParseError("worker_processes 1 { }", at("directive \"worker_processes\" is not terminated by \";\"", 1));
    }

    @Test
    void terminatorIsCheckedBeforeArgumentCount() {
        assertParseError("pid a b {", at("directive \"pid\" is not terminated by \";\"", 1));
        assertParseError("http a;", at("directive \"http\" has no opening \"{\"", 1));
    }

    @Test
    void unbalancedBraces() {
        assertParseError("events {}\nhttp {}\n}", at("unexpected \"}\"", 3));
        assertParseError("events {}\nhttp {\n", at("unexpected end of file, expecting \"}\"", 3));
        assertParseError("events {}\nhttp {", at("unexpected end of file, expecting \"}\"", 2));
        assertParseError("http { upstream u { server x;\n}", at("unexpected end of file, expecting \"}\"", 2));
    }

    @Test
    void quotedDirectiveNamesAreNamesToo() {
        assertThat(parse("\"pid\" 'x';").first("pid").orElseThrow().args()).containsExactly("x");
        assertParseError("http { \\\"a b;  }", at("unknown directive \"\"a\"", 1));
    }

    @Test
    void missingMainFileHasNoPosition() {
        Path missing = Path.of("/nonexistent/dir/../nginx.conf");
        assertThatThrownBy(() -> ConfigParser.parse(missing, TestConfigs.TABLE))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e).hasMessage("open() \"/nonexistent/nginx.conf\" failed (2: No such file or directory)");
                    assertThat(e.pos()).isNull();
                    assertThat(e.reason()).isEqualTo(e.getMessage());
                });
    }

    @Test
    void errorsCarryReasonAndPositionSeparately() {
        assertThatThrownBy(() -> parse("\n\nfoo;"))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.reason()).isEqualTo("unknown directive \"foo\"");
                    assertThat(e.pos()).isEqualTo(new SourcePos(FILE, 3));
                });
    }

    @Test
    void treeIsImmutable() {
        Config config = parse("http { upstream u { server a; } }");
        Directive http = config.first("http").orElseThrow();
        assertThatThrownBy(() -> config.directives().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> http.children().clear()).isInstanceOf(UnsupportedOperationException.class);
        Directive server = http.first("upstream").orElseThrow().first("server").orElseThrow();
        assertThatThrownBy(() -> server.args().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void parseUsesOnlyTheGivenTable() {
        DirectiveTable bare = DirectiveTable.builder().add(DirectiveSpec.simple("pid", 1, 1, Context.MAIN)).build();
        assertThat(ConfigParser.parseString("pid x;", FILE, bare).directives()).hasSize(1);
        assertThatThrownBy(() -> ConfigParser.parseString("include x.conf;", FILE, bare))
                .hasMessage(at("unknown directive \"include\"", 1));
    }
}

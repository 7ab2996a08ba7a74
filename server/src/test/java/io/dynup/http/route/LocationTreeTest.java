package io.dynup.http.route;

import static io.dynup.http.route.RouteConfigs.answer;
import static io.dynup.http.route.RouteConfigs.assertConfigError;
import static io.dynup.http.route.RouteConfigs.at;
import static io.dynup.http.route.RouteConfigs.servers;
import static io.dynup.http.route.RouteConfigs.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynup.config.ConfigException;
import io.dynup.http.route.Location.Kind;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Location selection. Every expected answer below was observed on nginx 1.22.1 with the same configuration
 * ({@code return 200 "X"} in each block; "-" where nginx served at server level, i.e. no location matched).
 */
class LocationTreeTest {

    /** The example of the ngx_http_core_module documentation for "location". */
    @Test
    void theDocumentedExample() {
        LocationTree t = tree("""
                server {
                  location = / { return 200 "A"; }
                  location / { return 200 "B"; }
                  location /documents/ { return 200 "C"; }
                  location ^~ /images/ { return 200 "D"; }
                  location ~* \\.(gif|jpg|jpeg)$ { return 200 "E"; }
                }""");

        assertThat(answer(t, "/")).isEqualTo("A");
        assertThat(answer(t, "/index.html")).isEqualTo("B");
        assertThat(answer(t, "/documents/document.html")).isEqualTo("C");
        assertThat(answer(t, "/images/1.gif")).isEqualTo("D");
        assertThat(answer(t, "/documents/1.jpg")).isEqualTo("E");
    }

    private static final String NESTED = """
            server { listen 127.0.0.1:18080;
              location = / { return 200 "A"; }
              location / { return 200 "B"; }
              location /documents/ { return 200 "C"; }
              location ^~ /images/ { return 200 "D"; }
              location ~* \\.(gif|jpg|jpeg)$ { return 200 "E"; }
              location /a/ { return 200 "F"; location ^~ /a/b/ { return 200 "G"; } location ~ \\.png$ { return 200 "H"; } }
              location ~ \\.gif$ { return 200 "I"; }
              location ~ /r { return 200 "R"; location /r/p { return 200 "RP"; } location ~ \\.txt$ { return 200 "RT"; } }
              location /x/ { proxy_pass http://127.0.0.1:1/; }
              location @named { return 200 "N"; }
              location @named { return 200 "N2"; }
            }""";

    @Test
    void nestedRegexesComeBeforeTheServerLevelOnes() {
        LocationTree t = tree(NESTED);

        assertThat(answer(t, "/a/c.png")).as("regex nested in the matched prefix").isEqualTo("H");
        assertThat(answer(t, "/a/c.gif")).as("nested regex fails: server regexes in order").isEqualTo("E");
        assertThat(answer(t, "/a/c.html")).isEqualTo("F");
        assertThat(answer(t, "/X.GIF")).as("~* ignores case").isEqualTo("E");
    }

    @Test
    void aNestedCaretTildeOnlyStopsTheRegexesBesideIt() {
        LocationTree t = tree(NESTED);

        assertThat(answer(t, "/a/b/c.png")).as("^~ /a/b/ skips the regexes of /a/").isEqualTo("G");
        assertThat(answer(t, "/a/b/c.gif")).as("but not the server-level ones, as nginx").isEqualTo("E");
    }

    @Test
    void prefixLocationsInsideARegexLocationAreNeverMatched() {
        LocationTree t = tree(NESTED);

        assertThat(answer(t, "/r/p/q")).isEqualTo("R");
        assertThat(answer(t, "/r/p/q.txt")).as("nested regexes are").isEqualTo("RT");
    }

    @Test
    void aPassLocationRedirectsItsNameWithoutTheSlash() {
        LocationTree t = tree(NESTED);

        LocationMatch m = t.find("/x");
        assertThat(m.autoRedirect()).isTrue();
        assertThat(m.location().name()).isEqualTo("/x/");
        assertThat(answer(t, "/x")).isEqualTo("301 /x/");
        assertThat(t.find("/x/").autoRedirect()).isFalse();
        assertThat(t.find("/x/y").location().name()).isEqualTo("/x/");
    }

    private static final String PREFIXES = """
            server { listen 127.0.0.1:18080;
              location /a { return 200 "a"; }
              location /a/b { return 200 "ab"; }
              location /a/b/c { return 200 "abc"; }
              location /a/bc { return 200 "abc2"; }
              location /ab { return 200 "ab2"; }
              location = /a/b { return 200 "=ab"; }
              location /Foo { return 200 "Foo"; }
              location ~ ^/cs/Up$ { return 200 "cs"; }
              location ~* ^/ci/Up$ { return 200 "ci"; }
              location ~ ^/u/(\\d+)/(?<rest>.*)$ { return 200 "u:$1|$rest|$2"; }
              location ~ ^/c/(\\w+) { return 200 "c:$1"; location ~ \\.txt$ { return 200 "ct:$1"; } location ~ (x)\\.bin$ { return 200 "cb:$1"; } }
              location ~ ^/p/(?P<word>[[:alpha:]]+)(?'num'[[:digit:]]*)$ { return 200 "p:$word|$num"; }
              location /t { try_files /nonexistent @n; }
              location @n { return 200 "n1"; }
              location @n { return 200 "n2"; }
              location ^~ /s/ { return 200 "s"; location ~ \\.php$ { return 200 "sphp"; } }
              location ~ \\.php$ { return 200 "php"; }
              location = /e/ { proxy_pass http://127.0.0.1:1; }
              location /f/ { proxy_pass http://127.0.0.1:1; }
              location /f { return 200 "f"; }
              location /g/ { return 200 "g"; }
            }""";

    @Test
    void theLongestPrefixWinsAndAnExactNameBeatsIt() {
        LocationTree t = tree(PREFIXES);
        Map<String, String> observed = Map.ofEntries(
                Map.entry("/a", "a"),
                Map.entry("/a/", "a"),
                Map.entry("/a/b", "=ab"),
                Map.entry("/a/bx", "ab"),
                Map.entry("/a/b/", "ab"),
                Map.entry("/a/b/cd", "abc"),
                Map.entry("/a/bcd", "abc2"),
                Map.entry("/abc", "ab2"),
                Map.entry("/b", "-"),
                Map.entry("/g", "-"),
                Map.entry("/f", "f"),
                Map.entry("/s/x.html", "s"),
                Map.entry("/x.php", "php"));
        observed.forEach((uri, expected) -> assertThat(answer(t, uri)).as(uri).isEqualTo(expected));
    }

    @Test
    void prefixesAreCaseSensitiveAndTildeStarIsNot() {
        LocationTree t = tree(PREFIXES);

        assertThat(answer(t, "/foo")).as("no /foo: /f matches").isEqualTo("f");
        assertThat(answer(t, "/Foo/x")).isEqualTo("Foo");
        assertThat(answer(t, "/cs/up")).isEqualTo("-");
        assertThat(answer(t, "/cs/Up")).isEqualTo("cs");
        assertThat(answer(t, "/ci/UP")).isEqualTo("ci");
    }

    @Test
    void aCaretTildeLocationStillTriesItsOwnNestedRegexes() {
        LocationTree t = tree(PREFIXES);

        assertThat(answer(t, "/s/x.php")).isEqualTo("sphp");
    }

    @Test
    void anExactLocationWithAPassDirectiveRedirectsToo() {
        LocationTree t = tree(PREFIXES);

        assertThat(answer(t, "/e")).isEqualTo("301 /e/");
        assertThat(answer(t, "/e/")).isEqualTo("-");
    }

    @Test
    void capturesOfTheWinningRegex() {
        LocationTree t = tree(PREFIXES);

        // nginx answered "u:42|x/y|x/y": a named group is also a numbered one.
        Captures u = t.find("/u/42/x/y").captures();
        assertThat(u.group(1)).isEqualTo("42");
        assertThat(u.named("rest")).isEqualTo("x/y");
        assertThat(u.group(2)).isEqualTo("x/y");
        assertThat(u.group(0)).isEqualTo("/u/42/x/y");
        assertThat(u.group(3)).as("beyond the groups: empty").isEmpty();
        assertThat(u.named("nope")).isNull();

        // "p:abc|123": (?P<name>..), (?'name'..) and POSIX classes.
        Captures p = t.find("/p/abc123").captures();
        assertThat(p.named("word")).isEqualTo("abc");
        assertThat(p.named("num")).isEqualTo("123");

        assertThat(t.find("/a/b").captures()).isSameAs(Captures.NONE);
    }

    @Test
    void aNestedRegexReplacesTheNumberedCaptures() {
        LocationTree t = tree(PREFIXES);

        assertThat(t.find("/c/abc").captures().group(1)).as("c:abc").isEqualTo("abc");
        LocationMatch txt = t.find("/c/abc.txt");
        assertThat(answer(txt.location().directive())).isEqualTo("ct:$1");
        assertThat(txt.captures().group(1)).as("ct: (nginx: empty, the inner regex has no group)").isEmpty();
        assertThat(t.find("/c/abcx.bin").captures().group(1)).as("cb:x").isEqualTo("x");
    }

    @Test
    void namedCapturesStayWhenALaterRegexMatches() {
        // nginx answered "ct:abc||" for /c/abc.txt: $w from the outer regex survives, $1 does not.
        LocationTree t = tree("""
                server { listen 127.0.0.1:18080;
                  location ~ ^/c/(?<w>\\w+) { location ~ \\.txt$ { return 200 "ct:$w|$1"; } return 200 "c:$w|$1"; }
                }""");

        Captures c = t.find("/c/abc.txt").captures();
        assertThat(c.named("w")).isEqualTo("abc");
        assertThat(c.group(1)).isEmpty();
        assertThat(c.group(0)).isEqualTo(".txt");
    }

    @Test
    void namedLocationsAreFoundByNameOnly() {
        LocationTree t = tree(PREFIXES);

        // try_files ... @n answered "n1": the first of two named locations of that name.
        Location n = t.named("@n").orElseThrow();
        assertThat(answer(n.directive())).isEqualTo("n1");
        assertThat(n.kind()).isEqualTo(Kind.NAMED);
        assertThat(t.named("@none")).isEmpty();
        assertThat(t.find("@n").location().isServer()).isTrue();
    }

    @Test
    void locationsKnowTheirDirectiveParentAndChildren() {
        LocationTree t = tree(NESTED);

        Location a = t.find("/a/x").location();
        assertThat(a.kind()).isEqualTo(Kind.PREFIX);
        assertThat(a.name()).isEqualTo("/a/");
        assertThat(a.parent()).isSameAs(t.server());
        assertThat(a.children()).extracting(Location::toString)
                .containsExactly("location ^~ /a/b/", "location ~ \\.png$");
        assertThat(a.children().get(0).parent()).isSameAs(a);
        assertThat(a.directive().first("return").orElseThrow().arg(1)).isEqualTo("F");
        assertThat(a.pos().line()).isEqualTo(9);
        assertThat(t.server().isServer()).isTrue();
        assertThat(t.server().directive().name()).isEqualTo("server");
        assertThat(t.server().parent()).isNull();
        assertThat(t.locations()).hasSize(15);
        assertThat(t.find("/a/b/x.png").location().regex()).isNull();
        assertThat(t.find("/a/x.png").location().regex()).isNotNull();
    }

    @Test
    void oneArgumentFormsOfTheModifiers() {
        LocationTree t = tree("""
                server {
                  location =/exact { return 200 "exact"; }
                  location ^~/stop/ { return 200 "stop"; }
                  location ~*\\.TXT$ { return 200 "txt"; }
                  location ~^/rx/ { return 200 "rx"; }
                  location /stop/ok/ { return 200 "ok"; }
                }""");

        assertThat(answer(t, "/exact")).isEqualTo("exact");
        assertThat(answer(t, "/exact/x")).isEqualTo("-");
        assertThat(answer(t, "/stop/a.txt")).isEqualTo("stop");
        assertThat(answer(t, "/other/A.txt")).isEqualTo("txt");
        assertThat(answer(t, "/rx/a")).isEqualTo("rx");
        assertThat(answer(t, "/stop/ok/a.txt")).as("/stop/ok/ is not ^~").isEqualTo("txt");
        assertThat(t.locations()).extracting(Location::kind).containsExactly(
                Kind.EXACT, Kind.PREFIX_NOREGEX, Kind.REGEX_CASELESS, Kind.REGEX, Kind.PREFIX);
    }

    @Test
    void manyPrefixesAtManyDepths() {
        StringBuilder conf = new StringBuilder("server {\n");
        List<String> names = List.of("/", "/a", "/a/", "/a/b", "/a/b/c", "/a/bb", "/ab", "/abc", "/b", "/b/a",
                "/ba", "/c/d/e", "/c", "/zz", "/z");
        for (String n : names) {
            conf.append("  location ").append(n).append(" { return 200 \"").append(n).append("\"; }\n");
        }
        conf.append("  location = /a/b/c { return 200 \"=\"; }\n}");
        LocationTree t = tree(conf.toString());

        Map<String, String> expected = Map.ofEntries(
                Map.entry("/", "/"), Map.entry("/x", "/"), Map.entry("/a", "/a"), Map.entry("/a/", "/a/"),
                Map.entry("/a/x", "/a/"), Map.entry("/a/b", "/a/b"), Map.entry("/a/b/c", "="),
                Map.entry("/a/b/cc", "/a/b/c"), Map.entry("/a/bb/x", "/a/bb"), Map.entry("/a/bc", "/a/b"),
                Map.entry("/ab", "/ab"), Map.entry("/abcd", "/abc"), Map.entry("/abd", "/ab"),
                Map.entry("/b/a", "/b/a"), Map.entry("/b/", "/b"), Map.entry("/bab", "/ba"),
                Map.entry("/c/d", "/c"), Map.entry("/c/d/e/f", "/c/d/e"), Map.entry("/zzz", "/zz"),
                Map.entry("/zy", "/z"), Map.entry("", "-"));
        expected.forEach((uri, want) -> assertThat(answer(t, uri)).as(uri).isEqualTo(want));
    }

    @Test
    void urisAreComparedAsUtf8Bytes() {
        LocationTree t = tree("""
                server {
                  location /caf\u00e9/ { return 200 "cafe"; }
                  location ~ ^/x/.$ { return 200 "one-byte"; }
                  location ~ ^/x/..$ { return 200 "two-bytes"; }
                }""");

        assertThat(answer(t, "/caf\u00e9/menu")).isEqualTo("cafe");
        assertThat(answer(t, "/x/\u00e9")).as("PCRE without UTF: . is one byte").isEqualTo("two-bytes");
        assertThat(answer(t, "/x/e")).isEqualTo("one-byte");
        assertThat(t.find("/caf\u00e9/".getBytes(StandardCharsets.UTF_8)).location().name()).isEqualTo("/caf\u00e9/");
    }

    // ------------------------------------------------------------------------------------------------- errors
    // Messages and lines as nginx -t 1.22.1 printed them for the same text.

    @Test
    void nothingNestsInAnExactLocation() {
        assertConfigError(() -> tree("server { location = /x { location /x/y {} } }"),
                at("location \"/x/y\" cannot be inside the exact location \"/x\"", 3));
    }

    @Test
    void nothingNestsInANamedLocation() {
        assertConfigError(() -> tree("server { location @n { location /y {} } }"),
                at("location \"/y\" cannot be inside the named location \"@n\"", 3));
    }

    @Test
    void namedLocationsOnlyAtServerLevel() {
        assertConfigError(() -> tree("server { location /a { location @n {} } }"),
                at("named location \"@n\" can be on the server level only", 3));
    }

    @Test
    void aNestedPrefixMustExtendItsParent() {
        assertConfigError(() -> tree("server { location /a { location /b {} } }"),
                at("location \"/b\" is outside location \"/a\"", 3));
        assertConfigError(() -> tree("server { location ~ ^/a { location /a/b {} } }"),
                at("location \"/a/b\" is outside location \"^/a\"", 3));
        assertConfigError(() -> tree("server { location ~ /r { location = /zz {} } }"),
                at("location \"/zz\" is outside location \"/r\"", 3));
        // Accepted by nginx: a regex anywhere, the parent's own name as an exact location.
        tree("server { location ~ ^/a { location ~ b {} } location ~ ^/a {} }");
        tree("server { location /a { location = /a {} } }");
    }

    @Test
    void duplicateLocationsNameTheLaterOne() {
        assertConfigError(() -> tree("server {\n  location /x {}\n  location /x {}\n}"),
                at("duplicate location \"/x\"", 5));
        assertConfigError(() -> tree("server {\n  location /x {}\n  location ^~ /x {}\n}"),
                at("duplicate location \"/x\"", 5));
        assertConfigError(() -> tree("server { location = /x {} location /x {} location =/x {} }"),
                at("duplicate location \"/x\"", 3));
    }

    @Test
    void nestedDuplicatesAreReportedFirst() {
        assertConfigError(() -> tree("""
                server {
                  location /c {}
                  location /c {}
                  location /a {
                    location /a/b {}
                    location /a/b {}
                  }
                }"""), at("duplicate location \"/a/b\"", 8));
        assertConfigError(() -> tree("""
                server {
                  location /z {
                    location /z/b {}
                    location /z/b {}
                  }
                  location /c {}
                  location /c {}
                }"""), at("duplicate location \"/z/b\"", 6));
    }

    @Test
    void duplicatesNginxDoesNotLookFor() {
        tree("server { location ~ /r { location /r/x {} location /r/x {} } }");
        tree("server { location @n {} location @n {} }");
        tree("server { location ~ a {} location ~ a {} }");
    }

    @Test
    void anUnknownModifier() {
        assertConfigError(() -> tree("server { location ! /x {} }"), at("invalid location modifier \"!\"", 3));
    }

    @Test
    void regexCompileErrorsInNginxShape() {
        // nginx: pcre2_compile() failed: missing closing parenthesis in "(abc" in ...:3 (reason in PCRE's words).
        assertThatThrownBy(() -> tree("server { location ~ \"(abc\" {} }"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("pcre2_compile() failed: ")
                .hasMessageEndingWith(" in \"(abc\" in " + RouteConfigs.FILE + ":3");
        assertConfigError(() -> tree("server { location ~ \"[[:foo:]]\" {} }"),
                at("pcre2_compile() failed: unknown POSIX class name in \"[[:foo:]]\" at \"foo:]]\"", 3));
        // Literal in PCRE, so nginx accepts them.
        tree("server { location ~ \"x{\" {} location ~ \"a{,2}\" {} }");
    }

    @Test
    void emptyNamesAreAllowedAndMatchEverything() {
        LocationTree t = tree("server { location \"\" { return 200 \"p\"; } location ~ \"\" { return 200 \"r\"; } }");

        assertThat(answer(t, "/anything")).isEqualTo("r");
        assertConfigError(() -> tree("server { location = {} location \"=\" {} }"),
                at("duplicate location \"\"", 3));
    }

    @Test
    void buildTakesOneServerBlock() {
        LocationTree t = LocationTree.build(servers("server { location / { return 200 \"x\"; } }").get(0));
        assertThat(t.locations()).hasSize(1);
    }
}

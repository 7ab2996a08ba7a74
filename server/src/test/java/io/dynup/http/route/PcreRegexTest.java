package io.dynup.http.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.regex.PatternSyntaxException;
import org.junit.jupiter.api.Test;

/** PCRE patterns on java.util.regex, matched against byte strings as PCRE without UTF matches bytes. */
class PcreRegexTest {

    private static boolean matches(String regex, String subject) {
        return PcreRegex.compile(regex, false).matches(PcreRegex.ByteStrings.of(subject));
    }

    @Test
    void namedGroupsInEverySpelling() {
        PcreRegex r = PcreRegex.compile("^(?<first_name>\\w+)-(?'n2'\\d+)-(?P<last>\\w+)-(x)$", false);
        Captures c = r.match("ab-12-cd-x");

        assertThat(r.groupCount()).isEqualTo(4);
        assertThat(r.groupNames()).containsExactly(
                java.util.Map.entry("first_name", 1), java.util.Map.entry("n2", 2), java.util.Map.entry("last", 3));
        assertThat(c.named("first_name")).isEqualTo("ab");
        assertThat(c.named("n2")).isEqualTo("12");
        assertThat(c.named("last")).isEqualTo("cd");
        assertThat(c.group(4)).isEqualTo("x");
    }

    @Test
    void namedBackReferences() {
        assertThat(matches("^(?P<w>a+)-(?P=w)$", "aa-aa")).isTrue();
        assertThat(matches("^(?P<w>a+)-(?P=w)$", "aa-a")).isFalse();
        assertThat(matches("^(?<w_1>b)\\k<w_1>\\k{w_1}\\k'w_1'$", "bbbb")).isTrue();
    }

    @Test
    void posixClasses() {
        assertThat(matches("^[[:alpha:]]+$", "abcXYZ")).isTrue();
        assertThat(matches("^[[:alpha:]]+$", "abc1")).isFalse();
        assertThat(matches("^[[:^digit:]x]+$", "abx")).isTrue();
        assertThat(matches("^[[:^digit:]]+$", "a1")).isFalse();
        assertThat(matches("^[[:xdigit:][:space:]]+$", "0f A")).isTrue();
        assertThat(matches("^[[:word:]]+$", "a_1")).isTrue();
    }

    @Test
    void classesAsPcreReadsThem() {
        assertThat(matches("^[]a]+$", "]a]")).as("] first is literal").isTrue();
        assertThat(matches("^[^]a]+$", "bc")).isTrue();
        assertThat(matches("^[[]+$", "[[")).as("[ inside a class is literal").isTrue();
        assertThat(matches("^[a&&b]+$", "&a")).as("&& is literal").isTrue();
        assertThat(matches("^[\\Q]\\E]$", "]")).isTrue();
    }

    @Test
    void bracesThatAreNotQuantifiersAreLiteral() {
        // As nginx 1.22.1 (PCRE2 10.42): location ~ "x{" and ~ "b{,2}" matched literally.
        assertThat(matches("x{", "ax{y")).isTrue();
        assertThat(matches("b{,2}", "ab{,2}")).isTrue();
        assertThat(matches("b{,2}", "abb")).isFalse();
        assertThat(matches("^a{2}$", "aa")).isTrue();
        assertThat(matches("^a{2,}$", "aaa")).isTrue();
        assertThat(matches("^a{1,2}$", "aaa")).isFalse();
    }

    @Test
    void commentsAndQuoting() {
        assertThat(matches("^a(?#comment)b$", "ab")).isTrue();
        assertThat(matches("^\\Q.*\\E$", ".*")).isTrue();
        assertThat(matches("^\\Q.*\\E$", "ab")).isFalse();
    }

    @Test
    void caselessIsAsciiOnlyAndDollarAllowsAFinalNewline() {
        PcreRegex r = PcreRegex.compile("^caf\u00e9$", true);
        assertThat(r.matches(PcreRegex.ByteStrings.of("CAF\u00e9"))).isTrue();
        assertThat(r.matches(PcreRegex.ByteStrings.of("caf\u00c9"))).as("no case for non-ASCII bytes").isFalse();
        assertThat(matches("^a$", "a\n")).isTrue();
        assertThat(matches("^a$", "a\r")).as("only \\n is a newline").isFalse();
        assertThat(matches("^.$", "\r")).isTrue();
    }

    @Test
    void patternsWorkOnBytes() {
        assertThat(matches("^.$", "\u00e9")).isFalse();
        assertThat(matches("^..$", "\u00e9")).isTrue();
        Captures c = PcreRegex.compile("^(.)", false).match(PcreRegex.ByteStrings.of("\u00e9"));
        assertThat(c.groupBytes(1)).containsExactly("\u00e9".getBytes(StandardCharsets.UTF_8)[0]);
        assertThat(PcreRegex.compile("^/(.+)$", false).match(PcreRegex.ByteStrings.of("/caf\u00e9")).group(1))
                .isEqualTo("caf\u00e9");
    }

    @Test
    void compileErrorsInNginxShape() {
        assertThatThrownBy(() -> PcreRegex.compile("(abc", false))
                .isInstanceOf(PatternSyntaxException.class)
                .extracting(e -> ((PatternSyntaxException) e).getDescription()).asString()
                .startsWith("pcre2_compile() failed: ").endsWith(" in \"(abc\"");
        assertThatThrownBy(() -> PcreRegex.compile("a[[:foo:]]", false))
                .extracting(e -> ((PatternSyntaxException) e).getDescription())
                .isEqualTo("pcre2_compile() failed: unknown POSIX class name in \"a[[:foo:]]\" at \"foo:]]\"");
        assertThatThrownBy(() -> PcreRegex.compile("(?<a>x)(?<a>y)", false))
                .isInstanceOf(PatternSyntaxException.class);
        assertThatThrownBy(() -> PcreRegex.compile("\\k<nope>", false)).isInstanceOf(PatternSyntaxException.class);
        assertThatThrownBy(() -> PcreRegex.compile("a\\Kb", false)).isInstanceOf(PatternSyntaxException.class);
        assertThatThrownBy(() -> PcreRegex.compile("(?<1a>x)", false)).isInstanceOf(PatternSyntaxException.class);
    }

    @Test
    void describesItself() {
        PcreRegex r = PcreRegex.compile("\\.php$", true);
        assertThat(r.source()).isEqualTo("\\.php$");
        assertThat(r.caseless()).isTrue();
        assertThat(r).hasToString("~* \\.php$");
        assertThat(r.match("x.txt")).isNull();
    }
}

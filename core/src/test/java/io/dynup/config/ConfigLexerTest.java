package io.dynup.config;

import static io.dynup.config.ConfigLexer.Terminator.BLOCK_END;
import static io.dynup.config.ConfigLexer.Terminator.BLOCK_START;
import static io.dynup.config.ConfigLexer.Terminator.END_OF_FILE;
import static io.dynup.config.ConfigLexer.Terminator.SEMICOLON;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynup.config.ConfigLexer.Statement;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Token rules and errors of ngx_conf_read_token; expected texts were checked against nginx 1.22.1. */
class ConfigLexerTest {

    private static final Path FILE = Path.of("/etc/dynup/nginx.conf");

    private static String at(String reason, int line) {
        return reason + " in /etc/dynup/nginx.conf:" + line;
    }

    private static ConfigLexer lexer(String text) {
        return new ConfigLexer(FILE, text.getBytes(StandardCharsets.UTF_8));
    }

    private static List<Statement> lexAll(String text) {
        ConfigLexer lexer = lexer(text);
        List<Statement> out = new ArrayList<>();
        for (;;) {
            Statement st = lexer.next();
            out.add(st);
            if (st.terminator() == END_OF_FILE) {
                return out;
            }
        }
    }

    private static List<String> words(String text) {
        return lexer(text).next().words();
    }

    private static void assertLexError(String text, String message) {
        assertThatThrownBy(() -> lexAll(text)).isInstanceOf(ConfigException.class).hasMessage(message);
    }

    @Test
    void splitsOnWhitespaceAndEndsStatementsAtTerminators() {
        assertThat(lexAll("a b\tc\r\n d;\nblk x {\n}\n"))
                .containsExactly(
                        new Statement(List.of("a", "b", "c", "d"), SEMICOLON),
                        new Statement(List.of("blk", "x"), BLOCK_START),
                        new Statement(List.of(), BLOCK_END),
                        new Statement(List.of(), END_OF_FILE));
    }

    @Test
    void semicolonAndBraceEndAWordWithoutSpace() {
        assertThat(lexAll("a b;c{}")).containsExactly(
                new Statement(List.of("a", "b"), SEMICOLON),
                new Statement(List.of("c"), BLOCK_START),
                new Statement(List.of(), BLOCK_END),
                new Statement(List.of(), END_OF_FILE));
    }

    @Test
    void closingBraceInsideAWordIsAnOrdinaryCharacter() {
        assertThat(words("a b}c;")).containsExactly("a", "b}c");
    }

    @Test
    void quotesKeepSeparatorsAndCanBeEmpty() {
        assertThat(words("a \"x y;{}\" 'p q;' \"\" '';"))
                .containsExactly("a", "x y;{}", "p q;", "", "");
    }

    @Test
    void quoteCharactersInsideAnUnquotedWordAreOrdinary() {
        assertThat(words("a b\"c'd;")).containsExactly("a", "b\"c'd");
    }

    @Test
    void escapesFollowNginx() {
        assertThat(words("a \"q\\\"q\" 's\\'s' \"b\\\\b\" \"t\\tr\\rn\\n\" \"\\d\\$\";"))
                .containsExactly("a", "q\"q", "s's", "b\\b", "t\tr\rn\n", "\\d\\$");
    }

    @Test
    void escapesApplyToUnquotedWordsAndEscapedSeparatorsStayInTheWord() {
        assertThat(words("a x\\ y z\\;w \\\"q \\n;"))
                .containsExactly("a", "x\\ y", "z\\;w", "\"q", "\n");
    }

    @Test
    void hashStartsACommentOnlyAtTheStartOfAWord() {
        assertThat(lexAll("# leading comment\na b#c # trailing ; {\n d; # end"))
                .containsExactly(
                        new Statement(List.of("a", "b#c", "d"), SEMICOLON),
                        new Statement(List.of(), END_OF_FILE));
    }

    @Test
    void hashInsideQuotesIsText() {
        assertThat(words("a \"#x\";")).containsExactly("a", "#x");
    }

    @Test
    void dollarBraceDoesNotOpenABlock() {
        assertThat(words("set $a ${b}c;")).containsExactly("set", "$a", "${b}c");
        assertThat(words("a x${y}z${w};")).containsExactly("a", "x${y}z${w}");
    }

    @Test
    void braceAfterAWordWithoutDollarOpensABlock() {
        Statement st = lexer("loc ~ ^/a{").next();
        assertThat(st).isEqualTo(new Statement(List.of("loc", "~", "^/a"), BLOCK_START));
    }

    @Test
    void variablesAreKeptVerbatim() {
        assertThat(words("set $upstream $1;")).containsExactly("set", "$upstream", "$1");
    }

    @Test
    void closingParenthesisMayFollowAQuote() {
        assertThat(words("if ($a = \"b\") {")).containsExactly("if", "($a", "=", "b", ")");
    }

    @Test
    void multiByteTextSurvives() {
        assertThat(words("a \"héllo wörld\" ünï;")).containsExactly("a", "héllo wörld", "ünï");
    }

    @Test
    void countsLinesAcrossQuotedStringsAndComments() {
        ConfigLexer lexer = lexer("a \"x\ny\n\" # c\n# c2\n\n'p\nq' b;\nc;");
        assertThat(lexer.next().words()).containsExactly("a", "x\ny\n", "p\nq", "b");
        assertThat(lexer.line()).isEqualTo(7);
        lexer.next();
        assertThat(lexer.line()).isEqualTo(8);
        assertThat(lexer.here()).isEqualTo(new SourcePos(FILE, 8));
    }

    @Test
    void carriageReturnIsSpaceButNotANewLine() {
        ConfigLexer lexer = lexer("a\r\rb;\r\nc;");
        assertThat(lexer.next().words()).containsExactly("a", "b");
        assertThat(lexer.next().words()).containsExactly("c");
        assertThat(lexer.line()).isEqualTo(2);
    }

    @Test
    void textAfterAClosingQuoteIsAnError() {
        assertLexError("\"a\"b;", at("unexpected \"b\"", 1));
        assertLexError("foo 'a\\'b'x;", at("unexpected \"x\"", 1));
        assertLexError("foo\n\"a\"#x\n;", at("unexpected \"#\"", 2));
        assertLexError("foo \"a\"}", at("unexpected \"}\"", 1));
    }

    @Test
    void separatorsWithoutWordsAreErrors() {
        assertLexError(";", at("unexpected \";\"", 1));
        assertLexError("\n\n  {", at("unexpected \"{\"", 3));
        assertLexError("foo\n}", at("unexpected \"}\"", 2));
    }

    @Test
    void endOfFileInsideAStatement() {
        assertLexError("foo", at("unexpected end of file, expecting \";\" or \"}\"", 1));
        // nginx counts the final newline, so the error names the line after it.
        assertLexError("foo bar\n", at("unexpected end of file, expecting \";\" or \"}\"", 2));
        assertLexError("foo \"abc\n\n", at("unexpected end of file, expecting \";\" or \"}\"", 3));
        assertLexError("foo 'abc", at("unexpected end of file, expecting \";\" or \"}\"", 1));
    }

    @Test
    void endOfFileInACommentIsFine() {
        assertThat(lexAll("a;\n# no newline at the end"))
                .extracting(Statement::terminator)
                .containsExactly(SEMICOLON, END_OF_FILE);
    }

    @Test
    void wordMustFitInNginxBuffer() {
        String ok = "\n\n\nfoo " + "a".repeat(4095) + ";\n";
        assertThat(lexer(ok).next().words().get(1)).hasSize(4095);

        assertLexError("\n\n\nfoo " + "a".repeat(4096) + ";\n", at("too long parameter \"aaaaaaaaaa...\" started", 4));
        // At the very end of the file nginx never refills its buffer, so the end of file is reported instead.
        assertLexError("foo " + "a".repeat(4096), at("unexpected end of file, expecting \";\" or \"}\"", 1));
    }

    @Test
    void runawayQuoteIsReportedWhereItStarted() {
        assertLexError("\n\n\nfoo \"" + "a\n".repeat(2048) + "x\";\n",
                at("too long parameter, probably missing terminating \"\"\" character", 4));
        assertLexError("foo '" + "a".repeat(5000) + "';\n",
                at("too long parameter, probably missing terminating \"'\" character", 1));
    }

    @Test
    void overlongCommentIsAnErrorAsInNginx() {
        assertLexError("#" + "a".repeat(5000) + "\nfoo;\n", at("too long parameter \"#aaaaaaaaa...\" started", 1));
    }

    @Test
    void bufferLimitCountsFromTheQuotedWordUntilTheNextWordStarts() {
        // nginx keeps measuring from the quoted word until the next character that may start a word.
        assertThat(lexer("foo \"" + "a".repeat(4093) + "\" b;").next().words()).hasSize(3);
        assertLexError("foo \"" + "a".repeat(4094) + "\" b;", at("too long parameter \"aaaaaaaaaa...\" started", 1));
    }
}

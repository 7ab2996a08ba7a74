package io.dynup.config;

import static io.dynup.config.TestConfigs.assertParseError;
import static io.dynup.config.TestConfigs.at;
import static io.dynup.config.TestConfigs.parse;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Raw Lua bodies: braces inside Lua strings, long strings and comments must not end the block. Expected texts and
 * lines were checked against nginx 1.22.1 with lua-nginx-module.
 */
class RawBlockTest {

    private static final String OPEN = "http {\n server {\n  location / {\n   content_by_lua_block {";
    private static final String CLOSE = "}\n   return 200;\n  }\n }\n}\n";

    /** The location holding the raw block, parsed from {@code OPEN + body + CLOSE}. */
    private static Directive location(String body) {
        return parse(OPEN + body + CLOSE).first("http").orElseThrow()
                .first("server").orElseThrow()
                .first("location").orElseThrow();
    }

    private static String body(String body) {
        return location(body).first("content_by_lua_block").orElseThrow().rawBlock();
    }

    /** Line of the {@code return} after the block: proves the lexer resumed at the right place and line. */
    private static int lineAfter(String body) {
        return location(body).first("return").orElseThrow().pos().line();
    }

    @Test
    void bodyIsTheExactTextBetweenTheBraces() {
        assertThat(body(" ngx.say(\"hi\") ")).isEqualTo(" ngx.say(\"hi\") ");
        assertThat(body("")).isEmpty();
    }

    @Test
    void nestedTableConstructorsBalance() {
        String lua = "\n local t = { a = { b = {} }, c = {} }\n ngx.say(#t)\n";
        assertThat(body(lua)).isEqualTo(lua);
        assertThat(lineAfter(lua)).isEqualTo(8);
    }

    @Test
    void bracesInShortStringsDoNotCount() {
        String lua = " ngx.say(\"}\") ngx.say('{') ngx.say(\"\\\"}\") ngx.say('\\'{') ";
        assertThat(body(lua)).isEqualTo(lua);
        assertThat(lineAfter(lua)).isEqualTo(5);
    }

    @Test
    void bracesInLongStringsOfAnyLevelDoNotCount() {
        String lua = "\n local a = [[ } ]]\n local b = [=[ ]] } ]=]\n local c = [==[\n } ]=] }\n ]==]\n";
        assertThat(body(lua)).isEqualTo(lua);
        assertThat(lineAfter(lua)).isEqualTo(11);
    }

    @Test
    void bracesInCommentsDoNotCount() {
        String lua = "\n -- }\n --[[ } \n } ]] --[==[ { ]] ]==]\n -- {\n";
        assertThat(body(lua)).isEqualTo(lua);
        assertThat(lineAfter(lua)).isEqualTo(10);
    }

    @Test
    void squareBracketsThatAreNotLongBracketsAreOrdinary() {
        String lua = " local t = {} t[1] = t[ [=a] ] ";
        assertThat(body(lua)).isEqualTo(lua);
    }

    @Test
    void shortStringEndsAtARawNewlineAndItsQuoteIsThenOrdinary() {
        // As OpenResty: the string never closes, so the "}" after the quote closes the block.
        assertParseError(OPEN + " ngx.say(\"}) \n } }}}\n", at("unexpected \"}\"", 5));
        // An escaped newline does not continue a short string either.
        assertParseError(OPEN + " ngx.say(\"a\\\n}\") } foo; }}}\n",
                at("unexpected end of file, expecting \";\" or \"}\"", 6));
    }

    @Test
    void directivesAfterTheBlockKeepTheirLines() {
        Config config = parse(OPEN + "\n ngx.say(\"}\")\n -- }\n local s = [[\n}\n]]\n   " + CLOSE);
        Directive location = config.first("http").orElseThrow().first("server").orElseThrow()
                .first("location").orElseThrow();
        assertThat(location.first("content_by_lua_block").orElseThrow().pos().line()).isEqualTo(4);
        assertThat(location.first("return").orElseThrow().pos().line()).isEqualTo(11);
    }

    @Test
    void blockAndDirectiveOnOneLine() {
        assertParseError(OPEN + " ngx.say(\"}\") } foo; }}}\n", at("unknown directive \"foo\"", 4));
    }

    @Test
    void unterminatedBlockIsReportedAtTheLastOpeningBrace() {
        assertParseError(OPEN + " ngx.say(\"}\")\n -- }\n local x = [==[ } ]==]\n if x then\n",
                at("unexpected end of file, expecting terminating characters for lua code block", 4));
        assertParseError(OPEN + " if x then {\n a = {}\n\n }\n",
                at("unexpected end of file, expecting terminating characters for lua code block", 5));
        assertParseError(OPEN + " -- a }}", at("unexpected end of file, expecting terminating characters for lua code block", 4));
    }

    @Test
    void unclosedLongBracketIsReportedWhereItOpens() {
        assertParseError(OPEN + " ngx.say(\"}\")\n -- }\n local x = [==[ }\n ]=]\n if x then\n",
                at("Lua code block missing the closing long bracket \"]==]\", the inlined Lua code may be too long", 6));
        assertParseError(OPEN + "\n --[[ never closed }\n",
                at("Lua code block missing the closing long bracket \"]]\", the inlined Lua code may be too long", 5));
    }

    @Test
    void rawBlockArgumentCountIsChecked() {
        assertParseError(OPEN.replace("content_by_lua_block {", "content_by_lua_block a {") + "}}}}}\n",
                at("invalid number of arguments in \"content_by_lua_block\" directive", 4));
    }

    @Test
    void rawDirectivesMayTakeArguments() {
        DirectiveTable table = DirectiveTable.builder()
                .add(DirectiveSpec.raw("set_by_lua_block", 1, 1, Context.MAIN))
                .build();
        Config config = ConfigParser.parseString("set_by_lua_block $x { return \"}\" }", TestConfigs.FILE, table);
        Directive d = config.first("set_by_lua_block").orElseThrow();
        assertThat(d.args()).containsExactly("$x");
        assertThat(d.rawBlock()).isEqualTo(" return \"}\" ");
    }

    @Test
    void bodyKeepsMultiByteText() {
        assertThat(body(" ngx.say(\"grüße {\") ")).isEqualTo(" ngx.say(\"grüße {\") ");
    }
}

package io.dynup.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits configuration text into statements exactly as nginx's {@code ngx_conf_read_token} does: same token rules,
 * same errors, same line numbers.
 *
 * <p>The text is held one char per byte (ISO-8859-1) so that lengths and limits are nginx's byte counts and any
 * byte sequence can be read; words are decoded as UTF-8 when handed out.
 */
final class ConfigLexer {

    /** nginx reads through a 4096-byte buffer that a single token must fit in. */
    static final int MAX_TOKEN_BYTES = 4096;

    /** How a statement ended. */
    enum Terminator {
        /** {@code ;}: a simple directive. */
        SEMICOLON,
        /** <code>&#123;</code>: a block opens. */
        BLOCK_START,
        /** <code>&#125;</code> with no words before it: the enclosing block closes. */
        BLOCK_END,
        /** End of text with no words pending. */
        END_OF_FILE
    }

    /** The words read up to a terminator ({@code words} is empty for {@code BLOCK_END} and {@code END_OF_FILE}). */
    record Statement(List<String> words, Terminator terminator) {

        Statement {
            words = List.copyOf(words);
        }
    }

    private final Path file;
    private final String text;
    private int pos;
    private int line = 1;

    ConfigLexer(Path file, byte[] content) {
        this.file = file;
        this.text = new String(content, StandardCharsets.ISO_8859_1);
    }

    /** The current line: where the last character read stands, as nginx's {@code cf->conf_file->line}. */
    int line() {
        return line;
    }

    /** The current position, which nginx attaches to the errors it reports while reading. */
    SourcePos here() {
        return new SourcePos(file, line);
    }

    /** Reads the next statement: the words up to {@code ;}, <code>&#123;</code>, <code>&#125;</code> or the end. */
    Statement next() {
        List<String> words = new ArrayList<>();
        boolean needSpace = false;
        boolean lastSpace = true;
        boolean sharpComment = false;
        boolean variable = false;
        boolean quoted = false;
        boolean singleQuoted = false;
        boolean doubleQuoted = false;
        // Start of the pending token (or of the whitespace/comment before it): what must fit in nginx's buffer.
        int start = pos;
        int startLine = line;

        for (;;) {
            if (pos >= text.length()) {
                if (!words.isEmpty() || !lastSpace) {
                    throw error("unexpected end of file, expecting \";\" or \"}\"");
                }
                return new Statement(words, Terminator.END_OF_FILE);
            }
            if (pos - start == MAX_TOKEN_BYTES) {
                throw tooLong(start, startLine, doubleQuoted, singleQuoted);
            }

            char ch = text.charAt(pos++);

            if (ch == '\n') {
                line++;
                sharpComment = false;
            }
            if (sharpComment) {
                continue;
            }
            if (quoted) {
                quoted = false;
                continue;
            }

            if (needSpace) {
                if (isSpace(ch)) {
                    lastSpace = true;
                    needSpace = false;
                    continue;
                }
                if (ch == ';') {
                    return new Statement(words, Terminator.SEMICOLON);
                }
                if (ch == '{') {
                    return new Statement(words, Terminator.BLOCK_START);
                }
                // nginx lets ")" follow a quoted word, for "if ($a = "b")"; it then starts a word of its own.
                if (ch != ')') {
                    throw unexpected(ch);
                }
                lastSpace = true;
                needSpace = false;
            }

            if (lastSpace) {
                start = pos - 1;
                startLine = line;
                if (isSpace(ch)) {
                    continue;
                }
                switch (ch) {
                    case ';':
                    case '{':
                        if (words.isEmpty()) {
                            throw unexpected(ch);
                        }
                        return new Statement(words, ch == '{' ? Terminator.BLOCK_START : Terminator.SEMICOLON);
                    case '}':
                        if (!words.isEmpty()) {
                            throw unexpected(ch);
                        }
                        return new Statement(words, Terminator.BLOCK_END);
                    case '#':
                        sharpComment = true;
                        continue;
                    case '\\':
                        quoted = true;
                        lastSpace = false;
                        continue;
                    case '"':
                        start++;
                        doubleQuoted = true;
                        lastSpace = false;
                        continue;
                    case '\'':
                        start++;
                        singleQuoted = true;
                        lastSpace = false;
                        continue;
                    case '$':
                        variable = true;
                        lastSpace = false;
                        continue;
                    default:
                        lastSpace = false;
                        continue;
                }
            }

            // Inside a word. "${" keeps "{" in the word so "${var}" does not open a block.
            if (ch == '{' && variable) {
                continue;
            }
            variable = false;
            if (ch == '\\') {
                quoted = true;
                continue;
            }
            if (ch == '$') {
                variable = true;
                continue;
            }

            boolean found = false;
            if (doubleQuoted) {
                if (ch == '"') {
                    doubleQuoted = false;
                    needSpace = true;
                    found = true;
                }
            } else if (singleQuoted) {
                if (ch == '\'') {
                    singleQuoted = false;
                    needSpace = true;
                    found = true;
                }
            } else if (isSpace(ch) || ch == ';' || ch == '{') {
                lastSpace = true;
                found = true;
            }

            if (found) {
                words.add(unescape(start, pos - 1));
                if (ch == ';') {
                    return new Statement(words, Terminator.SEMICOLON);
                }
                if (ch == '{') {
                    return new Statement(words, Terminator.BLOCK_START);
                }
            }
        }
    }

    /**
     * Reads a raw body after its opening brace up to the matching closing brace, which is consumed, matching braces
     * the way Lua code needs.
     *
     * @return the exact text between the braces
     */
    String rawLuaBlock() {
        LuaBlockScanner.Result r = new LuaBlockScanner(file, text).scan(pos, line);
        pos = r.end();
        line = r.line();
        return decode(r.body());
    }

    /** Decodes bytes held one per char as UTF-8 (malformed bytes become U+FFFD). */
    static String decode(String bytes) {
        return new String(bytes.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    private static boolean isSpace(char ch) {
        return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
    }

    /** A word's text with nginx's escapes applied: \" \' \\ lose the backslash, \t \r \n become controls. */
    private String unescape(int from, int to) {
        StringBuilder sb = new StringBuilder(to - from);
        int i = from;
        while (i < to) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < to) {
                char n = text.charAt(i + 1);
                switch (n) {
                    case '"', '\'', '\\' -> {
                        sb.append(n);
                        i += 2;
                        continue;
                    }
                    case 't' -> {
                        sb.append('\t');
                        i += 2;
                        continue;
                    }
                    case 'r' -> {
                        sb.append('\r');
                        i += 2;
                        continue;
                    }
                    case 'n' -> {
                        sb.append('\n');
                        i += 2;
                        continue;
                    }
                    default -> {
                        // Any other escape keeps its backslash, as in nginx.
                    }
                }
            }
            sb.append(c);
            i++;
        }
        return decode(sb.toString());
    }

    private ConfigException error(String reason) {
        return new ConfigException(reason, here());
    }

    private ConfigException unexpected(char ch) {
        return error("unexpected \"" + decode(String.valueOf(ch)) + "\"");
    }

    private ConfigException tooLong(int start, int startLine, boolean doubleQuoted, boolean singleQuoted) {
        // nginx reports these at the line where the runaway token began.
        SourcePos at = new SourcePos(file, startLine);
        if (doubleQuoted || singleQuoted) {
            char q = doubleQuoted ? '"' : '\'';
            return new ConfigException(
                    "too long parameter, probably missing terminating \"" + q + "\" character", at);
        }
        return new ConfigException(
                "too long parameter \"" + decode(text.substring(start, start + 10)) + "...\" started", at);
    }
}

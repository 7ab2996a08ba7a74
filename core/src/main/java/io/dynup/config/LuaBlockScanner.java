package io.dynup.config;

import java.nio.file.Path;

/**
 * Finds the end of a raw Lua body the way OpenResty's {@code *_by_lua_block} parser does, so braces inside Lua
 * strings, long strings and comments do not count, and reports its errors in its words.
 *
 * <p>Rules, checked against OpenResty: {@code "..."} and {@code '...'} honour backslash escapes but end at a raw
 * newline, and a string that never closes is no string at all (its quote is an ordinary character); {@code [[ ]]},
 * {@code [=[ ]=]} (any level) are long strings; {@code --} starts a comment to end of line and {@code --[[ ]]},
 * {@code --[==[ ]==]} a long comment. Unlike OpenResty, nothing depends on a 4096-byte read buffer.
 */
final class LuaBlockScanner {

    /**
     * @param body the text between the braces (bytes one per char)
     * @param end the index just after the closing brace
     * @param line the line the closing brace stands on
     */
    record Result(String body, int end, int line) {
    }

    private final Path file;
    private final String text;

    LuaBlockScanner(Path file, String text) {
        this.file = file;
        this.text = text;
    }

    /**
     * Scans from just after the opening brace.
     *
     * @param from index of the first body character
     * @param startLine the line of the opening brace
     */
    Result scan(int from, int startLine) {
        int level = 1;
        int line = startLine;
        // OpenResty reports a missing "}" at the line of the last "{" it saw.
        int lastOpenLine = startLine;
        int i = from;
        while (i < text.length()) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> {
                    line++;
                    i++;
                }
                case '{' -> {
                    level++;
                    lastOpenLine = line;
                    i++;
                }
                case '}' -> {
                    level--;
                    i++;
                    if (level == 0) {
                        return new Result(text.substring(from, i - 1), i, line);
                    }
                }
                case '"', '\'' -> i = skipShortString(i);
                case '[' -> {
                    int open = longBracketLevel(i);
                    if (open < 0) {
                        i++;
                    } else {
                        int end = skipLongBracket(i, open, line);
                        line += countLines(i, end);
                        i = end;
                    }
                }
                case '-' -> {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '-') {
                        int open = longBracketLevel(i + 2);
                        if (open >= 0) {
                            int end = skipLongBracket(i + 2, open, line);
                            line += countLines(i, end);
                            i = end;
                        } else {
                            i = endOfLine(i + 2);
                        }
                    } else {
                        i++;
                    }
                }
                default -> i++;
            }
        }
        throw new ConfigException(
                "unexpected end of file, expecting terminating characters for lua code block",
                new SourcePos(file, lastOpenLine));
    }

    /** Index after a closed short string at {@code quote}, or just after the quote if the string never closes. */
    private int skipShortString(int quote) {
        char q = text.charAt(quote);
        int i = quote + 1;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == q) {
                return i + 1;
            }
            if (c == '\n') {
                break;
            }
            if (c == '\\') {
                if (i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    break;
                }
                i += 2;
            } else {
                i++;
            }
        }
        return quote + 1;
    }

    /** The level (number of {@code =}) of a long bracket {@code [=*[} opening at {@code i}, or -1 if none. */
    private int longBracketLevel(int i) {
        if (i >= text.length() || text.charAt(i) != '[') {
            return -1;
        }
        int j = i + 1;
        while (j < text.length() && text.charAt(j) == '=') {
            j++;
        }
        return j < text.length() && text.charAt(j) == '[' ? j - i - 1 : -1;
    }

    /** Index after the {@code ]=*]} closing the long bracket opened at {@code open}, on {@code line}. */
    private int skipLongBracket(int open, int level, int line) {
        String close = "]" + "=".repeat(level) + "]";
        int found = text.indexOf(close, open + level + 2);
        if (found < 0) {
            throw new ConfigException(
                    "Lua code block missing the closing long bracket \"" + close
                            + "\", the inlined Lua code may be too long",
                    new SourcePos(file, line));
        }
        return found + close.length();
    }

    private int endOfLine(int i) {
        int nl = text.indexOf('\n', i);
        return nl < 0 ? text.length() : nl;
    }

    private int countLines(int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            if (text.charAt(i) == '\n') {
                n++;
            }
        }
        return n;
    }
}

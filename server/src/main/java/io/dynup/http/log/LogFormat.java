package io.dynup.http.log;

import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

import io.dynup.http.ComplexValue;
import io.dynup.http.HttpExchange;

/**
 * A compiled {@code log_format}: its strings joined, each variable written as nginx's log module writes it
 * (ngx_http_log_variable): a variable not found is {@code -} ({@code escape=default}) or nothing (json, none);
 * the default escape writes {@code "}, {@code \}, control and non-ASCII bytes as {@code \xHH}.
 */
final class LogFormat {

    /** nginx's predefined format. */
    static final String COMBINED = "$remote_addr - $remote_user [$time_local] \"$request\" $status "
                                   + "$body_bytes_sent \"$http_referer\" \"$http_user_agent\"";

    enum Escape { DEFAULT, JSON, NONE }

    private final ComplexValue value;
    private final ComplexValue.VariableFormat format;

    LogFormat(ComplexValue value, Escape escape) {
        this.value = value;
        this.format = switch (escape) {
            case DEFAULT -> LogFormat::appendDefault;
            case JSON -> LogFormat::appendJson;
            case NONE -> (out, v) -> out.append(v == null ? "" : v);
        };
    }

    /** The line for {@code ex}, newline included. */
    byte[] line(HttpExchange ex) {
        StringBuilder sb = new StringBuilder(256);
        value.appendTo(sb, ex, format);
        sb.append('\n');
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private static void appendDefault(StringBuilder out, @Nullable String v) {
        if (v == null) {
            out.append('-');
            return;
        }
        for (byte b : v.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c == '"' || c == '\\' || c < 0x20 || c >= 0x7f) {
                out.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
            } else {
                out.append((char) c);
            }
        }
    }

    /** nginx's ngx_escape_json. */
    private static void appendJson(StringBuilder out, @Nullable String v) {
        if (v == null) {
            return;
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '"', '\\' -> out.append('\\').append(c);
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
    }
}

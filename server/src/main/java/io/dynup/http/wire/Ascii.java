package io.dynup.http.wire;

import io.netty.buffer.ByteBuf;
import io.netty.util.AsciiString;

/** Byte classes and allocation-free comparisons over ByteBuf ranges; the vocabulary shared by the parsers. */
final class Ascii {

    static final byte CR = '\r';
    static final byte LF = '\n';
    static final byte SP = ' ';
    static final byte HT = '\t';
    static final short CRLF = (CR << 8) | LF;

    /** Header name characters nginx accepts without complaint: letters, digits and '-' (its lowcase table). */
    static final boolean[] NAME = table(c -> c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
            || c == '-');

    /**
     * Path bytes that need no attention: everything but controls, space, DEL and the bytes that end the path or
     * make nginx normalize it ('/', '%', '#', '?'). The scan of a URI stays in a tight loop over these.
     */
    static final boolean[] PATH = table(c -> c > 0x20 && c != 0x7f && c != '/' && c != '%' && c != '#'
            && c != '?');

    /** Query bytes that need no attention: everything but controls, space, DEL and '#'. */
    static final boolean[] QUERY = table(c -> c > 0x20 && c != 0x7f && c != '#');

    /** Header value bytes that need no attention: everything but NUL, CR, LF and space (nginx 1.22 sw_value). */
    static final boolean[] VALUE = table(c -> c != 0 && c != CR && c != LF && c != SP);

    private Ascii() {
    }

    private interface BytePredicate {
        boolean test(int c);
    }

    private static boolean[] table(BytePredicate p) {
        boolean[] t = new boolean[256];
        for (int c = 0; c < 256; c++) {
            t[c] = p.test(c);
        }
        return t;
    }

    static int lower(int c) {
        return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
    }

    static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    static boolean isLetter(int c) {
        int l = c | 0x20;
        return l >= 'a' && l <= 'z';
    }

    /** Value of a hex digit, or -1. */
    static int hexValue(int c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        int l = c | 0x20;
        return l >= 'a' && l <= 'f' ? l - 'a' + 10 : -1;
    }

    static boolean equalsIgnoreCase(ByteBuf buf, int off, int len, AsciiString s) {
        if (len != s.length()) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            int a = buf.getByte(off + i);
            int b = s.byteAt(i);
            if (a != b && lower(a & 0xff) != lower(b & 0xff)) {
                return false;
            }
        }
        return true;
    }

    static boolean equals(ByteBuf buf, int off, int len, AsciiString s) {
        if (len != s.length()) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (buf.getByte(off + i) != s.byteAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * nginx's ngx_atoof: one or more decimal digits and nothing else, no sign, no spaces, at most
     * {@link Long#MAX_VALUE}.
     *
     * @return the value, or -1 when the range is not such a number
     */
    static long parseDecimal(ByteBuf buf, int off, int len) {
        if (len == 0) {
            return -1;
        }
        long value = 0;
        for (int i = off, end = off + len; i < end; i++) {
            int d = buf.getByte(i) - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            if (value > (Long.MAX_VALUE - d) / 10) {
                return -1;
            }
            value = value * 10 + d;
        }
        return value;
    }

    /**
     * Whether the comma-separated list in the range has {@code token} as one element, case-insensitively, with
     * spaces and tabs around elements ignored (RFC 9110 section 5.6.1).
     */
    static boolean containsToken(ByteBuf buf, int off, int len, AsciiString token) {
        int end = off + len;
        int i = off;
        while (i < end) {
            while (i < end && isOws(buf.getByte(i))) {
                i++;
            }
            int start = i;
            while (i < end && buf.getByte(i) != ',') {
                i++;
            }
            int last = i;
            while (last > start && isOws(buf.getByte(last - 1))) {
                last--;
            }
            if (equalsIgnoreCase(buf, start, last - start, token)) {
                return true;
            }
            i++; // past the comma
        }
        return false;
    }

    private static boolean isOws(byte b) {
        return b == SP || b == HT;
    }

    /** A bounded, quoted and escaped copy of a range for error messages. */
    static String quote(ByteBuf buf, int off, int len) {
        StringBuilder sb = new StringBuilder(Math.min(len, QUOTED) + 8).append('"');
        appendEscaped(sb, buf, off, len);
        return sb.append('"').toString();
    }

    /**
     * The way nginx logs an invalid header line: the line up to the offending byte, then that byte in hex and
     * "...", e.g. {@code "Bad\x20..."}.
     */
    static String quoteBefore(ByteBuf buf, int off, int len, int offending) {
        StringBuilder sb = new StringBuilder(Math.min(len, QUOTED) + 12).append('"');
        appendEscaped(sb, buf, off, len);
        return appendHex(sb.append("\\x"), offending).append("...\"").toString();
    }

    private static final int QUOTED = 64;

    private static void appendEscaped(StringBuilder sb, ByteBuf buf, int off, int len) {
        int shown = Math.min(len, QUOTED);
        for (int i = off; i < off + shown; i++) {
            int c = buf.getByte(i) & 0xff;
            if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
                appendHex(sb.append("\\x"), c);
            } else {
                sb.append((char) c);
            }
        }
        if (shown < len) {
            sb.append("...");
        }
    }

    private static StringBuilder appendHex(StringBuilder sb, int c) {
        return sb.append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
    }
}

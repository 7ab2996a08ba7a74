package io.dynup.http.wire;

import io.netty.buffer.ByteBuf;
import io.netty.util.AsciiString;

/**
 * The request methods nginx knows by name (ngx_http_parse_request_line). Any other method made of
 * {@code A-Z _ -} is accepted as {@link #OTHER} and forwarded as sent, as nginx does.
 */
public enum Method {
    GET, HEAD, POST, PUT, DELETE, MKCOL, COPY, MOVE, OPTIONS, PROPFIND, PROPPATCH, LOCK, UNLOCK, PATCH, TRACE,
    CONNECT,
    /** A method nginx has no name for; {@link RequestHead#methodName()} has its text. */
    OTHER;

    private static final int LONGEST = 9;
    private static final Method[][] BY_LENGTH = byLength();

    private final AsciiString asciiName;

    Method() {
        this.asciiName = AsciiString.cached(name());
    }

    /** The name as sent on the wire; for {@link #OTHER} the string "OTHER", which is never sent. */
    public AsciiString asciiName() {
        return asciiName;
    }

    private static Method[][] byLength() {
        Method[][] table = new Method[LONGEST + 1][];
        for (int len = 0; len <= LONGEST; len++) {
            final int l = len;
            table[len] = java.util.Arrays.stream(values())
                    .filter(m -> m != OTHER && m.name().length() == l)
                    .toArray(Method[]::new);
        }
        return table;
    }

    /** The method whose name is exactly the range (case-sensitive, as methods are), else {@link #OTHER}. */
    static Method of(ByteBuf buf, int off, int len) {
        if (len > LONGEST) {
            return OTHER;
        }
        for (Method m : BY_LENGTH[len]) {
            if (Ascii.equals(buf, off, len, m.asciiName)) {
                return m;
            }
        }
        return OTHER;
    }
}

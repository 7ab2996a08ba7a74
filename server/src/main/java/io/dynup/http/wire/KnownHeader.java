package io.dynup.http.wire;

import io.netty.buffer.ByteBuf;
import io.netty.util.AsciiString;
import org.jspecify.annotations.Nullable;

/**
 * The header names the parsers act on. {@code uniqueInRequest} marks the ones nginx refuses to see twice in a
 * request (ngx_http_process_unique_header_line: 400 "client sent duplicate header line").
 */
enum KnownHeader {
    HOST("Host", false), // has its own duplicate check and message
    CONNECTION("Connection", false),
    CONTENT_LENGTH("Content-Length", true),
    TRANSFER_ENCODING("Transfer-Encoding", true),
    EXPECT("Expect", true),
    IF_MODIFIED_SINCE("If-Modified-Since", true),
    IF_UNMODIFIED_SINCE("If-Unmodified-Since", true),
    IF_MATCH("If-Match", true),
    IF_NONE_MATCH("If-None-Match", true),
    CONTENT_RANGE("Content-Range", true),
    IF_RANGE("If-Range", true),
    AUTHORIZATION("Authorization", true);

    private static final int LONGEST = 19;
    private static final KnownHeader[][] BY_LENGTH = byLength();

    final AsciiString name;
    final boolean uniqueInRequest;

    KnownHeader(String name, boolean uniqueInRequest) {
        this.name = AsciiString.cached(name);
        this.uniqueInRequest = uniqueInRequest;
    }

    int bit() {
        return 1 << ordinal();
    }

    private static KnownHeader[][] byLength() {
        KnownHeader[][] table = new KnownHeader[LONGEST + 1][];
        for (int len = 0; len <= LONGEST; len++) {
            final int l = len;
            table[len] = java.util.Arrays.stream(values())
                    .filter(h -> h.name.length() == l)
                    .toArray(KnownHeader[]::new);
        }
        return table;
    }

    /** The known header the name range spells, case-insensitively, or {@code null}. */
    static @Nullable KnownHeader of(ByteBuf buf, int off, int len) {
        if (len > LONGEST) {
            return null;
        }
        for (KnownHeader h : BY_LENGTH[len]) {
            if (Ascii.equalsIgnoreCase(buf, off, len, h.name)) {
                return h;
            }
        }
        return null;
    }
}

package io.dynup.http.wire;

import io.netty.buffer.ByteBuf;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.List;

/**
 * An immutable set of header names matched case-insensitively against byte ranges, bucketed by length so most
 * header names are rejected by one array lookup.
 */
final class NameSet {

    private static final AsciiString[] NONE = new AsciiString[0];

    private final AsciiString[][] byLength;

    NameSet(List<AsciiString> names) {
        int longest = 0;
        for (AsciiString n : names) {
            longest = Math.max(longest, n.length());
        }
        List<List<AsciiString>> buckets = new ArrayList<>();
        for (int i = 0; i <= longest; i++) {
            buckets.add(new ArrayList<>());
        }
        for (AsciiString n : names) {
            buckets.get(n.length()).add(n);
        }
        byLength = new AsciiString[longest + 1][];
        for (int i = 0; i <= longest; i++) {
            byLength[i] = buckets.get(i).isEmpty() ? NONE : buckets.get(i).toArray(NONE);
        }
    }

    boolean contains(ByteBuf buf, int off, int len) {
        if (len >= byLength.length) {
            return false;
        }
        for (AsciiString n : byLength[len]) {
            if (Ascii.equalsIgnoreCase(buf, off, len, n)) {
                return true;
            }
        }
        return false;
    }
}

package io.dynup.http.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.AbstractReferenceCounted;
import io.netty.util.AsciiString;
import io.netty.util.IllegalReferenceCountException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A parsed message head kept as the received bytes plus offsets into them: nothing is decoded into strings
 * unless a caller asks for a {@code String}.
 *
 * <p><b>Ownership.</b> A head holds a retained slice of the buffer it was parsed from; the receiver of a head owns
 * one reference and must {@link #release()} it once the head has been forwarded (or passed on through a Netty
 * pipeline, which releases unhandled {@link io.netty.util.ReferenceCounted} messages). Heads are recycled: after the
 * last release the object is reused for a later message, so no reference to it may be kept. (Netty 4.2's Recycler
 * pools only on {@code FastThreadLocalThread}s, i.e. event loops; elsewhere each head is a new object.)
 *
 * <p><b>Offsets.</b> Offsets are indexes into {@link #content()}, which starts with the start line and ends with
 * the empty line that closes the head. Header values exclude the spaces nginx trims around them. Header lines nginx
 * ignores (names with '_' or other invalid characters, by default) are not listed.
 *
 * <p>Strings made by the {@code String} conveniences decode bytes as ISO-8859-1, so every byte maps to one
 * {@code char} and nothing is lost.
 */
public abstract class MessageHead extends AbstractReferenceCounted {

    static final int NAME = 0;
    static final int NAME_END = 1;
    static final int VALUE = 2;
    static final int VALUE_END = 3;
    static final int LINE_END = 4;
    static final int STRIDE = 5;

    static final byte CONNECTION_DEFAULT = 0;
    static final byte CONNECTION_CLOSE = 1;
    static final byte CONNECTION_KEEP_ALIVE = 2;

    // Plain fields: a head is built by one parser on one thread and handed over complete.
    ByteBuf bytes = Unpooled.EMPTY_BUFFER;
    int[] offsets = new int[16 * STRIDE];
    int headerCount;
    int minorVersion;
    long contentLength;
    boolean chunked;
    byte connection;

    MessageHead() {
    }

    /** Prepares a fresh or recycled head for a new message. */
    void init() {
        setRefCnt(1);
        bytes = Unpooled.EMPTY_BUFFER;
        headerCount = 0;
        minorVersion = 0;
        contentLength = -1;
        chunked = false;
        connection = CONNECTION_DEFAULT;
    }

    void addHeader(int nameStart, int nameEnd, int valueStart, int valueEnd, int lineEnd) {
        int o = headerCount * STRIDE;
        if (o + STRIDE > offsets.length) {
            offsets = Arrays.copyOf(offsets, offsets.length * 2);
        }
        offsets[o + NAME] = nameStart;
        offsets[o + NAME_END] = nameEnd;
        offsets[o + VALUE] = valueStart;
        offsets[o + VALUE_END] = valueEnd;
        offsets[o + LINE_END] = lineEnd;
        headerCount++;
    }

    /** Returns the object to its pool; called once, after the bytes have been released. */
    abstract void recycle();

    @Override
    protected final void deallocate() {
        ByteBuf b = bytes;
        bytes = Unpooled.EMPTY_BUFFER;
        b.release();
        recycle();
    }

    @Override
    public MessageHead touch(Object hint) {
        bytes.touch(hint);
        return this;
    }

    @Override
    public MessageHead retain() {
        super.retain();
        return this;
    }

    /**
     * The head's bytes, indexes {@code 0} to {@link #length()}. Not retained: valid until this head is released.
     * Read it with absolute methods ({@code getByte}, {@code writeBytes(src, off, len)}); do not move its indexes.
     */
    public ByteBuf content() {
        if (refCnt() == 0) {
            throw new IllegalReferenceCountException(0);
        }
        return bytes;
    }

    /** The head's length in bytes, start line to empty line inclusive. */
    public int length() {
        return bytes.writerIndex();
    }

    /** The minor HTTP version: 0 for HTTP/1.0, 1 for HTTP/1.1 (HTTP/1.2 and up behave as 1.1). */
    public int minorVersion() {
        return minorVersion;
    }

    /** Whether the version is HTTP/1.1 or later: persistent by default, chunked allowed, Host required. */
    public boolean isHttp11() {
        return minorVersion >= 1;
    }

    /** The {@code Content-Length}, or -1 when there is none (or the body is chunked). */
    public long contentLength() {
        return contentLength;
    }

    /** Whether the body is {@code Transfer-Encoding: chunked}. */
    public boolean chunked() {
        return chunked;
    }

    /** Whether the connection may carry another message after this one. */
    public abstract boolean keepAlive();

    /** The number of header lines kept. */
    public int headerCount() {
        return headerCount;
    }

    private int field(int index, int which) {
        Objects.checkIndex(index, headerCount);
        return offsets[index * STRIDE + which];
    }

    /** Offset of the name of header {@code index}. */
    public int nameOffset(int index) {
        return field(index, NAME);
    }

    /** Length of the name of header {@code index}. */
    public int nameLength(int index) {
        return field(index, NAME_END) - field(index, NAME);
    }

    /** Offset of the value of header {@code index}, past leading spaces. */
    public int valueOffset(int index) {
        return field(index, VALUE);
    }

    /** Length of the value of header {@code index}, without trailing spaces. */
    public int valueLength(int index) {
        return field(index, VALUE_END) - field(index, VALUE);
    }

    /** Whether header {@code index} is named {@code name}, case-insensitively. */
    public boolean nameEquals(int index, AsciiString name) {
        int o = index * STRIDE;
        Objects.checkIndex(index, headerCount);
        return Ascii.equalsIgnoreCase(bytes, offsets[o + NAME], offsets[o + NAME_END] - offsets[o + NAME], name);
    }

    /** Whether the value of header {@code index} is exactly {@code value}. */
    public boolean valueEquals(int index, AsciiString value) {
        int o = index * STRIDE;
        Objects.checkIndex(index, headerCount);
        return Ascii.equals(bytes, offsets[o + VALUE], offsets[o + VALUE_END] - offsets[o + VALUE], value);
    }

    /** Whether the value of header {@code index} is {@code value}, case-insensitively. */
    public boolean valueEqualsIgnoreCase(int index, AsciiString value) {
        int o = index * STRIDE;
        Objects.checkIndex(index, headerCount);
        return Ascii.equalsIgnoreCase(bytes, offsets[o + VALUE], offsets[o + VALUE_END] - offsets[o + VALUE],
                value);
    }

    /** The index of the first header named {@code name} (case-insensitively), or -1. */
    public int indexOf(AsciiString name) {
        return indexOf(name, 0);
    }

    /** The index of the first header named {@code name} at or after {@code from}, or -1. */
    public int indexOf(AsciiString name, int from) {
        int len = name.length();
        int[] off = offsets;
        for (int i = Math.max(from, 0), o = i * STRIDE; i < headerCount; i++, o += STRIDE) {
            if (off[o + NAME_END] - off[o + NAME] == len && Ascii.equalsIgnoreCase(bytes, off[o + NAME], len, name)) {
                return i;
            }
        }
        return -1;
    }

    /** Whether there is a header named {@code name}. */
    public boolean contains(AsciiString name) {
        return indexOf(name) >= 0;
    }

    /**
     * Whether any header named {@code name} lists {@code token} in its comma-separated value, case-insensitively
     * (e.g. {@code Connection: keep-alive, Upgrade} has the token {@code upgrade}).
     */
    public boolean containsToken(AsciiString name, AsciiString token) {
        for (int i = indexOf(name); i >= 0; i = indexOf(name, i + 1)) {
            int o = i * STRIDE;
            if (Ascii.containsToken(bytes, offsets[o + VALUE], offsets[o + VALUE_END] - offsets[o + VALUE], token)) {
                return true;
            }
        }
        return false;
    }

    // --- String conveniences for slow paths (logging, admin, Lua) ---

    String string(int off, int len) {
        return bytes.toString(off, len, StandardCharsets.ISO_8859_1);
    }

    /** The name of header {@code index}, as sent. */
    public String headerName(int index) {
        return string(nameOffset(index), nameLength(index));
    }

    /** The value of header {@code index}. */
    public String headerValue(int index) {
        return string(valueOffset(index), valueLength(index));
    }

    /** The value of the first header named {@code name}, or {@code null}. */
    public @Nullable String headerValue(AsciiString name) {
        int i = indexOf(name);
        return i < 0 ? null : headerValue(i);
    }

    /** The values of every header named {@code name}, in order. */
    public List<String> headerValues(AsciiString name) {
        List<String> values = new ArrayList<>(2);
        for (int i = indexOf(name); i >= 0; i = indexOf(name, i + 1)) {
            values.add(headerValue(i));
        }
        return values;
    }

    /** The start line without its line end, e.g. {@code GET / HTTP/1.1}. */
    public String startLine() {
        int end = 0;
        int len = length();
        while (end < len && bytes.getByte(end) != Ascii.CR && bytes.getByte(end) != Ascii.LF) {
            end++;
        }
        return string(0, end);
    }

    /** Bounded: the start line (at most 100 characters), the header count and the length. */
    @Override
    public String toString() {
        String name = getClass().getSimpleName();
        if (refCnt() == 0) {
            return name + "(released)";
        }
        String line = startLine();
        if (line.length() > 100) {
            line = line.substring(0, 100) + "...";
        }
        return name + '(' + line + ", " + headerCount + " headers, " + length() + " bytes)";
    }
}

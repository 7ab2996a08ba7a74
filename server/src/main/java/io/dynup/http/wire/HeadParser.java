package io.dynup.http.wire;

import static io.dynup.http.wire.Ascii.CR;
import static io.dynup.http.wire.Ascii.LF;
import static io.dynup.http.wire.Ascii.SP;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.jspecify.annotations.Nullable;

/**
 * The incremental machinery shared by the request and response parsers: windows over the buffer, line and head
 * limits, and the header-line state machine of ngx_http_parse_header_line. Subclasses scan the start line and give
 * meaning to headers.
 *
 * <p>Progress is kept as offsets relative to the buffer's readerIndex, so each call scans only bytes it has not
 * seen, and a cumulation buffer may be copied or grown between calls. Direct buffers are scanned through a small
 * scratch array (one bulk copy per window) rather than byte by byte through {@code getByte}, which keeps the scan
 * a plain array loop.
 *
 * <p>Not thread-safe: a parser belongs to one connection and runs on its event loop.
 */
abstract class HeadParser<H extends MessageHead> {

    private static final int SCRATCH_SIZE = 2048;

    // Header-line states; start-line states belong to subclasses and only live while inStartLine is true.
    private static final int H_START = 0;
    private static final int H_NAME = 1;
    private static final int H_SPACE_BEFORE_VALUE = 2;
    private static final int H_VALUE = 3;
    private static final int H_SPACE_AFTER_VALUE = 4;
    private static final int H_IGNORE_LINE = 5;
    private static final int H_ALMOST_DONE = 6;
    private static final int H_HEAD_ALMOST_DONE = 7;

    final HeadLimits limits;
    private final boolean allowUnderscores;
    private final boolean ignoreInvalidNames;
    private final boolean ignoreStatusLines;
    private final byte[] scratch = new byte[SCRATCH_SIZE];

    /** The head being parsed, or null between messages. */
    @Nullable H head;
    /** The state of the current line: a subclass start-line state, or an H_ state. */
    int state;
    boolean inStartLine;
    /** Offset (from the message start) of the next byte to scan. */
    private int pos;
    /** Offset of the first byte of the current line. */
    int lineStart;
    private int nameEnd;
    private int valueStart;
    private int valueEnd;
    private boolean invalidName;
    private boolean skipLine;
    /** Set by a scan that reached the end of a line; the line's last byte is at pos - 1. */
    boolean lineDone;
    private boolean headDone;

    /** The buffer of the current call and the index where the message starts in it. */
    ByteBuf buf = Unpooled.EMPTY_BUFFER;
    int base;

    /** Bytes scanned since creation; lets tests show that re-parsing is linear. */
    long examined;

    HeadParser(HeadLimits limits, boolean allowUnderscores, boolean ignoreInvalidNames, boolean ignoreStatusLines) {
        if (limits == null) {
            throw new NullPointerException("limits");
        }
        this.limits = limits;
        this.allowUnderscores = allowUnderscores;
        this.ignoreInvalidNames = ignoreInvalidNames;
        this.ignoreStatusLines = ignoreStatusLines;
    }

    // --- subclass hooks ---

    /** Consumes bytes that may precede a message; returns whether a message starts at the readerIndex. */
    abstract boolean skipLeading(ByteBuf in);

    abstract H newHead();

    abstract int firstState();

    /** Scans start-line bytes [p, lim); sets {@link #lineDone} and returns the offset after the line end. */
    abstract int scanStartLine(H head, byte[] a, int shift, int p, int lim);

    /** Called once the start line is complete; may throw. */
    abstract void startLineDone(H head);

    /** Called for each header kept, with its index; may throw. */
    abstract void headerDone(H head, int index);

    /** Called once the empty line has been read; may throw. */
    abstract void headDone(H head);

    abstract WireError invalidHeader();

    /** The error for a line (start line when {@code startLine}) or whole head that grew past its limit. */
    abstract WireError tooLong(boolean line, boolean startLine);

    abstract WireError tooManyHeaders();

    // --- the driver ---

    /**
     * Parses as much of the head at the readerIndex as is readable.
     *
     * @return the head, with the readerIndex moved past it; or null when more bytes are needed
     * @throws WireException when the head cannot be accepted; the parser is reset
     */
    final @Nullable H parseHead(ByteBuf in) {
        H h = head;
        if (h == null) {
            if (!skipLeading(in)) {
                return null;
            }
            h = newHead();
            head = h;
            state = firstState();
            inStartLine = true;
            pos = 0;
            lineStart = 0;
        }
        buf = in;
        base = in.readerIndex();
        try {
            int end = in.writerIndex() - base;
            while (pos < end) {
                byte[] a;
                int shift;
                int to;
                if (in.hasArray()) {
                    a = in.array();
                    shift = in.arrayOffset() + base;
                    to = end;
                } else {
                    int n = Math.min(SCRATCH_SIZE, end - pos);
                    in.getBytes(base + pos, scratch, 0, n);
                    a = scratch;
                    shift = -pos;
                    to = pos + n;
                }
                examined += to - pos;
                if (scanWindow(h, a, shift, to)) {
                    int length = pos;
                    head = null; // handed over: reset() must not release it
                    reset();
                    h.bytes = in.readRetainedSlice(length);
                    return h;
                }
            }
            return null;
        } catch (WireException e) {
            reset();
            throw e;
        } finally {
            buf = Unpooled.EMPTY_BUFFER;
        }
    }

    /** Drops any progress and the head being built; the next call starts a new message. */
    public void reset() {
        H h = head;
        head = null;
        pos = 0;
        lineStart = 0;
        lineDone = false;
        headDone = false;
        skipLine = false;
        if (h != null) {
            h.release();
        }
    }

    /** Scans [pos, to) line by line; returns true when the head is complete (pos is then its length). */
    private boolean scanWindow(H h, byte[] a, int shift, int to) {
        while (pos < to) {
            int lineStop = lineStart + (inStartLine ? limits.maxStartLine() : limits.maxHeaderLine());
            int headStop = limits.maxHead();
            int lim = Math.min(to, Math.min(lineStop, headStop));
            if (pos == lim) {
                // A byte past a limit has arrived while the line is still open.
                boolean line = lineStop <= headStop;
                throw new WireException(tooLong(line, inStartLine), Ascii.quote(buf, base + lineStart,
                        pos - lineStart));
            }
            pos = inStartLine ? scanStartLine(h, a, shift, pos, lim) : scanHeaderLine(a, shift, pos, lim);
            if (lineDone) {
                lineDone = false;
                if (inStartLine) {
                    inStartLine = false;
                    state = H_START;
                    startLineDone(h);
                } else if (headDone) {
                    headDone(h);
                    return true;
                } else {
                    addHeader(h);
                }
                lineStart = pos;
            }
        }
        return false;
    }

    private void addHeader(H h) {
        if (skipLine) {
            skipLine = false;
            return;
        }
        if (invalidName && ignoreInvalidNames) {
            // nginx logs "client sent invalid header line" at info level and drops the line.
            return;
        }
        if (h.headerCount == limits.maxHeaders()) {
            throw new WireException(tooManyHeaders(), null);
        }
        h.addHeader(lineStart, nameEnd, valueStart, valueEnd, pos);
        headerDone(h, h.headerCount - 1);
    }

    private int lineEnd(int s, int p) {
        state = s;
        lineDone = true;
        return p + 1;
    }

    /** The header-line part of ngx_http_parse_header_line, recording offsets instead of pointers. */
    private int scanHeaderLine(byte[] a, int shift, int p, int lim) {
        int s = state;
        for (; p < lim; p++) {
            int c = a[p + shift] & 0xff;
            switch (s) {
                case H_START:
                    if (c == CR) {
                        s = H_HEAD_ALMOST_DONE;
                        break;
                    }
                    if (c == LF) {
                        headDone = true;
                        return lineEnd(H_START, p);
                    }
                    s = H_NAME;
                    invalidName = false;
                    if (Ascii.NAME[c]) {
                        break;
                    }
                    if (c == '_') {
                        invalidName = !allowUnderscores;
                        break;
                    }
                    if (c <= 0x20 || c == 0x7f || c == ':') {
                        throw invalidLine(p);
                    }
                    invalidName = true;
                    break;

                case H_NAME:
                    if (Ascii.NAME[c]) {
                        break;
                    }
                    if (c == ':') {
                        nameEnd = p;
                        s = H_SPACE_BEFORE_VALUE;
                        break;
                    }
                    if (c == '_') {
                        invalidName |= !allowUnderscores;
                        break;
                    }
                    if (c == CR || c == LF) {
                        // nginx takes a line without a colon as a header with an empty value.
                        nameEnd = p;
                        valueStart = p;
                        valueEnd = p;
                        if (c == LF) {
                            return lineEnd(H_START, p);
                        }
                        s = H_ALMOST_DONE;
                        break;
                    }
                    if (c == '/' && ignoreStatusLines && p - lineStart == 4 && startsWithHttp()) {
                        // "IIS may send the duplicate "HTTP/1.1 ..." lines" (nginx).
                        s = H_IGNORE_LINE;
                        break;
                    }
                    if (c <= 0x20 || c == 0x7f) {
                        throw invalidLine(p);
                    }
                    invalidName = true;
                    break;

                case H_SPACE_BEFORE_VALUE:
                    if (c == SP) {
                        break;
                    }
                    if (c == CR || c == LF) {
                        valueStart = p;
                        valueEnd = p;
                        if (c == LF) {
                            return lineEnd(H_START, p);
                        }
                        s = H_ALMOST_DONE;
                        break;
                    }
                    if (c == 0) {
                        throw invalidLine(p);
                    }
                    valueStart = p;
                    s = H_VALUE;
                    p = skipValue(a, shift, p, lim);
                    break;

                case H_VALUE:
                    if (Ascii.VALUE[c]) {
                        p = skipValue(a, shift, p, lim);
                        break;
                    }
                    if (c == SP) {
                        valueEnd = p;
                        s = H_SPACE_AFTER_VALUE;
                        break;
                    }
                    if (c == CR) {
                        valueEnd = p;
                        s = H_ALMOST_DONE;
                        break;
                    }
                    if (c == LF) {
                        valueEnd = p;
                        return lineEnd(H_START, p);
                    }
                    throw invalidLine(p); // NUL

                case H_SPACE_AFTER_VALUE:
                    if (c == SP) {
                        break;
                    }
                    if (c == CR) {
                        s = H_ALMOST_DONE;
                        break;
                    }
                    if (c == LF) {
                        return lineEnd(H_START, p);
                    }
                    if (c == 0) {
                        throw invalidLine(p);
                    }
                    s = H_VALUE;
                    break;

                case H_IGNORE_LINE:
                    if (c == LF) {
                        skipLine = true;
                        return lineEnd(H_START, p);
                    }
                    break;

                case H_ALMOST_DONE:
                    if (c == LF) {
                        return lineEnd(H_START, p);
                    }
                    if (c == CR) {
                        break; // nginx tolerates CR CR LF
                    }
                    throw invalidLine(p);

                case H_HEAD_ALMOST_DONE:
                    if (c == LF) {
                        headDone = true;
                        return lineEnd(H_START, p);
                    }
                    throw invalidLine(p);

                default:
                    throw new IllegalStateException("header state " + s);
            }
        }
        state = s;
        return p;
    }

    /** Returns the offset of the last plain value byte in the run starting at p (the loop's p++ passes it). */
    private static int skipValue(byte[] a, int shift, int p, int lim) {
        int q = p + 1 + shift;
        int end = lim + shift;
        boolean[] plain = Ascii.VALUE;
        while (q < end && plain[a[q] & 0xff]) {
            q++;
        }
        return q - shift - 1;
    }

    private boolean startsWithHttp() {
        int i = base + lineStart;
        return buf.getByte(i) == 'H' && buf.getByte(i + 1) == 'T' && buf.getByte(i + 2) == 'T'
                && buf.getByte(i + 3) == 'P';
    }

    /** The error for the byte at offset p of the current line, quoting the line up to it, as nginx logs it. */
    final WireException invalidLine(int p) {
        return new WireException(invalidHeader(),
                Ascii.quoteBefore(buf, base + lineStart, p - lineStart, buf.getByte(base + p) & 0xff));
    }

    /** The error for a start line, quoting it up to offset p. */
    final WireException invalidStartLine(WireError error, int p) {
        return new WireException(error, Ascii.quote(buf, base + lineStart, p - lineStart + 1));
    }

    /** The error for a header, quoting its line. */
    final WireException invalidHeader(WireError error, MessageHead h, int index) {
        int o = index * MessageHead.STRIDE;
        int start = h.offsets[o + MessageHead.NAME];
        int end = h.offsets[o + MessageHead.VALUE_END];
        return new WireException(error, Ascii.quote(buf, base + start, end - start));
    }
}

package io.dynup.http.wire;

import static io.dynup.http.wire.Ascii.CR;
import static io.dynup.http.wire.Ascii.HT;
import static io.dynup.http.wire.Ascii.LF;
import static io.dynup.http.wire.Ascii.SP;

import io.netty.buffer.ByteBuf;

/**
 * Finds where a message body ends, so the caller can forward the received bytes as they are.
 *
 * <p>After {@link #start(RequestHead)} (or one of its siblings), call {@link #frame(ByteBuf)} with the bytes that
 * follow the head: it returns how many bytes at the readerIndex belong to this message's body, including chunk
 * framing, and does not move the readerIndex. The caller forwards them, typically
 * {@code out.write(in.readRetainedSlice(n))}, and calls again with the bytes that follow. Once {@link #isComplete()}
 * is true, the remaining bytes belong to the next message. Body bytes are never read or copied: only chunk size
 * lines, the CRLFs after chunks and trailers are scanned.
 *
 * <p>For a peer that cannot take chunked encoding (an HTTP/1.0 client of a chunked upstream response),
 * {@link #nextSegment(ByteBuf)} splits the same bytes into runs of chunk data and runs of framing, so the caller can
 * forward the data and drop the framing.
 *
 * <p>The chunked syntax is nginx's ngx_http_parse_chunked: hex sizes (at most 2^59 - 1, as nginx bounds them),
 * anything after a ';', space or tab up to the line end as an extension, bare LF accepted for CRLF, any trailer
 * lines. An invalid size line or missing CRLF after chunk data throws {@link WireException}: 400 "client sent
 * invalid chunked body" from {@link #forRequests()}, 502 from {@link #forResponses()}. Enforcing a maximum body
 * size ({@code client_max_body_size}, 413) is the caller's job; {@link #payloadBytes()} counts what has passed.
 *
 * <p>A framer is reused for every message of a connection. Not thread-safe.
 */
public final class BodyFramer {

    private static final int DONE = 0;
    private static final int FIXED = 1;          // Content-Length: `remaining` bytes left
    private static final int UNTIL_CLOSE = 2;
    private static final int CHUNK_START = 3;
    private static final int CHUNK_SIZE = 4;
    private static final int CHUNK_EXTENSION = 5;
    private static final int CHUNK_EXTENSION_ALMOST_DONE = 6;
    private static final int CHUNK_DATA = 7;     // `remaining` bytes of chunk data left
    private static final int AFTER_DATA = 8;
    private static final int AFTER_DATA_ALMOST_DONE = 9;
    private static final int LAST_CHUNK_EXTENSION = 10;
    private static final int LAST_CHUNK_EXTENSION_ALMOST_DONE = 11;
    private static final int TRAILER = 12;
    private static final int TRAILER_ALMOST_DONE = 13;
    private static final int TRAILER_HEADER = 14;
    private static final int TRAILER_HEADER_ALMOST_DONE = 15;

    /** nginx refuses a chunk size line once the size exceeds NGX_MAX_OFF_T_VALUE / 16. */
    private static final long MAX_SIZE_BEFORE_DIGIT = Long.MAX_VALUE / 16;

    private final WireError invalid;
    private int state = DONE;
    private long remaining;
    private long payload;
    private boolean segmentIsData;

    private BodyFramer(WireError invalid) {
        this.invalid = invalid;
    }

    /** A framer for request bodies: invalid chunking is a 400. */
    public static BodyFramer forRequests() {
        return new BodyFramer(WireError.INVALID_CHUNKED_BODY);
    }

    /** A framer for response bodies: invalid chunking is a 502. */
    public static BodyFramer forResponses() {
        return new BodyFramer(WireError.UPSTREAM_INVALID_CHUNKED_BODY);
    }

    /** Starts the body of a request. */
    public void start(RequestHead head) {
        start(head.bodyKind(), head.contentLength());
    }

    /**
     * Starts the body of a response.
     *
     * @param headRequest whether the request was {@code HEAD}
     */
    public void start(ResponseHead head, boolean headRequest) {
        start(head.bodyKind(headRequest), head.contentLength());
    }

    /**
     * Starts a body.
     *
     * @param contentLength the length for {@link BodyKind#CONTENT_LENGTH}; ignored otherwise
     */
    public void start(BodyKind kind, long contentLength) {
        payload = 0;
        remaining = 0;
        switch (kind) {
            case NONE:
                state = DONE;
                break;
            case CONTENT_LENGTH:
                if (contentLength < 0) {
                    throw new IllegalArgumentException("contentLength: " + contentLength + " (expected: >= 0)");
                }
                remaining = contentLength;
                state = contentLength == 0 ? DONE : FIXED;
                break;
            case CHUNKED:
                state = CHUNK_START;
                break;
            case UNTIL_CLOSE:
                state = UNTIL_CLOSE;
                break;
            default:
                throw new IllegalArgumentException("kind: " + kind);
        }
    }

    /** Whether the body has ended; the bytes after it belong to the next message. */
    public boolean isComplete() {
        return state == DONE;
    }

    /** Payload bytes seen so far: body bytes without chunk framing. */
    public long payloadBytes() {
        return payload;
    }

    /**
     * Tells the framer the connection has closed.
     *
     * @return true when that ends the body properly (a body read until close); false when the body was cut short
     *     (nginx: "prematurely closed connection")
     */
    public boolean endOfInput() {
        if (state == UNTIL_CLOSE) {
            state = DONE;
            return true;
        }
        return state == DONE;
    }

    /**
     * Counts the bytes at the readerIndex that belong to the current body; the caller must consume exactly that
     * many before calling again.
     *
     * @return the number of bytes, from 0 (already complete, or nothing readable) to {@code in.readableBytes()}
     * @throws WireException on invalid chunked framing; the bytes before the error are not counted
     */
    public int frame(ByteBuf in) {
        int start = in.readerIndex();
        int end = in.writerIndex();
        int i = start;
        while (i < end && state != DONE) {
            i = advance(in, i, end);
        }
        return i - start;
    }

    /**
     * Like {@link #frame(ByteBuf)}, but stops where chunk data and chunk framing meet, so every call returns one
     * run of one kind; {@link #segmentIsData()} tells which. The caller must consume the run before calling again.
     *
     * @return the run's length; 0 when the body is complete or nothing is readable
     */
    public int nextSegment(ByteBuf in) {
        int start = in.readerIndex();
        int end = in.writerIndex();
        if (start == end || state == DONE) {
            return 0;
        }
        boolean data = isDataState();
        int i = start;
        while (i < end && state != DONE && isDataState() == data) {
            i = advance(in, i, end);
        }
        segmentIsData = data;
        return i - start;
    }

    /** Whether the run returned by the last {@link #nextSegment(ByteBuf)} was payload rather than chunk framing. */
    public boolean segmentIsData() {
        return segmentIsData;
    }

    private boolean isDataState() {
        return state == FIXED || state == CHUNK_DATA || state == UNTIL_CLOSE;
    }

    /** Consumes the bytes from i that the current state covers, changing state at most once; returns the new i. */
    private int advance(ByteBuf in, int i, int end) {
        switch (state) {
            case FIXED:
            case CHUNK_DATA: {
                int n = (int) Math.min(remaining, end - i);
                remaining -= n;
                payload += n;
                if (remaining == 0) {
                    state = state == FIXED ? DONE : AFTER_DATA;
                }
                return i + n;
            }
            case UNTIL_CLOSE:
                payload += end - i;
                return end;
            default:
                return chunkFraming(in, i, end);
        }
    }

    /** ngx_http_parse_chunked, up to the start of chunk data or the end of the body. */
    private int chunkFraming(ByteBuf in, int i, int end) {
        int s = state;
        for (; i < end; i++) {
            int c = in.getByte(i) & 0xff;
            switch (s) {
                case CHUNK_START: {
                    int d = Ascii.hexValue(c);
                    if (d < 0) {
                        throw invalid(in, i);
                    }
                    remaining = d;
                    s = CHUNK_SIZE;
                    break;
                }
                case CHUNK_SIZE: {
                    if (remaining > MAX_SIZE_BEFORE_DIGIT) {
                        throw invalid(in, i);
                    }
                    int d = Ascii.hexValue(c);
                    if (d >= 0) {
                        remaining = remaining * 16 + d;
                        break;
                    }
                    boolean last = remaining == 0;
                    if (c == CR) {
                        s = last ? LAST_CHUNK_EXTENSION_ALMOST_DONE : CHUNK_EXTENSION_ALMOST_DONE;
                    } else if (c == LF) {
                        if (last) {
                            s = TRAILER;
                        } else {
                            state = CHUNK_DATA;
                            return i + 1;
                        }
                    } else if (c == ';' || c == SP || c == HT) {
                        s = last ? LAST_CHUNK_EXTENSION : CHUNK_EXTENSION;
                    } else {
                        throw invalid(in, i);
                    }
                    break;
                }
                case CHUNK_EXTENSION:
                    if (c == CR) {
                        s = CHUNK_EXTENSION_ALMOST_DONE;
                    } else if (c == LF) {
                        state = CHUNK_DATA;
                        return i + 1;
                    }
                    break;
                case CHUNK_EXTENSION_ALMOST_DONE:
                    if (c != LF) {
                        throw invalid(in, i);
                    }
                    state = CHUNK_DATA;
                    return i + 1;
                case AFTER_DATA:
                    if (c == CR) {
                        s = AFTER_DATA_ALMOST_DONE;
                    } else if (c == LF) {
                        s = CHUNK_START;
                    } else {
                        throw invalid(in, i);
                    }
                    break;
                case AFTER_DATA_ALMOST_DONE:
                    if (c != LF) {
                        throw invalid(in, i);
                    }
                    s = CHUNK_START;
                    break;
                case LAST_CHUNK_EXTENSION:
                    if (c == CR) {
                        s = LAST_CHUNK_EXTENSION_ALMOST_DONE;
                    } else if (c == LF) {
                        s = TRAILER;
                    }
                    break;
                case LAST_CHUNK_EXTENSION_ALMOST_DONE:
                    if (c != LF) {
                        throw invalid(in, i);
                    }
                    s = TRAILER;
                    break;
                case TRAILER:
                    if (c == CR) {
                        s = TRAILER_ALMOST_DONE;
                    } else if (c == LF) {
                        state = DONE;
                        return i + 1;
                    } else {
                        s = TRAILER_HEADER;
                    }
                    break;
                case TRAILER_ALMOST_DONE:
                    if (c != LF) {
                        throw invalid(in, i);
                    }
                    state = DONE;
                    return i + 1;
                case TRAILER_HEADER:
                    if (c == CR) {
                        s = TRAILER_HEADER_ALMOST_DONE;
                    } else if (c == LF) {
                        s = TRAILER;
                    }
                    break;
                case TRAILER_HEADER_ALMOST_DONE:
                    if (c != LF) {
                        throw invalid(in, i);
                    }
                    s = TRAILER;
                    break;
                default:
                    throw new IllegalStateException("chunk state " + s);
            }
        }
        state = s;
        return i;
    }

    private WireException invalid(ByteBuf in, int i) {
        state = DONE;
        int from = Math.max(in.readerIndex(), i - 16);
        return new WireException(invalid, Ascii.quote(in, from, i - from + 1));
    }

    @Override
    public String toString() {
        return "BodyFramer(state " + state + ", remaining " + remaining + ", payload " + payload + ')';
    }
}

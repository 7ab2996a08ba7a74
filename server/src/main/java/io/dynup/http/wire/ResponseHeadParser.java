package io.dynup.http.wire;

import static io.dynup.http.wire.Ascii.CR;
import static io.dynup.http.wire.Ascii.LF;
import static io.dynup.http.wire.Ascii.SP;

import io.netty.buffer.ByteBuf;
import io.netty.util.AsciiString;
import org.jspecify.annotations.Nullable;

/**
 * Parses upstream response heads in place, incrementally, with nginx's rules (ngx_http_parse_status_line,
 * ngx_http_parse_header_line as ngx_http_proxy_process_header calls it, and the stricter header checks nginx 1.23
 * added to ngx_http_upstream.c).
 *
 * <p>Used like {@link RequestHeadParser}: call {@link #parse(ByteBuf)} as bytes arrive until it returns a head.
 * A 1xx head is returned on its own; parse again for the final response.
 *
 * <p>Every error is a {@link WireException} whose status is 502: the client gets Bad Gateway and the upstream
 * connection must be closed. nginx's own leniencies are kept where they are harmless ('_' and other bytes in
 * header names, header lines without a colon, IIS's repeated "HTTP/1.1 ..." lines, status text with any bytes),
 * and dropped where a byte-forwarding proxy would pass a framing ambiguity on to the client:
 * <ul>
 *   <li>nginx 1.22 passes a response without a valid status line as an HTTP/0.9 body; dynup refuses it;</li>
 *   <li>duplicate {@code Content-Length} or {@code Transfer-Encoding}, both together, an invalid
 *       {@code Content-Length} or a {@code Transfer-Encoding} other than {@code chunked}: 502, as nginx 1.23+
 *       does (1.22 let the last one win or ignored it);</li>
 *   <li>only {@code HTTP/1.x} is accepted, and a status below 100 is refused.</li>
 * </ul>
 * The whole head must fit in {@link HeadLimits#maxHead()}, nginx's {@code proxy_buffer_size} (4k by default).
 *
 * <p>Not thread-safe: one parser per upstream connection, used on its event loop.
 */
public final class ResponseHeadParser extends HeadParser<ResponseHead> {

    private static final AsciiString CHUNKED = AsciiString.cached("chunked");
    private static final AsciiString CLOSE = AsciiString.cached("close");

    private static final int S_H = 200;
    private static final int S_HT = 201;
    private static final int S_HTT = 202;
    private static final int S_HTTP = 203;
    private static final int S_SLASH = 204;
    private static final int S_MAJOR = 205;
    private static final int S_DOT = 206;
    private static final int S_FIRST_MINOR = 207;
    private static final int S_MINOR = 208;
    private static final int S_STATUS = 209;
    private static final int S_SPACE_AFTER_STATUS = 210;
    private static final int S_STATUS_TEXT = 211;
    private static final int S_ALMOST_DONE = 212;

    private int digits;

    /** @param limits size limits, e.g. {@link HeadLimits#NGINX_RESPONSE} */
    public ResponseHeadParser(HeadLimits limits) {
        super(limits, true, false, true);
    }

    /**
     * Parses the response head at the readerIndex.
     *
     * @return the head, owned by the caller, with the readerIndex moved past it; or {@code null} when more bytes
     *     are needed
     * @throws WireException (status 502) when the response must be refused; the parser is reset
     */
    public @Nullable ResponseHead parse(ByteBuf in) {
        return parseHead(in);
    }

    /** Drops any progress and the head being built, e.g. when the upstream connection closes mid-head. */
    @Override
    public void reset() {
        super.reset();
    }

    @Override
    boolean skipLeading(ByteBuf in) {
        return in.isReadable();
    }

    @Override
    ResponseHead newHead() {
        digits = 0;
        return ResponseHead.newInstance();
    }

    @Override
    int firstState() {
        return S_H;
    }

    @Override
    int scanStartLine(ResponseHead h, byte[] a, int shift, int p, int lim) {
        int s = state;
        for (; p < lim; p++) {
            int c = a[p + shift] & 0xff;
            switch (s) {
                case S_H:
                case S_HT:
                case S_HTT:
                case S_HTTP:
                case S_SLASH:
                case S_MAJOR:
                case S_DOT:
                    // "HTTP/1." exactly: other major versions are not HTTP/1.x framing.
                    if (c != "HTTP/1.".charAt(s - S_H)) {
                        throw invalidStartLine(WireError.UPSTREAM_INVALID_STATUS_LINE, p);
                    }
                    s++;
                    break;

                case S_FIRST_MINOR:
                    if (!Ascii.isDigit(c)) {
                        throw invalidStartLine(WireError.UPSTREAM_INVALID_STATUS_LINE, p);
                    }
                    h.minorVersion = c - '0';
                    s = S_MINOR;
                    break;

                case S_MINOR:
                    if (c == SP) {
                        s = S_STATUS;
                        break;
                    }
                    if (!Ascii.isDigit(c) || h.minorVersion > 99) {
                        throw invalidStartLine(WireError.UPSTREAM_INVALID_STATUS_LINE, p);
                    }
                    h.minorVersion = h.minorVersion * 10 + c - '0';
                    break;

                case S_STATUS:
                    if (c == SP && digits == 0) {
                        break;
                    }
                    if (!Ascii.isDigit(c)) {
                        throw invalidStartLine(WireError.UPSTREAM_INVALID_STATUS_LINE, p);
                    }
                    h.status = h.status * 10 + c - '0';
                    if (++digits == 3) {
                        if (h.status < 100) {
                            throw invalidStartLine(WireError.UPSTREAM_INVALID_STATUS_LINE, p);
                        }
                        h.statusStart = p - 2;
                        s = S_SPACE_AFTER_STATUS;
                    }
                    break;

                case S_SPACE_AFTER_STATUS:
                    if (c == SP || c == '.') { // '.': "IIS may send 403.1, 403.2, etc" (nginx)
                        h.reasonStart = p + 1;
                        s = S_STATUS_TEXT;
                        break;
                    }
                    if (c == CR || c == LF) {
                        h.statusLineEnd = p;
                        if (c == LF) {
                            return done(p);
                        }
                        s = S_ALMOST_DONE;
                        break;
                    }
                    throw invalidStartLine(WireError.UPSTREAM_INVALID_STATUS_LINE, p);

                case S_STATUS_TEXT:
                    if (c == CR || c == LF) {
                        h.statusLineEnd = p;
                        if (c == LF) {
                            return done(p);
                        }
                        s = S_ALMOST_DONE;
                    }
                    break;

                case S_ALMOST_DONE:
                    if (c == LF) {
                        return done(p);
                    }
                    throw invalidStartLine(WireError.UPSTREAM_INVALID_STATUS_LINE, p);

                default:
                    throw new IllegalStateException("status line state " + s);
            }
        }
        state = s;
        return p;
    }

    private int done(int p) {
        lineDone = true;
        return p + 1;
    }

    @Override
    void startLineDone(ResponseHead h) {
        // nothing to check beyond the line itself
    }

    @Override
    void headerDone(ResponseHead h, int index) {
        int o = index * MessageHead.STRIDE;
        int nameStart = h.offsets[o + MessageHead.NAME];
        KnownHeader known = KnownHeader.of(buf, base + nameStart, h.offsets[o + MessageHead.NAME_END] - nameStart);
        if (known == null) {
            return;
        }
        int value = base + h.offsets[o + MessageHead.VALUE];
        int valueLength = h.offsets[o + MessageHead.VALUE_END] - h.offsets[o + MessageHead.VALUE];
        switch (known) {
            case CONTENT_LENGTH:
                if (h.contentLength >= 0) {
                    throw invalidHeader(WireError.UPSTREAM_DUPLICATE_HEADER, h, index);
                }
                if (h.chunked) {
                    throw invalidHeader(WireError.UPSTREAM_CONTENT_LENGTH_AND_TRANSFER_ENCODING, h, index);
                }
                h.contentLength = Ascii.parseDecimal(buf, value, valueLength);
                if (h.contentLength < 0) {
                    throw invalidHeader(WireError.UPSTREAM_INVALID_CONTENT_LENGTH, h, index);
                }
                break;
            case TRANSFER_ENCODING:
                if (h.chunked) {
                    throw invalidHeader(WireError.UPSTREAM_DUPLICATE_HEADER, h, index);
                }
                if (h.contentLength >= 0) {
                    throw invalidHeader(WireError.UPSTREAM_CONTENT_LENGTH_AND_TRANSFER_ENCODING, h, index);
                }
                if (!Ascii.equalsIgnoreCase(buf, value, valueLength, CHUNKED)) {
                    throw invalidHeader(WireError.UPSTREAM_UNKNOWN_TRANSFER_ENCODING, h, index);
                }
                h.chunked = true;
                break;
            case CONNECTION:
                if (Ascii.containsToken(buf, value, valueLength, CLOSE)) {
                    h.connection = MessageHead.CONNECTION_CLOSE;
                }
                break;
            default:
                break;
        }
    }

    @Override
    void headDone(ResponseHead h) {
        // Framing is decided by the caller with bodyKind(headRequest); nothing is left to check.
    }

    @Override
    WireError invalidHeader() {
        return WireError.UPSTREAM_INVALID_HEADER;
    }

    @Override
    WireError tooLong(boolean line, boolean startLine) {
        return WireError.UPSTREAM_HEAD_TOO_BIG;
    }

    @Override
    WireError tooManyHeaders() {
        return WireError.UPSTREAM_TOO_MANY_HEADERS;
    }
}

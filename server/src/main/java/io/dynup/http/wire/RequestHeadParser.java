package io.dynup.http.wire;

import static io.dynup.http.wire.Ascii.CR;
import static io.dynup.http.wire.Ascii.LF;
import static io.dynup.http.wire.Ascii.SP;

import io.netty.buffer.ByteBuf;
import io.netty.util.AsciiString;
import org.jspecify.annotations.Nullable;

/**
 * Parses client request heads in place, incrementally, with nginx 1.22's rules (ngx_http_parse_request_line,
 * ngx_http_parse_header_line, ngx_http_process_request_headers and ngx_http_process_request_header).
 *
 * <p>Call {@link #parse(ByteBuf)} with the connection's cumulation buffer, readerIndex at the start of the next
 * message, each time bytes arrive. It returns {@code null} until the head is complete, remembering how far it got
 * (each byte is scanned once), then returns the {@link RequestHead} and moves the readerIndex past the head, to the
 * body or the next pipelined request. Between calls the bytes from the readerIndex on must stay the same; more may
 * be appended, and the buffer may be copied. Empty lines before a request line are consumed, as nginx skips them.
 *
 * <p>Errors are thrown as {@link WireException} with the status nginx sends:
 * <ul>
 *   <li>400 for a malformed request line or header line: an invalid method (not {@code A-Z _ -}), a control byte
 *       in the URI, spaces or control bytes in a header name, a space before the colon, a line starting with
 *       whitespace (obs-fold), NUL in a value, a CR not followed by LF; HTTP/0.9 (no version), which nginx 1.22
 *       still serves for GET, is refused too;</li>
 *   <li>505 for a version above 1 ({@code HTTP/2.0}); {@code HTTP/0.x} and malformed versions are 400;</li>
 *   <li>414 when the request line exceeds {@link HeadLimits#maxStartLine()};</li>
 *   <li>400 "Request Header Or Cookie Too Large" (nginx's 494) when a header line exceeds
 *       {@link HeadLimits#maxHeaderLine()}, the head exceeds {@link HeadLimits#maxHead()}, or there are more
 *       than {@link HeadLimits#maxHeaders()} headers;</li>
 *   <li>400 for a duplicate or invalid {@code Host}, a missing {@code Host} in HTTP/1.1, a duplicate header nginx
 *       wants unique (Content-Length, Transfer-Encoding, Expect, Authorization, If-*, Content-Range), an invalid
 *       {@code Content-Length}, {@code Transfer-Encoding} in HTTP/1.0, or both {@code Content-Length} and
 *       {@code Transfer-Encoding: chunked};</li>
 *   <li>501 for a {@code Transfer-Encoding} other than exactly {@code chunked};</li>
 *   <li>405 for CONNECT and TRACE.</li>
 * </ul>
 * Header lines whose names contain '_' or bytes outside {@code A-Z a-z 0-9 -} are dropped, as nginx's defaults
 * {@code underscores_in_headers off} and {@code ignore_invalid_headers on} do; the constructor takes both settings.
 *
 * <p>Not thread-safe: one parser per connection, used on its event loop.
 */
public final class RequestHeadParser extends HeadParser<RequestHead> {

    private static final AsciiString CHUNKED = AsciiString.cached("chunked");
    private static final AsciiString CLOSE = AsciiString.cached("close");
    private static final AsciiString KEEP_ALIVE = AsciiString.cached("keep-alive");

    // Request-line states, after ngx_http_parse_request_line's.
    private static final int S_METHOD = 100;
    private static final int S_SPACES_BEFORE_URI = 101;
    private static final int S_SCHEMA = 102;
    private static final int S_SCHEMA_SLASH = 103;
    private static final int S_SCHEMA_SLASH_SLASH = 104;
    private static final int S_HOST_START = 105;
    private static final int S_HOST = 106;
    private static final int S_HOST_END = 107;
    private static final int S_HOST_IP_LITERAL = 108;
    private static final int S_PORT = 109;
    private static final int S_AFTER_SLASH = 110;
    private static final int S_PATH = 111;
    private static final int S_QUERY = 112;
    private static final int S_AFTER_URI = 113;
    private static final int S_H = 114;
    private static final int S_HT = 115;
    private static final int S_HTT = 116;
    private static final int S_HTTP = 117;
    private static final int S_FIRST_MAJOR = 118;
    private static final int S_MAJOR = 119;
    private static final int S_FIRST_MINOR = 120;
    private static final int S_MINOR = 121;
    private static final int S_SPACES_AFTER_VERSION = 122;
    private static final int S_ALMOST_DONE = 123;

    /** Characters of an IP literal host besides letters and digits (nginx sw_host_ip_literal). */
    private static final String IP_LITERAL_EXTRA = ":-._~!$&'()*+,;=";

    private int major;

    /** A parser with nginx's defaults: {@code underscores_in_headers off}, {@code ignore_invalid_headers on}. */
    public RequestHeadParser(HeadLimits limits) {
        this(limits, false, true);
    }

    /**
     * @param limits size limits, e.g. {@link HeadLimits#NGINX_REQUEST}
     * @param underscoresInHeaders nginx's {@code underscores_in_headers}: accept '_' in header names
     * @param ignoreInvalidHeaders nginx's {@code ignore_invalid_headers}: drop header lines with invalid names
     *     rather than keep them
     */
    public RequestHeadParser(HeadLimits limits, boolean underscoresInHeaders, boolean ignoreInvalidHeaders) {
        super(limits, underscoresInHeaders, ignoreInvalidHeaders, false);
    }

    /**
     * Parses the request head at the readerIndex.
     *
     * @return the head, owned by the caller, with the readerIndex moved past it; or {@code null} when more bytes
     *     are needed (leading empty lines may have been consumed)
     * @throws WireException when the request must be refused; the parser is reset
     */
    public @Nullable RequestHead parse(ByteBuf in) {
        return parseHead(in);
    }

    /** Drops any progress and the head being built, e.g. when the connection closes mid-head. */
    @Override
    public void reset() {
        super.reset();
    }

    @Override
    boolean skipLeading(ByteBuf in) {
        int i = in.readerIndex();
        int end = in.writerIndex();
        while (i < end) {
            byte b = in.getByte(i);
            if (b != CR && b != LF) {
                break;
            }
            i++;
        }
        in.readerIndex(i);
        return i < end;
    }

    @Override
    RequestHead newHead() {
        major = 0;
        return RequestHead.newInstance();
    }

    @Override
    int firstState() {
        return S_METHOD;
    }

    @Override
    int scanStartLine(RequestHead h, byte[] a, int shift, int p, int lim) {
        int s = state;
        for (; p < lim; p++) {
            int c = a[p + shift] & 0xff;
            switch (s) {
                case S_METHOD:
                    if (c >= 'A' && c <= 'Z' || c == '_' || c == '-') {
                        break;
                    }
                    if (c == SP && p > 0) {
                        h.methodEnd = p;
                        h.method = Method.of(buf, base, p);
                        s = S_SPACES_BEFORE_URI;
                        break;
                    }
                    throw invalidStartLine(WireError.INVALID_METHOD, p);

                case S_SPACES_BEFORE_URI:
                    if (c == '/') {
                        h.targetStart = p;
                        h.uriStart = p;
                        s = S_AFTER_SLASH;
                        break;
                    }
                    if (Ascii.isLetter(c)) {
                        h.targetStart = p;
                        s = S_SCHEMA;
                        break;
                    }
                    if (c == SP) {
                        break;
                    }
                    throw invalidStartLine(WireError.INVALID_REQUEST, p);

                case S_SCHEMA:
                    if (Ascii.isLetter(c) || Ascii.isDigit(c) || c == '+' || c == '-' || c == '.') {
                        break;
                    }
                    if (c == ':') {
                        h.schemaEnd = p;
                        s = S_SCHEMA_SLASH;
                        break;
                    }
                    throw invalidStartLine(WireError.INVALID_REQUEST, p);

                case S_SCHEMA_SLASH:
                case S_SCHEMA_SLASH_SLASH:
                    if (c != '/') {
                        throw invalidStartLine(WireError.INVALID_REQUEST, p);
                    }
                    s = s == S_SCHEMA_SLASH ? S_SCHEMA_SLASH_SLASH : S_HOST_START;
                    break;

                case S_HOST_START:
                    h.lineHostStart = p;
                    if (c == '[') {
                        s = S_HOST_IP_LITERAL;
                        break;
                    }
                    s = hostChar(h, c, p);
                    break;

                case S_HOST:
                    s = hostChar(h, c, p);
                    break;

                case S_HOST_END:
                    s = afterHost(h, c, p);
                    break;

                case S_HOST_IP_LITERAL:
                    if (Ascii.isLetter(c) || Ascii.isDigit(c) || IP_LITERAL_EXTRA.indexOf(c) >= 0) {
                        break;
                    }
                    if (c == ']') {
                        s = S_HOST_END;
                        break;
                    }
                    throw invalidStartLine(WireError.INVALID_REQUEST, p);

                case S_PORT:
                    if (Ascii.isDigit(c)) {
                        break;
                    }
                    s = afterAuthority(h, c, p);
                    break;

                case S_AFTER_SLASH:
                case S_PATH:
                    if (Ascii.PATH[c]) {
                        if (c == '.' && s == S_AFTER_SLASH) {
                            h.complexUri = true; // "/." makes nginx normalize the path
                        }
                        p = skip(Ascii.PATH, a, shift, p, lim);
                        s = S_PATH;
                        break;
                    }
                    switch (c) {
                        case '/':
                            if (s == S_AFTER_SLASH) {
                                h.complexUri = true; // and so does "//"
                            }
                            s = S_AFTER_SLASH;
                            break;
                        case '%':
                            h.complexUri = true;
                            s = S_PATH;
                            break;
                        case '#':
                            // A fragment: nginx stops the path there; after it, '?' no longer starts the query.
                            h.complexUri = true;
                            s = S_QUERY;
                            break;
                        case '?':
                            h.argsStart = p + 1;
                            s = S_QUERY;
                            break;
                        default:
                            s = endOfUri(h, c, p);
                            break;
                    }
                    break;

                case S_QUERY:
                    if (Ascii.QUERY[c]) {
                        p = skip(Ascii.QUERY, a, shift, p, lim);
                        break;
                    }
                    if (c == '#') {
                        h.complexUri = true;
                        break;
                    }
                    s = endOfUri(h, c, p);
                    break;

                case S_AFTER_URI:
                    if (c == SP) {
                        break;
                    }
                    if (c == 'H') {
                        s = S_H;
                        break;
                    }
                    if (c == CR || c == LF) {
                        throw invalidStartLine(WireError.HTTP_09, p);
                    }
                    throw invalidStartLine(WireError.INVALID_REQUEST, p);

                case S_H:
                case S_HT:
                case S_HTT:
                case S_HTTP:
                    if (c != "TTP/".charAt(s - S_H)) {
                        throw invalidStartLine(WireError.INVALID_REQUEST, p);
                    }
                    s++;
                    break;

                case S_FIRST_MAJOR:
                    if (c < '1' || c > '9') {
                        throw invalidStartLine(WireError.INVALID_REQUEST, p);
                    }
                    major = c - '0';
                    if (major > 1) {
                        throw invalidStartLine(WireError.INVALID_VERSION, p);
                    }
                    s = S_MAJOR;
                    break;

                case S_MAJOR:
                    if (c == '.') {
                        s = S_FIRST_MINOR;
                        break;
                    }
                    if (!Ascii.isDigit(c)) {
                        throw invalidStartLine(WireError.INVALID_REQUEST, p);
                    }
                    // Any second digit makes the major version 10 or more.
                    throw invalidStartLine(WireError.INVALID_VERSION, p);

                case S_FIRST_MINOR:
                    if (!Ascii.isDigit(c)) {
                        throw invalidStartLine(WireError.INVALID_REQUEST, p);
                    }
                    h.minorVersion = c - '0';
                    s = S_MINOR;
                    break;

                case S_MINOR:
                    if (c == CR) {
                        s = S_ALMOST_DONE;
                        break;
                    }
                    if (c == LF) {
                        return done(p);
                    }
                    if (c == SP) {
                        s = S_SPACES_AFTER_VERSION;
                        break;
                    }
                    if (!Ascii.isDigit(c) || h.minorVersion > 99) {
                        throw invalidStartLine(WireError.INVALID_REQUEST, p);
                    }
                    h.minorVersion = h.minorVersion * 10 + c - '0';
                    break;

                case S_SPACES_AFTER_VERSION:
                    if (c == SP) {
                        break;
                    }
                    if (c == CR) {
                        s = S_ALMOST_DONE;
                        break;
                    }
                    if (c == LF) {
                        return done(p);
                    }
                    throw invalidStartLine(WireError.INVALID_REQUEST, p);

                case S_ALMOST_DONE:
                    if (c == LF) {
                        return done(p);
                    }
                    throw invalidStartLine(WireError.INVALID_REQUEST, p);

                default:
                    throw new IllegalStateException("request line state " + s);
            }
        }
        state = s;
        return p;
    }

    private int done(int p) {
        lineDone = true;
        return p + 1;
    }

    /** Returns the offset of the last byte in the run of {@code plain} bytes starting at p. */
    private static int skip(boolean[] plain, byte[] a, int shift, int p, int lim) {
        int q = p + 1 + shift;
        int end = lim + shift;
        while (q < end && plain[a[q] & 0xff]) {
            q++;
        }
        return q - shift - 1;
    }

    private int hostChar(RequestHead h, int c, int p) {
        if (Ascii.isLetter(c) || Ascii.isDigit(c) || c == '.' || c == '-') {
            return S_HOST;
        }
        return afterHost(h, c, p);
    }

    private int afterHost(RequestHead h, int c, int p) {
        h.lineHostEnd = p;
        if (c == ':') {
            return S_PORT;
        }
        return afterAuthority(h, c, p);
    }

    /** What may follow the authority of an absolute-form target: a path, a query, or the end of the target. */
    private int afterAuthority(RequestHead h, int c, int p) {
        switch (c) {
            case '/':
                h.uriStart = p;
                return S_AFTER_SLASH;
            case '?':
                h.uriStart = p;
                h.argsStart = p + 1;
                h.emptyPathInUri = true;
                return S_QUERY;
            case SP:
                // No path: nginx points the URI at the single "/" after the scheme's ':' ("http:/").
                h.uriStart = h.schemaEnd + 1;
                h.uriEnd = h.schemaEnd + 2;
                h.targetEnd = p;
                return S_AFTER_URI;
            default:
                throw invalidStartLine(WireError.INVALID_REQUEST, p);
        }
    }

    private int endOfUri(RequestHead h, int c, int p) {
        if (c == SP) {
            h.uriEnd = p;
            h.targetEnd = p;
            return S_AFTER_URI;
        }
        if (c == CR || c == LF) {
            throw invalidStartLine(WireError.HTTP_09, p);
        }
        // Controls and DEL: the only bytes left that a URI may not hold.
        throw invalidStartLine(WireError.INVALID_REQUEST, p);
    }

    @Override
    void startLineDone(RequestHead h) {
        if (h.lineHostStart >= 0) {
            int len = validHostLength(buf, base + h.lineHostStart, h.lineHostEnd - h.lineHostStart);
            if (len < 0) {
                throw new WireException(WireError.INVALID_HOST_IN_REQUEST_LINE,
                        Ascii.quote(buf, base + h.lineHostStart, h.lineHostEnd - h.lineHostStart));
            }
            h.hostStart = h.lineHostStart;
            h.hostEnd = h.lineHostStart + len;
        }
    }

    @Override
    void headerDone(RequestHead h, int index) {
        int o = index * MessageHead.STRIDE;
        int nameStart = h.offsets[o + MessageHead.NAME];
        KnownHeader known = KnownHeader.of(buf, base + nameStart, h.offsets[o + MessageHead.NAME_END] - nameStart);
        if (known == null) {
            return;
        }
        if (known.uniqueInRequest) {
            if ((h.uniqueSeen & known.bit()) != 0) {
                throw invalidHeader(WireError.DUPLICATE_HEADER, h, index);
            }
            h.uniqueSeen |= known.bit();
        }
        int value = base + h.offsets[o + MessageHead.VALUE];
        int valueLength = h.offsets[o + MessageHead.VALUE_END] - h.offsets[o + MessageHead.VALUE];
        switch (known) {
            case HOST:
                if (h.hostHeader >= 0) {
                    throw invalidHeader(WireError.DUPLICATE_HOST, h, index);
                }
                int len = validHostLength(buf, value, valueLength);
                if (len < 0) {
                    throw invalidHeader(WireError.INVALID_HOST, h, index);
                }
                h.hostHeader = index;
                if (h.lineHostStart < 0) {
                    h.hostStart = value - base;
                    h.hostEnd = h.hostStart + len;
                }
                break;
            case CONNECTION:
                // nginx looks for "close" first, then "keep-alive"; a later Connection line overrides.
                if (Ascii.containsToken(buf, value, valueLength, CLOSE)) {
                    h.connection = MessageHead.CONNECTION_CLOSE;
                } else if (Ascii.containsToken(buf, value, valueLength, KEEP_ALIVE)) {
                    h.connection = MessageHead.CONNECTION_KEEP_ALIVE;
                }
                break;
            case CONTENT_LENGTH:
                h.contentLengthHeader = index;
                break;
            case TRANSFER_ENCODING:
                h.transferEncodingHeader = index;
                break;
            default:
                break;
        }
    }

    /** The checks of ngx_http_process_request_header, in its order. */
    @Override
    void headDone(RequestHead h) {
        if (h.hostHeader < 0 && h.minorVersion >= 1) {
            throw new WireException(WireError.MISSING_HOST, null);
        }
        int cl = h.contentLengthHeader;
        if (cl >= 0) {
            int o = cl * MessageHead.STRIDE;
            int value = h.offsets[o + MessageHead.VALUE];
            h.contentLength = Ascii.parseDecimal(buf, base + value, h.offsets[o + MessageHead.VALUE_END] - value);
            if (h.contentLength < 0) {
                throw invalidHeader(WireError.INVALID_CONTENT_LENGTH, h, cl);
            }
        }
        int te = h.transferEncodingHeader;
        if (te >= 0) {
            if (h.minorVersion < 1) {
                throw invalidHeader(WireError.TRANSFER_ENCODING_IN_HTTP10, h, te);
            }
            int o = te * MessageHead.STRIDE;
            int value = h.offsets[o + MessageHead.VALUE];
            if (!Ascii.equalsIgnoreCase(buf, base + value, h.offsets[o + MessageHead.VALUE_END] - value, CHUNKED)) {
                throw invalidHeader(WireError.UNKNOWN_TRANSFER_ENCODING, h, te);
            }
            if (cl >= 0) {
                throw new WireException(WireError.CONTENT_LENGTH_AND_TRANSFER_ENCODING, null);
            }
            h.chunked = true;
        }
        if (h.method == Method.CONNECT) {
            throw new WireException(WireError.CONNECT_METHOD, null);
        }
        if (h.method == Method.TRACE) {
            throw new WireException(WireError.TRACE_METHOD, null);
        }
    }

    /**
     * ngx_http_validate_host: no '/', controls, spaces or "..", not empty; the port and one trailing dot are not
     * part of the host.
     *
     * @return the length of the host part, or -1 when invalid
     */
    static int validHostLength(ByteBuf b, int off, int len) {
        final int usual = 0;
        final int literal = 1;
        final int rest = 2;
        int state = usual;
        int dotPos = -2;
        int hostLen = len;
        for (int i = 0; i < len; i++) {
            int c = b.getByte(off + i) & 0xff;
            switch (c) {
                case '.':
                    if (dotPos == i - 1) {
                        return -1;
                    }
                    dotPos = i;
                    break;
                case ':':
                    if (state == usual) {
                        hostLen = i;
                        state = rest;
                    }
                    break;
                case '[':
                    if (i == 0) {
                        state = literal;
                    }
                    break;
                case ']':
                    if (state == literal) {
                        hostLen = i + 1;
                        state = rest;
                    }
                    break;
                default:
                    if (c == '/' || c <= 0x20 || c == 0x7f) {
                        return -1;
                    }
                    break;
            }
        }
        if (dotPos == hostLen - 1) {
            hostLen--;
        }
        return hostLen == 0 ? -1 : hostLen;
    }

    @Override
    WireError invalidHeader() {
        return WireError.INVALID_HEADER;
    }

    @Override
    WireError tooLong(boolean line, boolean startLine) {
        if (!line) {
            return WireError.REQUEST_TOO_LARGE;
        }
        return startLine ? WireError.URI_TOO_LONG : WireError.HEADER_LINE_TOO_LONG;
    }

    @Override
    WireError tooManyHeaders() {
        return WireError.TOO_MANY_HEADERS;
    }
}

package io.dynup.http.wire;

import io.netty.util.Recycler;

/**
 * An upstream's response head as offsets into the received bytes; made by {@link ResponseHeadParser}.
 *
 * <p>Informational (1xx) heads come one at a time before the final head. See {@link MessageHead} for ownership:
 * release it once forwarded.
 */
public final class ResponseHead extends MessageHead {

    private static final Recycler<ResponseHead> RECYCLER = new Recycler<>() {
        @Override
        protected ResponseHead newObject(Handle<ResponseHead> handle) {
            return new ResponseHead(handle);
        }
    };

    private final Recycler.Handle<ResponseHead> handle;

    // Filled in by ResponseHeadParser.
    int status;
    int statusStart;
    int reasonStart;
    int statusLineEnd;

    private ResponseHead(Recycler.Handle<ResponseHead> handle) {
        this.handle = handle;
    }

    static ResponseHead newInstance() {
        ResponseHead head = RECYCLER.get();
        head.init();
        return head;
    }

    @Override
    void init() {
        super.init();
        status = 0;
        statusStart = -1;
        reasonStart = -1;
        statusLineEnd = -1;
    }

    @Override
    void recycle() {
        handle.recycle(this);
    }

    @Override
    public ResponseHead touch(Object hint) {
        super.touch(hint);
        return this;
    }

    @Override
    public ResponseHead retain() {
        super.retain();
        return this;
    }

    /** The status code, 100-999. */
    public int status() {
        return status;
    }

    /** Whether this is an interim 1xx response; the final response follows on the same connection. */
    public boolean isInformational() {
        return status < 200;
    }

    /** Whether this is {@code 101 Switching Protocols}: after this head the connection carries another protocol. */
    public boolean isSwitchingProtocols() {
        return status == 101;
    }

    /**
     * Offset of the status code; the status line from here to {@link #statusLineEnd()} is what nginx copies into
     * its own {@code HTTP/1.1 ...} line (code and reason as sent).
     */
    public int statusOffset() {
        return statusStart;
    }

    /** Offset just past the reason phrase, before the line end. */
    public int statusLineEnd() {
        return statusLineEnd;
    }

    /** The reason phrase as sent (may be empty). */
    public String reason() {
        return reasonStart < 0 ? "" : string(reasonStart, statusLineEnd - reasonStart);
    }

    /**
     * Whether the upstream's headers allow reusing the connection, as nginx decides it: HTTP/1.1 or later and no
     * {@code Connection: close}. nginx never keeps an HTTP/1.0 upstream connection, even with
     * {@code Connection: keep-alive}. See {@link #reusable(boolean)} for the whole rule.
     */
    @Override
    public boolean keepAlive() {
        return minorVersion >= 1 && connection != CONNECTION_CLOSE;
    }

    /**
     * Whether the upstream connection may carry another request once this response has been read to its end:
     * {@link #keepAlive()} and a body whose end does not depend on the connection closing.
     *
     * @param headRequest whether the request was {@code HEAD}
     */
    public boolean reusable(boolean headRequest) {
        return keepAlive() && bodyKind(headRequest) != BodyKind.UNTIL_CLOSE;
    }

    /**
     * How this response's body is framed (RFC 9112 section 6.3, as ngx_http_proxy_input_filter_init): none for
     * 1xx, 204, 304 and answers to HEAD; chunked; Content-Length; otherwise until the upstream closes.
     *
     * @param headRequest whether the request was {@code HEAD}
     */
    public BodyKind bodyKind(boolean headRequest) {
        if (status < 200 || status == 204 || status == 304 || headRequest) {
            return BodyKind.NONE;
        }
        if (chunked) {
            return BodyKind.CHUNKED;
        }
        return contentLength >= 0 ? BodyKind.CONTENT_LENGTH : BodyKind.UNTIL_CLOSE;
    }
}

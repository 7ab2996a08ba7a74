package io.dynup.http.wire;

/**
 * Why a message was refused, with the status nginx answers and the text nginx logs (at {@code info} for client
 * errors, at {@code error} for upstream ones).
 *
 * <p>{@link #nginxCode()} differs from {@link #status()} only for nginx's internal 494: nginx sends it as 400 with
 * the page "Request Header Or Cookie Too Large". Every upstream error is a 502 Bad Gateway for the client
 * ({@code NGX_HTTP_UPSTREAM_INVALID_HEADER}), and means the upstream connection must not be reused.
 */
public enum WireError {
    // Request line (ngx_http_parse_request_line, ngx_http_process_request_line).
    INVALID_METHOD(400, "client sent invalid method"),
    INVALID_REQUEST(400, "client sent invalid request"),
    INVALID_VERSION(505, "client sent invalid version"),
    /** nginx 1.22 still serves HTTP/0.9 GETs; dynup refuses them. */
    HTTP_09(400, "client sent HTTP/0.9 request"),
    INVALID_HOST_IN_REQUEST_LINE(400, "client sent invalid host in request line"),
    URI_TOO_LONG(414, "client sent too long URI"),

    // Request headers (ngx_http_process_request_headers, ngx_http_process_request_header).
    HEADER_LINE_TOO_LONG(400, 494, "client sent too long header line"),
    REQUEST_TOO_LARGE(400, 494, "client sent too large request"),
    /** Not an nginx check: the bound of {@link HeadLimits#maxHeaders()}, answered like the other size limits. */
    TOO_MANY_HEADERS(400, 494, "client sent too many header lines"),
    INVALID_HEADER(400, "client sent invalid header line"),
    DUPLICATE_HEADER(400, "client sent duplicate header line"),
    DUPLICATE_HOST(400, "client sent duplicate host header"),
    INVALID_HOST(400, "client sent invalid host header"),
    MISSING_HOST(400, "client sent HTTP/1.1 request without \"Host\" header"),
    INVALID_CONTENT_LENGTH(400, "client sent invalid \"Content-Length\" header"),
    TRANSFER_ENCODING_IN_HTTP10(400, "client sent HTTP/1.0 request with \"Transfer-Encoding\" header"),
    CONTENT_LENGTH_AND_TRANSFER_ENCODING(400,
            "client sent \"Content-Length\" and \"Transfer-Encoding\" headers at the same time"),
    UNKNOWN_TRANSFER_ENCODING(501, "client sent unknown \"Transfer-Encoding\""),
    CONNECT_METHOD(405, "client sent CONNECT method"),
    TRACE_METHOD(405, "client sent TRACE method"),

    // Request body (ngx_http_request_body.c).
    INVALID_CHUNKED_BODY(400, "client sent invalid chunked body"),

    // Upstream responses (ngx_http_proxy_process_status_line/_header; the 1.23+ checks of ngx_http_upstream.c).
    UPSTREAM_INVALID_STATUS_LINE(502, "upstream sent no valid HTTP/1.0 header"),
    UPSTREAM_INVALID_HEADER(502, "upstream sent invalid header"),
    UPSTREAM_HEAD_TOO_BIG(502, "upstream sent too big header"),
    UPSTREAM_TOO_MANY_HEADERS(502, "upstream sent too many header lines"),
    UPSTREAM_DUPLICATE_HEADER(502, "upstream sent duplicate header line"),
    UPSTREAM_INVALID_CONTENT_LENGTH(502, "upstream sent invalid \"Content-Length\" header"),
    UPSTREAM_CONTENT_LENGTH_AND_TRANSFER_ENCODING(502,
            "upstream sent \"Content-Length\" and \"Transfer-Encoding\" headers at the same time"),
    UPSTREAM_UNKNOWN_TRANSFER_ENCODING(502, "upstream sent unknown \"Transfer-Encoding\""),
    UPSTREAM_INVALID_CHUNKED_BODY(502, "upstream sent invalid chunked response");

    private final int status;
    private final int nginxCode;
    private final String message;

    WireError(int status, String message) {
        this(status, status, message);
    }

    WireError(int status, int nginxCode, String message) {
        this.status = status;
        this.nginxCode = nginxCode;
        this.message = message;
    }

    /** The status line nginx sends to the client, e.g. 400, 414, 501, 502, 505. */
    public int status() {
        return status;
    }

    /** nginx's internal code: 494 for "Request Header Or Cookie Too Large" (sent as 400), else {@link #status()}. */
    public int nginxCode() {
        return nginxCode;
    }

    /** What nginx logs, without the quoted offending bytes. */
    public String message() {
        return message;
    }

    /** Whether this came from an upstream's response rather than from a client's request. */
    public boolean upstream() {
        return status == 502;
    }
}

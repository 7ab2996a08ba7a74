package io.dynup.http.wire;

import io.netty.util.AsciiString;
import io.netty.util.Recycler;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A client's request head as offsets into the received bytes; made by {@link RequestHeadParser}.
 *
 * <p>The URI accessors follow nginx: {@link #uriOffset()} starts where nginx's {@code $request_uri} starts, so for
 * an absolute-form target ({@code GET http://host:8080/a?b HTTP/1.1}) the URI is {@code /a?b} and the host comes
 * from the request line; {@link #targetOffset()} keeps the target as sent. The path is raw: nginx decodes and
 * normalizes it into {@code $uri} when {@link #uriNeedsNormalization()} says so, which routing must do before
 * matching locations.
 *
 * <p>See {@link MessageHead} for ownership: release it once forwarded.
 */
public final class RequestHead extends MessageHead {

    private static final AsciiString EXPECT = AsciiString.cached("Expect");
    private static final AsciiString CONTINUE = AsciiString.cached("100-continue");

    private static final Recycler<RequestHead> RECYCLER = new Recycler<>() {
        @Override
        protected RequestHead newObject(Handle<RequestHead> handle) {
            return new RequestHead(handle);
        }
    };

    private final Recycler.Handle<RequestHead> handle;

    // Filled in by RequestHeadParser.
    Method method = Method.OTHER;
    int methodEnd;
    int targetStart;
    int targetEnd;
    int schemaEnd;
    int uriStart;
    int uriEnd;
    int argsStart;
    boolean emptyPathInUri;
    boolean complexUri;
    int lineHostStart;
    int lineHostEnd;
    int hostStart;
    int hostEnd;
    int hostHeader;
    int contentLengthHeader;
    int transferEncodingHeader;
    int uniqueSeen;

    private RequestHead(Recycler.Handle<RequestHead> handle) {
        this.handle = handle;
    }

    static RequestHead newInstance() {
        RequestHead head = RECYCLER.get();
        head.init();
        return head;
    }

    @Override
    void init() {
        super.init();
        method = Method.OTHER;
        methodEnd = 0;
        targetStart = -1;
        targetEnd = -1;
        schemaEnd = -1;
        uriStart = -1;
        uriEnd = -1;
        argsStart = -1;
        emptyPathInUri = false;
        complexUri = false;
        lineHostStart = -1;
        lineHostEnd = -1;
        hostStart = -1;
        hostEnd = -1;
        hostHeader = -1;
        contentLengthHeader = -1;
        transferEncodingHeader = -1;
        uniqueSeen = 0;
    }

    @Override
    void recycle() {
        handle.recycle(this);
    }

    @Override
    public RequestHead touch(Object hint) {
        super.touch(hint);
        return this;
    }

    @Override
    public RequestHead retain() {
        super.retain();
        return this;
    }

    /** The method; {@link Method#OTHER} for names nginx does not know. */
    public Method method() {
        return method;
    }

    /** Length of the method name, which starts at offset 0. */
    public int methodLength() {
        return methodEnd;
    }

    /** The method as sent. */
    public String methodName() {
        return method == Method.OTHER ? string(0, methodEnd) : method.name();
    }

    /** Offset of the request target as sent (for absolute form, at its scheme). */
    public int targetOffset() {
        return targetStart;
    }

    /** Length of the request target as sent. */
    public int targetLength() {
        return targetEnd - targetStart;
    }

    /** Whether the target was absolute-form ({@code http://host/...}); the host then came from it. */
    public boolean absoluteForm() {
        return schemaEnd >= 0;
    }

    /**
     * Offset of the URI nginx forwards when {@code proxy_pass} has no URI part: path and query, without scheme and
     * authority. For an absolute-form target without a path it is a single "/" (inside "://").
     */
    public int uriOffset() {
        return uriStart;
    }

    /** Length of the URI at {@link #uriOffset()}. */
    public int uriLength() {
        return uriEnd - uriStart;
    }

    /**
     * Whether the URI is a query with an empty path ({@code GET http://host?x}); nginx then forwards {@code /?x},
     * which {@link HeadWriter} does too.
     */
    public boolean emptyPathInUri() {
        return emptyPathInUri;
    }

    /** Length of the raw path, from {@link #uriOffset()} to the '?' (or the end). */
    public int pathLength() {
        return (argsStart >= 0 ? argsStart - 1 : uriEnd) - uriStart;
    }

    /** Offset of the query after the first '?' of the URI, or -1 when there is no '?'. */
    public int queryOffset() {
        return argsStart;
    }

    /** Length of the query, 0 when there is none. */
    public int queryLength() {
        return argsStart >= 0 ? uriEnd - argsStart : 0;
    }

    /**
     * Whether nginx would decode or normalize the path before using it as {@code $uri}: it contains
     * {@code %}, {@code #}, {@code /.} or {@code //}. When false, the raw path is {@code $uri}.
     */
    public boolean uriNeedsNormalization() {
        return complexUri || emptyPathInUri;
    }

    /** Whether a host is known, from the request line or the {@code Host} header. */
    public boolean hasHost() {
        return hostStart >= 0;
    }

    /**
     * Offset of the host nginx uses as {@code $host} (request-line host first, then {@code Host}), without port or
     * trailing dot, as sent (not lower-cased); -1 when there is none.
     */
    public int hostOffset() {
        return hostStart;
    }

    /** Length of the host at {@link #hostOffset()}, 0 when there is none. */
    public int hostLength() {
        return hostStart >= 0 ? hostEnd - hostStart : 0;
    }

    /** The index of the {@code Host} header line, or -1. */
    public int hostHeaderIndex() {
        return hostHeader;
    }

    /**
     * Keep-alive as nginx decides it: {@code Connection: close} ends the connection, {@code Connection: keep-alive}
     * keeps it, otherwise HTTP/1.1 keeps it and HTTP/1.0 does not. The values are read as comma-separated tokens,
     * where nginx looks for the substrings (so {@code Connection: closed} is not a close here).
     */
    @Override
    public boolean keepAlive() {
        if (connection == CONNECTION_CLOSE) {
            return false;
        }
        return connection == CONNECTION_KEEP_ALIVE || minorVersion >= 1;
    }

    /** How the request body is framed: chunked, by Content-Length, or none (requests never read until close). */
    public BodyKind bodyKind() {
        if (chunked) {
            return BodyKind.CHUNKED;
        }
        return contentLength >= 0 ? BodyKind.CONTENT_LENGTH : BodyKind.NONE;
    }

    /**
     * Whether the client waits for {@code 100 Continue} before sending the body: HTTP/1.1 and
     * {@code Expect: 100-continue} (ngx_http_test_expect). nginx answers it itself when it starts reading the body
     * and does not forward {@code Expect}.
     */
    public boolean expectsContinue() {
        if (minorVersion < 1) {
            return false;
        }
        int i = indexOf(EXPECT);
        return i >= 0 && valueEqualsIgnoreCase(i, CONTINUE);
    }

    // --- String conveniences ---

    /** The URI as nginx's {@code $request_uri} when proxying: path and query ({@code /?x} for an empty path). */
    public String uri() {
        String raw = string(uriStart, uriEnd - uriStart);
        return emptyPathInUri ? "/" + raw : raw;
    }

    /** The raw path ({@code /} for an empty path). */
    public String path() {
        return emptyPathInUri ? "/" : string(uriStart, pathLength());
    }

    /** The query without '?', or {@code null} when the URI has no '?'. */
    public @Nullable String query() {
        return argsStart >= 0 ? string(argsStart, uriEnd - argsStart) : null;
    }

    /** The host like nginx's {@code $host} (lower-cased, no port), or {@code null} when there is none. */
    public @Nullable String host() {
        return hostStart >= 0 ? string(hostStart, hostEnd - hostStart).toLowerCase(Locale.ROOT) : null;
    }
}

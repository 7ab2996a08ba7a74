package io.dynup.http;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dynup.http.route.Captures;
import io.dynup.http.route.Location;
import io.dynup.http.route.LocationMatch;
import io.dynup.http.route.ServerMatch;
import io.dynup.http.wire.Method;
import io.dynup.http.wire.RequestHead;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;

/**
 * One request on a client connection and its response, as the content handler sees it. Confined to the
 * connection's event loop: its fields are plain.
 *
 * <p>A handler answers either at once ({@link #respond}) or as a stream ({@link #sendHead}, {@link #sendBody},
 * {@link #finish}), and may take the request body ({@link #readBody}). Until the exchange is finished the
 * connection reads no further request (pipelined requests wait their turn).
 */
public final class HttpExchange {

    private static final Logger LOG = LoggerFactory.getLogger(HttpExchange.class);

    private final HttpConnection connection;
    private final RequestHead request;
    private final ServerMatch server;
    /** The location, its path and chain change when an error_page redirects the request internally. */
    private LocationMatch location;
    private byte[] path;
    private RequestChain chain;
    /** The next step of {@link #chain} to run: phase handlers, then content (at {@code phases.length}). */
    private int step;
    /** Variables set while the request runs ({@code set}, {@code ngx.var}, {@code $upstream_addr}). */
    private @Nullable Map<String, String> variables;
    private @Nullable VariableSource variableSource;
    /** What modules keep with the request across its phases (the Lua layer's request state). */
    private @Nullable Map<Class<?>, Object> attachments;
    private @Nullable BodySink bodySink;
    private @Nullable Runnable onAbort;
    private boolean headSent;
    private boolean finished;
    private boolean closeAfter;
    private int status;
    /** Header lines {@link #respond} adds to dynup's own ({@link #addHeader}). */
    private @Nullable StringBuilder extraHeaders;
    private final long startNanos = System.nanoTime();
    private long bytesSent;
    private long bodyBytesSent;
    /** nginx's err_status: the status any answer goes out with after an error (0: none, the answer's own). */
    private int errorStatus;
    /** An error_page was used: nginx's recursive_error_pages off allows one per request. */
    private boolean errorPageUsed;
    /** Internal redirects so far (nginx's uri_changes counts down from 11). */
    private int redirects;
    private static final int MAX_REDIRECTS = 10;
    /** An internal redirect set {@link #redirectArgs} as the query. */
    private boolean redirected;
    private @Nullable String redirectArgs;
    /** An error_page redirect made the request a GET, as nginx does for its own handlers and $request_method. */
    private boolean getMethod;

    HttpExchange(HttpConnection connection, RequestHead request, ServerMatch server, LocationMatch location,
                 byte[] path, RequestChain chain) {
        this.connection = connection;
        this.chain = chain;
        this.request = request;
        this.server = server;
        this.location = location;
        this.path = path;
    }

    /**
     * Runs the next step of the request: the next phase handler, or the content handler after the last. A phase
     * handler calls it once to let the request go on (on the event loop, now or later); it does nothing once
     * the exchange is finished.
     */
    public void proceed() {
        if (finished) {
            return;
        }
        PhaseHandler[] phases = chain.phases();
        int i = step++;
        if (i > phases.length) {
            throw new IllegalStateException("content already ran for " + this);
        }
        Object handler = i < phases.length ? phases[i] : chain.content();
        try {
            if (i < phases.length) {
                phases[i].handle(this);
            } else {
                chain.content().handle(this);
            }
        } catch (RuntimeException e) {
            LOG.error("unexpected error in {} for \"{}\"", handler, request.startLine(), e);
            if (!headSent && !finished) {
                respondError(500);
            } else {
                abort();
            }
        }
    }

    /** A variable set during this request, or null. */
    public @Nullable String variable(String name) {
        Map<String, String> v = variables;
        String value = v == null ? null : v.get(name);
        if (value == null && variableSource != null) {
            value = variableSource.get(name);
        }
        return value;
    }

    /** Where variables not set on this exchange are looked up next (one source per request: the proxy's). */
    public void variableSource(VariableSource source) {
        this.variableSource = source;
    }

    /** Sets a request variable ({@code set $name value}); later lookups of {@code $name} see it. */
    public void setVariable(String name, String value) {
        Map<String, String> v = variables;
        if (v == null) {
            v = variables = new HashMap<>(4);
        }
        v.put(name, value);
    }

    /** What a module attached to this request under {@code key}, or null. */
    public <T> @Nullable T attachment(Class<T> key) {
        Map<Class<?>, Object> a = attachments;
        return a == null ? null : key.cast(a.get(key));
    }

    /** Keeps {@code value} with this request until it ends, for the module's later phases. */
    public <T> void attach(Class<T> key, T value) {
        Map<Class<?>, Object> a = attachments;
        if (a == null) {
            a = attachments = new HashMap<>(2);
        }
        a.put(key, value);
    }

    /**
     * nginx's {@code $args}: the query without '?' and without a {@code #fragment}, or null when the URI has
     * none; {@code set $args} replaces it, as in nginx.
     */
    public @Nullable String args() {
        Map<String, String> v = variables;
        String set = v == null ? null : v.get("args");
        if (set != null) {
            return set;
        }
        if (redirected) {
            return redirectArgs;
        }
        String q = request.query();
        if (q == null) {
            return null;
        }
        int fragment = q.indexOf('#');
        return fragment < 0 ? q : q.substring(0, fragment);
    }

    /**
     * nginx's {@code $uri}: the path percent-decoded, with {@code //}, {@code .} and {@code ..} resolved, as
     * locations were matched against it. Not a copy: do not change it.
     */
    public byte[] path() {
        return path;
    }

    /** nginx's {@code $request_method}: the request's, or GET after an error_page redirect to a URI. */
    public String methodName() {
        return getMethod ? "GET" : request.methodName();
    }

    /** The request head; valid until the exchange finishes. */
    public RequestHead request() {
        return request;
    }

    public ServerMatch server() {
        return server;
    }

    public LocationMatch location() {
        return location;
    }

    /** Server-name captures, then location captures, as nginx combines them for {@code $1..$9}. */
    public Captures captures() {
        return server.captures().then(location.captures());
    }

    public Channel channel() {
        return connection.channel();
    }

    public EventLoop eventLoop() {
        return connection.channel().eventLoop();
    }

    public ByteBufAllocator alloc() {
        return connection.channel().alloc();
    }

    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) connection.channel().remoteAddress();
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) connection.channel().localAddress();
    }

    /**
     * nginx's error_log context for this request:
     * {@code client: 127.0.0.1, server: example.com, request: "GET / HTTP/1.1", host: "example.com"}.
     */
    public String logContext() {
        String host = request.refCnt() > 0 ? request.host() : null;
        return "client: " + remoteAddress().getAddress().getHostAddress()
               + ", server: " + server.server().primaryName()
               + ", request: \"" + (request.refCnt() > 0 ? request.startLine() : "") + "\""
               + (host != null ? ", host: \"" + host + "\"" : "");
    }

    /** Whether the client connection stays open after this response (the request allows it and so do limits). */
    public boolean clientKeepAlive() {
        return !closeAfter && connection.keepAliveAllowed(request);
    }

    /** The response status, once a head was sent (0 before). */
    public int status() {
        return status;
    }

    /** When the exchange began, in {@link System#nanoTime()} (nginx's {@code $request_time} counts from here). */
    public long startNanos() {
        return startNanos;
    }

    /** Bytes handed to the connection for this response, head included (nginx's {@code $bytes_sent}). */
    public long bytesSent() {
        return bytesSent;
    }

    /** Body bytes handed to the connection (nginx's {@code $body_bytes_sent}). */
    public long bodyBytesSent() {
        return bodyBytesSent;
    }

    /** The connection's serial number, from 1 (nginx's {@code $connection}). */
    public long connectionNumber() {
        return connection.number();
    }

    /** The number of requests the connection has read, this one included (nginx's {@code $connection_requests}). */
    public int connectionRequests() {
        return connection.requests();
    }

    public boolean headSent() {
        return headSent;
    }

    public boolean finished() {
        return finished;
    }

    /** A complete response with dynup's own head; {@code body} is released (and not sent for HEAD). */
    public void respond(int status, @Nullable CharSequence contentType, ByteBuf body) {
        respond(status, contentType, null, body);
    }

    /** Adds a header to the response {@link #respond} makes (the JSON API's {@code ETag}); ASCII only. */
    public void addHeader(CharSequence name, CharSequence value) {
        StringBuilder h = extraHeaders;
        if (h == null) {
            h = extraHeaders = new StringBuilder(64);
        }
        h.append(name).append(": ").append(value).append("\r\n");
    }

    /** A redirect or other response with a {@code Location} header. */
    public void respond(int status, @Nullable CharSequence contentType, @Nullable CharSequence location,
                        ByteBuf body) {
        if (headSent || finished) {
            body.release();
            throw new IllegalStateException("response already started: " + this.status);
        }
        if (bodySink == null) {
            if (status < 400) {
                // nginx's ngx_http_send_response discards an untaken body first, which answers
                // Expect: 100-continue before the response
                discardBody();
            } else if (connection.awaitingContinue(this)) {
                // nginx's error pages skip 100 Continue (the body is not wanted), so the client may or may not
                // send it: what follows cannot be framed, the connection ends with this answer
                closeAfter = true;
            }
        }
        if (errorStatus != 0) {
            status = errorStatus;
        }
        boolean keepAlive = clientKeepAlive();
        // nginx's header filter: a 204 has neither body nor the headers that describe one
        boolean noContent = status == 204;
        ByteBuf head = alloc().buffer(256);
        StatusLines.writeOwnHead(head, status, noContent ? null : contentType, noContent ? -1 : body.readableBytes(),
                                 location == null ? null : absolute(location), keepAlive, extraHeaders);
        sendHead(head, !keepAlive, status);
        if (request.method() == Method.HEAD || noContent) {
            body.release();
        } else {
            sendBody(body);
        }
        finish();
    }

    /**
     * nginx's {@code absolute_redirect on}: a Location that starts with '/' gets the scheme, the request's host
     * ({@code $host} without port, else the local address) and the listening port unless it is 80.
     */
    private CharSequence absolute(CharSequence location) {
        if (location.length() == 0 || location.charAt(0) != '/') {
            return location;
        }
        String host = request.host();
        if (host == null) {
            java.net.InetAddress local = localAddress().getAddress();
            host = local instanceof java.net.Inet6Address ? '[' + local.getHostAddress() + ']'
                    : local.getHostAddress();
        }
        int port = localAddress().getPort();
        return "http://" + host + (port == 80 ? "" : ":" + port) + location;
    }

    /** An error page after which the connection closes (nginx clears keepalive for 400, 413, 414, 500, 501). */
    void respondErrorAndClose(int status) {
        closeAfter = true;
        respondError(status);
    }

    /**
     * nginx's answer to an error status (400, 404, 413, 500, 502, 504, ...): the location's {@code error_page} for
     * it, the first time in this request, else nginx's page.
     */
    public void respondError(int status) {
        ErrorPages pages = chain.errorPages();
        ErrorPages.Page page = pages == null || errorPageUsed ? null : pages.find(status);
        if (page != null) {
            errorPageUsed = !pages.recursive();
            if (errorPage(status, page)) {
                return;
            }
        }
        errorStatus = status;
        respond(status, "text/html", StatusLines.errorPage(alloc(), status));
    }

    /**
     * nginx's ngx_http_send_error_page: a {@code /uri} or {@code @name} serves the request again there (a
     * {@code /uri} as GET, except HEAD), answering with the error's status, {@code =CODE}'s, or with {@code =}
     * the page's own; anything else is a URL the client is redirected to (302, or {@code =301/303/307/308}).
     *
     * @return false when the page cannot be used: dynup does not keep a request body for a second handler, so a
     *     request that had one gets the plain error page
     */
    private boolean errorPage(int status, ErrorPages.Page page) {
        String uri = page.uri().evaluate(this);
        boolean internal = uri.startsWith("/") || uri.startsWith("@");
        if (internal && (request.contentLength() > 0 || request.chunked())) {
            return false;
        }
        errorStatus = page.overwrite() >= 0 ? page.overwrite() : status;
        if (uri.startsWith("@")) {
            Optional<Location> named = server.server().locations().named(uri);
            if (named.isEmpty()) {
                LOG.error("could not find named location \"{}\", {}", uri, logContext());
                errorStatus = 500;
                respond(500, "text/html", StatusLines.errorPage(alloc(), 500));
                return true;
            }
            redirect(new LocationMatch(named.get(), Captures.NONE, false), path);
            return true;
        }
        if (uri.startsWith("/")) {
            String args = page.args();
            int q = uri.indexOf('?');
            if (q >= 0 && !page.uri().isConstant()) {
                args = uri.substring(q + 1);
                uri = uri.substring(0, q);
            }
            redirected = true;
            redirectArgs = args;
            getMethod = request.method() != Method.HEAD;
            byte[] to = uri.getBytes(StandardCharsets.UTF_8);
            redirect(server.server().locations().find(to), to);
            return true;
        }
        int code = page.overwrite();
        if (code != 301 && code != 302 && code != 303 && code != 307 && code != 308) {
            code = 302;
        }
        errorStatus = code;
        respond(code, "text/html", uri, StatusLines.errorPage(alloc(), code));
        return true;
    }

    /**
     * nginx's internal redirect: the request runs again from the rewrite phase in {@code to}; after
     * {@link #MAX_REDIRECTS} it is a cycle (recursive error pages), answered with 500 as nginx does.
     */
    private void redirect(LocationMatch to, byte[] newPath) {
        if (++redirects > MAX_REDIRECTS) {
            LOG.error("rewrite or internal redirection cycle while internally redirecting to \"{}\", {}",
                      new String(newPath, StandardCharsets.UTF_8), logContext());
            errorPageUsed = true;
            errorStatus = 500;
            respond(500, "text/html", StatusLines.errorPage(alloc(), 500));
            return;
        }
        onAbort = null; // the handler that failed is done with the request
        location = to;
        path = newPath;
        chain = connection.chain(to);
        step = 0;
        proceed();
    }

    /**
     * Writes a response head built by the handler (the proxy forwards the upstream's, rewritten), after the
     * location's {@link HeaderFilter}s, if any, had their say.
     *
     * @param closeAfter the connection must close after this response (its body ends with the connection, or
     *                   the handler decided so)
     */
    public void sendHead(ByteBuf head, boolean closeAfter, int status) {
        if (headSent) {
            head.release();
            throw new IllegalStateException("head already sent");
        }
        headSent = true;
        if (errorStatus != 0 && errorStatus != status) {
            head = withStatus(head, errorStatus);
            status = errorStatus;
        }
        if (chain.headerFilters().length > 0) {
            ResponseHeaders h = ResponseHeaders.parse(head);
            for (HeaderFilter f : chain.headerFilters()) {
                try {
                    f.filter(this, h);
                } catch (RuntimeException e) {
                    LOG.error("unexpected error in header filter {} for \"{}\"", f, request.startLine(), e);
                }
            }
            head.release();
            head = h.encode(alloc());
            status = h.status();
        }
        this.status = status;
        this.closeAfter |= closeAfter;
        bytesSent += head.readableBytes();
        connection.channel().write(head, connection.channel().voidPromise());
    }

    /** {@code head} with its status line replaced by nginx's for {@code status} (after an error_page). */
    private ByteBuf withStatus(ByteBuf head, int status) {
        int eol = head.indexOf(head.readerIndex(), head.writerIndex(), (byte) '\n');
        ByteBuf out = alloc().buffer(head.readableBytes() + 32);
        StatusLines.writeStatusLine(out, status);
        out.writeBytes(head, eol + 1, head.writerIndex() - eol - 1);
        head.release();
        return out;
    }

    /** Writes and flushes body bytes; the future completes when the client's socket took them. */
    public ChannelFuture sendBody(ByteBuf bytes) {
        bytesSent += bytes.readableBytes();
        bodyBytesSent += bytes.readableBytes();
        return connection.channel().writeAndFlush(bytes);
    }

    /** The response is complete; the connection goes on to the next request or closes. */
    public void finish() {
        if (finished) {
            return;
        }
        finished = true;
        connection.channel().flush();
        runLoggers();
        connection.exchangeFinished(this, closeAfter);
    }

    /**
     * Ends the exchange by closing the client connection now (nothing more can be sent): what was written is
     * flushed, and no request body is waited for, so a client with a truncated response learns it at once.
     */
    public void abort() {
        if (!finished) {
            finished = true;
            closeAfter = true;
            runLoggers();
            connection.exchangeAborted(this);
        }
    }

    /** Takes the request body: it arrives in {@code sink} as the handler asks for it with {@link #demandBody}. */
    public void readBody(BodySink sink) {
        this.bodySink = sink;
        connection.bodySinkSet();
    }

    /**
     * Says the handler will not read the request body (nginx's {@code ngx_http_discard_request_body}): what has
     * arrived is dropped now, the rest as it arrives, and the connection goes on to the next request. Call it
     * before responding.
     *
     * @return 0, or the error status to answer instead (400 for a broken chunked body); the connection then
     *     closes after the response
     */
    public int discardBody() {
        int status = connection.discardBody(this);
        if (status != 0) {
            closeAfter = true;
        }
        return status;
    }

    /** Asks for more request body bytes (after the previous ones were passed on). */
    public void demandBody() {
        connection.demandBody();
    }

    /** Whether the request has a body still to come. */
    public boolean bodyPending() {
        return connection.bodyPending();
    }

    /** {@code task} runs if the client goes away before the exchange finished. */
    public void onAbort(Runnable task) {
        this.onAbort = task;
    }

    /**
     * The client connection closed: the handler is told, and an unfinished exchange ends (and is logged, with
     * nginx's 499 when no answer had begun).
     */
    void connectionClosed() {
        clientClosed();
        if (!finished) {
            if (!headSent) {
                status = 499;
            }
            finished = true;
            closeAfter = true;
            runLoggers();
        }
    }

    private void runLoggers() {
        for (LogHandler l : chain.loggers()) {
            try {
                l.log(this);
            } catch (RuntimeException e) {
                LOG.error("unexpected error in log handler {}", l, e);
            }
        }
    }

    @Nullable BodySink bodySink() {
        return bodySink;
    }

    void detachBodySink() {
        bodySink = null;
    }

    void clientClosed() {
        Runnable r = onAbort;
        onAbort = null;
        if (r != null && !finished) {
            r.run();
        }
    }

    @Override
    public String toString() {
        return request.methodName() + ' ' + request.uri() + " -> " + status;
    }
}

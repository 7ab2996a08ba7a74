package io.dynup.proxy;

import java.net.ConnectException;
import java.net.UnixDomainSocketAddress;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dynup.balancer.Attempt;
import io.dynup.http.BodySink;
import io.dynup.http.HttpDate;
import io.dynup.http.HttpExchange;
import io.dynup.http.Transport;
import io.dynup.http.wire.BodyFramer;
import io.dynup.http.wire.HeadLimits;
import io.dynup.http.wire.HeadWriter;
import io.dynup.http.wire.HeaderValue;
import io.dynup.http.wire.Method;
import io.dynup.http.wire.RequestHead;
import io.dynup.http.wire.ResponseHead;
import io.dynup.http.wire.ResponseHeadParser;
import io.dynup.http.wire.WireException;
import io.dynup.upstream.Peer;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * One proxied request: picks a peer, connects (or reuses an idle connection), forwards the rewritten request
 * head and the body as received, then the response head rewritten in place and the body as received slices.
 * Retries on the next peer follow nginx: on the cases of {@code proxy_next_upstream}, while tries remain, and
 * never once response bytes went to the client. Failures count toward {@code max_fails} as nginx counts them.
 *
 * <p>Runs entirely on the client connection's event loop (the upstream connection is created on it), so its
 * fields are plain.
 */
final class ProxyRequest implements BodySink {

    private static final Logger logger = LoggerFactory.getLogger(ProxyRequest.class);

    private static final String HANDLER = "proxy";

    private static final HeadWriter RESPONSE_KEEP_ALIVE = responseWriter("keep-alive", false);
    private static final HeadWriter RESPONSE_CLOSE = responseWriter("close", false);
    private static final HeadWriter RESPONSE_CLOSE_DECHUNKED = responseWriter("close", true);

    private static HeadWriter responseWriter(String connection, boolean dechunk) {
        HeadWriter.Builder b = HeadWriter.nginxResponseDefaults()
                .set("Server", "dynup")
                .set("Date", HeaderValue.supplied(HttpDate::now))
                .set("Connection", connection);
        if (dechunk) {
            b.remove("Transfer-Encoding");
        }
        return b.build();
    }

    private final HttpExchange ex;
    private final ProxyConfig cfg;
    private final @Nullable String fixedUri;
    private final UpstreamVariables variables;
    private final long startMillis = System.currentTimeMillis();
    private final ResponseHeadParser parser = new ResponseHeadParser(HeadLimits.NGINX_RESPONSE);
    private final BodyFramer framer = BodyFramer.forResponses();
    private @Nullable Attempt attempt;
    private @Nullable Peer peer;
    /** {@link #peer} was picked and not yet released: its {@code conns} counts this request. */
    private boolean peerHeld;
    private @Nullable Channel upstream;
    private boolean pooled;
    private @Nullable ByteBuf cumulation;
    private @Nullable ResponseHead response;
    private boolean headForwarded;
    private boolean dechunk;
    private boolean requestBodyStarted;
    /** The head went to an upstream connection (nginx's {@code u->request_sent}). */
    private boolean requestSent;
    private boolean requestBodyDone;
    private boolean done;
    private @Nullable ScheduledFuture<?> readTimer;
    private @Nullable ScheduledFuture<?> sendTimer;

    ProxyRequest(HttpExchange ex, ProxyConfig cfg) {
        this(ex, cfg, null);
    }

    /** @param fixedUri the URI to send as it is (a {@code proxy_pass} with variables and a URI part), or null */
    ProxyRequest(HttpExchange ex, ProxyConfig cfg, @Nullable String fixedUri) {
        this.fixedUri = fixedUri;
        this.ex = ex;
        this.variables = new UpstreamVariables(ex);
        this.cfg = cfg;
        this.requestBodyDone = !ex.bodyPending();
    }

    void start() {
        Attempt a = cfg.balancer().newAttempt();
        a.limitTries(cfg.tries());
        attempt = a;
        ex.onAbort(this::clientAborted);
        try {
            connectNext();
        } catch (RuntimeException e) {
            unexpected(e);
        }
    }

    private void connectNext() {
        Peer p = cfg.balancer().pick(attempt);
        peer = p;
        peerHeld = p != null;
        if (p == null) {
            variables.noLivePeer(cfg.upstream().name());
            logger.error("no live upstreams while connecting to upstream, {}", context());
            respond(502);
            return;
        }
        variables.tryStarted(p.name());
        Channel idle = cfg.keepalive() ? UpstreamPool.acquire(cfg.upstream(), p.state()) : null;
        if (idle != null) {
            pooled = true;
            attach(idle);
            return;
        }
        pooled = false;
        Bootstrap b = new Bootstrap()
                .group(ex.eventLoop())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, cfg.connectTimeoutMs()))
                .handler(NoopHandler.INSTANCE);
        Transport.of(ex.eventLoop()).connect(b, p.spec().address()).addListener((ChannelFuture f) -> guarded(() -> {
            if (done) {
                if (f.isSuccess()) {
                    f.channel().close();
                }
                return;
            }
            if (f.isSuccess()) {
                attach(f.channel());
            } else if (f.cause() instanceof ConnectTimeoutException) {
                failed(NextUpstream.TIMEOUT, "upstream timed out (110: Connection timed out) while connecting to upstream");
            } else {
                // a unix socket connects at once, so nginx reports it from connect() itself, naming the peer
                String call = unixPeer() ? "connect() to " + p.name() : "connect()";
                failed(NextUpstream.ERROR, call + " failed (" + describe(f.cause()) + ") while connecting to upstream");
            }
        }));
    }

    private void attach(Channel ch) {
        upstream = ch;
        // a handler per connection: a retry attaches a second connection, and a handler instance that is not
        // @Sharable cannot be added twice (nor should a late event of the first connection reach this request)
        ch.pipeline().addLast(HANDLER, new UpstreamHandler());
        RequestHead req = ex.request();
        ByteBuf head = ch.alloc().buffer(req.length() + 256);
        HeadWriter writer = req.chunked() ? cfg.chunkedRequestHead() : cfg.requestHead();
        String method = ex.methodName().equals(req.methodName()) ? null : ex.methodName();
        writer.writeRequest(head, req, method, uri(req), new AsciiString(ex.remoteAddress().getAddress().getHostAddress()));
        requestSent = true;
        if (!requestBodyDone && !requestBodyStarted) {
            requestBodyStarted = true;
            ch.write(head, ch.voidPromise());
            // nginx arms proxy_read_timeout once the whole request is sent (see onBodyEnd); until then each body
            // write is bounded by proxy_send_timeout, so a long upload is not cut by the read timeout
            ex.readBody(this);
        } else {
            ch.writeAndFlush(head, ch.voidPromise());
            armReadTimer();
        }
        ch.read();
    }

    /**
     * nginx's URI rule (ngx_http_proxy_create_request): the proxy_pass URI replaces the matched location prefix
     * of {@code $uri} (the decoded, normalized path the location matched), whose rest is escaped again as
     * ngx_escape_uri does; the query goes as received. No URI part sends the client's URI unchanged.
     */
    private @Nullable CharSequence uri(RequestHead req) {
        if (fixedUri != null) {
            return fixedUri; // nginx sends a URI made of variables as it is, without the query added
        }
        String base = cfg.uri();
        if (base == null) {
            return null;
        }
        byte[] path = ex.path();
        byte[] prefix = cfg.prefixBytes();
        int from = prefix != null && startsWith(path, prefix) ? prefix.length : 0;
        StringBuilder sb = new StringBuilder(base.length() + path.length - from + 16).append(base);
        for (int i = from; i < path.length; i++) {
            int b = path[i] & 0xff;
            if (b <= 0x20 || b == '#' || b == '%' || b == '?' || b >= 0x7f) {
                sb.append('%').append(HEX[b >> 4]).append(HEX[b & 0xf]);
            } else {
                sb.append((char) b);
            }
        }
        String query = ex.args();
        if (query != null) {
            sb.append('?').append(query);
        }
        return sb;
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private static boolean startsWith(byte[] a, byte[] prefix) {
        if (a.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (a[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    // ---- request body, client -> upstream

    @Override
    public void onBody(ByteBuf bytes) {
        Channel ch = upstream;
        if (done || ch == null) {
            bytes.release();
            return;
        }
        armSendTimer();
        ch.writeAndFlush(bytes).addListener((ChannelFuture f) -> guarded(() -> {
            if (f.channel() != upstream) {
                return; // from a connection this request gave up
            }
            cancelSendTimer();
            if (f.isSuccess()) {
                if (!done) {
                    ex.demandBody();
                }
            } else if (!done) {
                failed(NextUpstream.ERROR, "writev() failed (" + describe(f.cause()) + ") while sending request to upstream");
            }
        }));
    }

    @Override
    public void onBodyEnd() {
        requestBodyDone = true;
        if (!done && readTimer == null) {
            armReadTimer();
        }
    }

    // ---- response, upstream -> client

    private void onUpstreamData(ByteBuf in) {
        if (done) {
            in.release();
            return;
        }
        cancelReadTimer();
        cumulation = cumulation == null ? in
                : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(upstream.alloc(), cumulation, in);
        if (!headForwarded && !readHead()) {
            return;
        }
        forwardBody();
    }

    /** True once the head went to the client; false when more bytes are needed or the request moved on. */
    private boolean readHead() {
        while (true) {
            ResponseHead h;
            try {
                h = parser.parse(cumulation);
            } catch (WireException e) {
                failed(NextUpstream.INVALID_HEADER, "upstream sent invalid header while reading response header from upstream");
                return false;
            }
            if (h == null) {
                armReadTimer();
                upstream.read();
                return false;
            }
            if (h.isInformational() && !h.isSwitchingProtocols()) {
                // 100 Continue and friends: the client gets the final response only
                h.release();
                continue;
            }
            peer.state().recordResponse(h.status());
            variables.tryEnded(h.status());
            NextUpstream nu = NextUpstream.forStatus(h.status());
            // nginx's ngx_http_upstream_test_next: another peer must remain (tries counts the current one),
            // else the status goes to the client as it is
            if (nu != null && cfg.next().contains(nu) && attempt.tries() > 1 && mayRetry()) {
                h.release();
                retryAfter(nu, nu.countsAsFailure());
                return false;
            }
            response = h;
            boolean headRequest = ex.request().method() == Method.HEAD;
            framer.start(h, headRequest);
            boolean untilClose = !framer.isComplete() && h.contentLength() < 0 && !h.chunked();
            dechunk = h.chunked() && !ex.request().isHttp11();
            boolean closeClient = untilClose || dechunk || !ex.clientKeepAlive();
            HeadWriter w = dechunk ? RESPONSE_CLOSE_DECHUNKED : closeClient ? RESPONSE_CLOSE : RESPONSE_KEEP_ALIVE;
            ByteBuf out = ex.alloc().buffer(h.length() + 128);
            w.writeResponse(out, h);
            headForwarded = true;
            ex.sendHead(out, closeClient, h.status());
            return true;
        }
    }

    private void forwardBody() {
        ByteBuf buf = cumulation;
        ChannelFuture last = null;
        try {
            while (buf.isReadable() && !framer.isComplete()) {
                if (dechunk) {
                    int n = framer.nextSegment(buf);
                    if (n == 0) {
                        break;
                    }
                    if (framer.segmentIsData()) {
                        last = ex.sendBody(buf.readRetainedSlice(n));
                    } else {
                        buf.skipBytes(n);
                    }
                } else {
                    int n = framer.frame(buf);
                    if (n == 0) {
                        break;
                    }
                    last = ex.sendBody(buf.readRetainedSlice(n));
                }
            }
        } catch (WireException e) {
            logger.error("upstream sent invalid chunked response while reading upstream, {}", context());
            abortBoth();
            return;
        }
        if (framer.isComplete()) {
            complete();
            return;
        }
        Channel ch = upstream;
        if (last == null || ex.channel().isWritable()) {
            armReadTimer();
            ch.read();
        } else {
            // the client is slower than the upstream: read on once its socket took what we sent
            last.addListener(f -> {
                if (f.isSuccess() && !done) {
                    armReadTimer();
                    ch.read();
                }
            });
        }
    }

    private void complete() {
        done = true;
        cancelTimers();
        Channel ch = upstream;
        releasePeer(false);
        boolean reusable = cfg.keepalive() && response.keepAlive() && requestBodyDone
                           && !cumulation.isReadable() && ch.isActive()
                           && UpstreamPool.countRequest(ch, cfg.upstream().config().keepaliveRequests());
        releaseBuffers();
        ch.pipeline().remove(HANDLER);
        if (reusable) {
            UpstreamPool.release(cfg.upstream(), peer.state(), ch, cfg.upstream().config().keepalive(),
                                 cfg.upstream().config().keepaliveTimeout().toMillis());
        } else {
            ch.close();
        }
        variables.responseEnded();
        ex.finish();
    }

    private void onUpstreamClosed() {
        if (done) {
            return;
        }
        if (headForwarded && framer.endOfInput()) {
            // a body delimited by the connection's end
            forwardRemaining();
            done = true;
            cancelTimers();
            releasePeer(false);
            releaseBuffers();
            variables.responseEnded();
            ex.finish();
            return;
        }
        if (headForwarded) {
            logger.error("upstream prematurely closed connection while reading upstream, {}", context());
            abortBoth();
            return;
        }
        failed(NextUpstream.ERROR, "upstream prematurely closed connection while reading response header from upstream");
    }

    private void forwardRemaining() {
        ByteBuf buf = cumulation;
        if (buf != null && buf.isReadable()) {
            ex.sendBody(buf.readRetainedSlice(buf.readableBytes()));
        }
    }

    // ---- failures and retries

    private boolean mayRetry() {
        // the body already went to the failed peer and was not kept: it cannot be sent again
        if (requestBodyStarted) {
            return false;
        }
        // nginx: a POST, LOCK or PATCH that reached a peer may have had its effect there; it is repeated only
        // when proxy_next_upstream lists non_idempotent
        if (requestSent && !cfg.next().contains(NextUpstream.NON_IDEMPOTENT)) {
            Method m = ex.request().method();
            if (m == Method.POST || m == Method.LOCK || m == Method.PATCH) {
                return false;
            }
        }
        return cfg.triesTimeoutMs() == 0 || System.currentTimeMillis() - startMillis < cfg.triesTimeoutMs();
    }

    /** An error, timeout or invalid header from the current peer. */
    private void failed(NextUpstream kind, String message) {
        if (done) {
            return;
        }
        logger.error("{}, {}", message, context());
        variables.tryEnded(kind.status());
        if (headForwarded) {
            abortBoth();
            return;
        }
        retryAfter(kind, true);
    }

    private void retryAfter(NextUpstream kind, boolean countsAsFailure) {
        cancelTimers();
        boolean cached = pooled;
        closeUpstream();
        releasePeer(countsAsFailure);
        if (cached && kind == NextUpstream.ERROR) {
            // a cached connection the peer had closed says little about the peer: nginx grants one more try,
            // after the release, which zeroes the tries of a single peer
            attempt.addTry();
        }
        releaseBuffers();
        parser.reset();
        if (cfg.next().contains(kind) && attempt.tries() > 0 && mayRetry()) {
            connectNext();
            return;
        }
        respond(kind.status());
    }

    private void respond(int status) {
        done = true;
        cancelTimers();
        releaseBuffers();
        if (!ex.headSent()) {
            ex.respondError(status);
        } else {
            ex.abort();
        }
    }

    /** The response cannot be completed: close both sides (the client sees a truncated response). */
    private void abortBoth() {
        done = true;
        cancelTimers();
        closeUpstream();
        // nginx frees the peer as a success once the response has begun (ngx_http_upstream_finalize_request
        // frees with state 0): a failure mid-body does not count toward max_fails
        releasePeer(false);
        releaseBuffers();
        ex.abort();
    }

    private void clientAborted() {
        if (done) {
            return;
        }
        done = true;
        cancelTimers();
        closeUpstream();
        releasePeer(false);
        releaseBuffers();
    }

    private void closeUpstream() {
        Channel ch = upstream;
        upstream = null;
        if (ch != null) {
            if (ch.pipeline().get(HANDLER) != null) {
                ch.pipeline().remove(HANDLER);
            }
            ch.close();
        }
    }

    private void releaseBuffers() {
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
        if (response != null) {
            response.release();
            response = null;
        }
    }

    private void armReadTimer() {
        cancelReadTimer();
        if (cfg.readTimeoutMs() > 0) {
            readTimer = ex.eventLoop().schedule(() -> guarded(() -> failed(NextUpstream.TIMEOUT,
                    "upstream timed out (110: Connection timed out) while reading "
                    + (headForwarded ? "upstream" : "response header from upstream"))),
                    cfg.readTimeoutMs(), TimeUnit.MILLISECONDS);
        }
    }

    /** proxy_send_timeout: how long one write of the request body may wait for the upstream to take it. */
    private void armSendTimer() {
        if (sendTimer == null && cfg.sendTimeoutMs() > 0) {
            sendTimer = ex.eventLoop().schedule(() -> guarded(() -> {
                sendTimer = null;
                failed(NextUpstream.TIMEOUT,
                       "upstream timed out (110: Connection timed out) while sending request to upstream");
            }), cfg.sendTimeoutMs(), TimeUnit.MILLISECONDS);
        }
    }

    private void cancelSendTimer() {
        if (sendTimer != null) {
            sendTimer.cancel(false);
            sendTimer = null;
        }
    }

    /** Cancels both timers: every path that ends or retries the request comes through here. */
    private void cancelTimers() {
        cancelSendTimer();
        cancelReadTimer();
    }

    private void cancelReadTimer() {
        if (readTimer != null) {
            readTimer.cancel(false);
            readTimer = null;
        }
    }

    /** Ends the use of the picked peer, once: nginx's free after its get. */
    private void releasePeer(boolean failed) {
        if (peerHeld) {
            peerHeld = false;
            cfg.balancer().release(attempt, failed);
        }
    }

    /**
     * Runs an event of this request. A bug here must not leave the client waiting or the peer counted busy
     * forever: it is logged as the bug it is, and the request ends with what it holds freed.
     */
    private void guarded(Runnable event) {
        try {
            event.run();
        } catch (RuntimeException e) {
            unexpected(e);
        }
    }

    private void unexpected(RuntimeException e) {
        logger.error("unexpected error in proxy_pass, {}", context(), e);
        if (done) {
            return;
        }
        done = true;
        cancelTimers();
        closeUpstream();
        releasePeer(false);
        releaseBuffers();
        try {
            if (!ex.headSent() && !ex.finished()) {
                ex.respondError(500);
            } else {
                ex.abort();
            }
        } catch (RuntimeException again) {
            ex.abort();
        }
    }

    /** nginx's error_log context: client, request, upstream, host. */
    private String context() {
        RequestHead req = ex.request();
        String host = req.refCnt() > 0 ? req.host() : null;
        java.net.InetSocketAddress remote = ex.remoteAddress();
        return "client: " + (remote != null ? remote.getAddress().getHostAddress() : "-")
               + ", server: " + ex.server().server().primaryName()
               + ", request: \"" + (req.refCnt() > 0 ? req.startLine() : "") + "\""
               + ", upstream: \"http://" + (peer != null ? peer.name() : cfg.upstream().name())
               // nginx separates a unix path from the URI with a colon (ngx_http_log_error_handler)
               + (unixPeer() ? ":" : "")
               + (req.refCnt() > 0 ? req.uri() : "") + "\""
               + (host != null ? ", host: \"" + host + "\"" : "");
    }

    private boolean unixPeer() {
        return peer != null && peer.spec().address() instanceof UnixDomainSocketAddress;
    }

    private static String describe(Throwable t) {
        if (Transport.noSocketFile(t)) {
            return "2: No such file or directory";
        }
        if (t instanceof ConnectException) {
            return "111: Connection refused";
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /** Receives the upstream connection's events while this request owns it. */
    private final class UpstreamHandler extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            guarded(() -> onUpstreamData((ByteBuf) msg));
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (ctx.channel() == upstream) {
                guarded(ProxyRequest.this::onUpstreamClosed);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (ctx.channel() == upstream) {
                guarded(() -> {
                    if (headForwarded) {
                        logger.error("recv() failed ({}) while reading upstream, {}", describe(cause), context());
                        abortBoth();
                    } else {
                        failed(NextUpstream.ERROR, "recv() failed (" + describe(cause)
                                                   + ") while reading response header from upstream");
                    }
                });
            } else {
                ctx.close();
            }
        }
    }

    /**
     * The handler a new upstream connection starts with; the request's handler, or the pool's, is added after
     * it. Between the two (a connection being closed) a late failure, such as a write to a connection that
     * just closed, ends here rather than at the pipeline's tail, which would log it as a bug.
     */
    @ChannelHandler.Sharable
    static final class NoopHandler extends ChannelInboundHandlerAdapter {
        static final NoopHandler INSTANCE = new NoopHandler();

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (ctx.pipeline().last() == this) {
                logger.debug("upstream connection {} closed: {}", ctx.channel(), cause.toString());
                ctx.close();
            } else {
                ctx.fireExceptionCaught(cause);
            }
        }
    }
}

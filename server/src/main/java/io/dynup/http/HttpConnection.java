package io.dynup.http;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dynup.http.route.Captures;
import io.dynup.http.route.LocationMatch;
import io.dynup.http.route.Server;
import io.dynup.http.route.ServerMatch;
import io.dynup.http.route.VirtualHosts;
import io.dynup.http.wire.BodyFramer;
import io.dynup.http.wire.RequestHead;
import io.dynup.http.wire.RequestHeadParser;
import io.dynup.http.wire.WireException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * One client connection: reads requests in place from a cumulation buffer, dispatches each to its server's
 * location handler, streams request bodies to the handler, and answers requests strictly in order (a pipelined
 * request is parsed only after the previous response finished). Reads are explicit ({@code AUTO_READ} off): the
 * connection reads when it needs a head, or when the handler asks for body bytes.
 *
 * <p>Confined to the channel's event loop; fields are plain.
 */
public final class HttpConnection extends ChannelInboundHandlerAdapter {

    private static final Logger logger = LoggerFactory.getLogger(HttpConnection.class);

    private enum State { HEAD, BODY, RESPONSE, CLOSED }

    /** nginx's connection counter, shared by the workers: {@code $connection}. */
    private static final AtomicLong CONNECTIONS = new AtomicLong();

    private final long number = CONNECTIONS.incrementAndGet();
    private final HttpRuntime runtime;
    private final RequestHeadParser parser;
    private final BodyFramer framer = BodyFramer.forRequests();
    private @Nullable ChannelHandlerContext ctx;
    private @Nullable VirtualHosts hosts;
    private @Nullable ByteBuf cumulation;
    private State state = State.HEAD;
    private @Nullable HttpExchange exchange;
    private boolean bodyDone;
    private boolean bodyDemand;
    private int requests;
    /** The server reloaded or is quitting: no keep-alive after the current response. */
    private boolean quitting;
    /** The one timer of the connection: keepalive_timeout while idle, or the timeout of the read it waits for. */
    private @Nullable ScheduledFuture<?> idleTimer;
    /** Closed for requests, but reading and dropping until the client closes (see lingeringClose). */
    private boolean draining;
    /** The current request's {@code 100 Continue} went out (or was not due). */
    private boolean continueSent;
    /** client_max_body_size of the current request's location; 0 = no limit. */
    private long maxBody;

    /** nginx's lingering_time (30 s) bounds the drain; dynup uses a shorter fixed bound. */
    private static final long LINGERING_TIMEOUT_MS = 5_000;

    public HttpConnection(HttpRuntime runtime) {
        this.runtime = runtime;
        this.parser = new RequestHeadParser(runtime.headLimits());
    }

    long number() {
        return number;
    }

    int requests() {
        return requests;
    }

    Channel channel() {
        return ctx.channel();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        InetSocketAddress local = (InetSocketAddress) ctx.channel().localAddress();
        hosts = runtime.hostsFor(local);
        armIdleTimer();
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        if (state == State.CLOSED) {
            in.release();
            if (draining) {
                ctx.read(); // dropped; read on until the client closes its side (see lingeringClose)
            }
            return;
        }
        cancelIdleTimer();
        cumulation = cumulation == null ? in : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), cumulation, in);
        process();
    }

    /**
     * On reload or quit the server drains connections: an idle keep-alive one closes now, a busy one after its
     * response. A connection that has not sent its first request yet is let through (its client is sending it:
     * closing would fail a request that never reached us), with keep-alive off.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == HttpServer.DRAIN) {
            quitting = true;
            if (requests > 0 && state == State.HEAD && (cumulation == null || !cumulation.isReadable())) {
                closeNow();
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        State was = state;
        state = State.CLOSED;
        cancelIdleTimer();
        HttpExchange ex = exchange;
        if (ex != null && was != State.CLOSED) {
            ex.connectionClosed();
        }
        releaseExchange();
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // resets and broken pipes are the client's business; anything else is worth a line
        logger.debug("client {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    /** Parses and dispatches as far as the buffered bytes allow, then decides whether to read. */
    private void process() {
        while (true) {
            switch (state) {
                case HEAD:
                    if (!readHead()) {
                        return;
                    }
                    break;
                case BODY:
                    if (!readBody()) {
                        return;
                    }
                    break;
                case RESPONSE:
                    return;
                default:
                    return;
            }
        }
    }

    /** True when a request was dispatched and processing may go on. */
    private boolean readHead() {
        ByteBuf buf = cumulation;
        if (buf == null || !buf.isReadable()) {
            dropEmptyCumulation();
            ctx.read();
            return false;
        }
        RequestHead head;
        try {
            head = parser.parse(buf);
        } catch (WireException e) {
            logger.info("{} while reading client request headers, client: {}", e.getMessage(),
                        ctx.channel().remoteAddress());
            refuse(e.status(), e.error().nginxCode());
            return false;
        }
        if (head == null) {
            // part of a head: nginx's client_header_timeout bounds how long it may take to complete
            armReadTimer(runtime.clientHeaderTimeoutMillis(), "reading client request headers");
            ctx.read();
            return false;
        }
        requests++;
        framer.start(head);
        bodyDone = framer.isComplete();
        continueSent = false;
        bodyDemand = false;
        state = bodyDone ? State.RESPONSE : State.BODY;
        dispatch(head);
        return state != State.CLOSED;
    }

    private void dispatch(RequestHead head) {
        Optional<ServerMatch> server = hosts.select(head.host());
        if (server.isEmpty()) {
            head.release();
            refuse(400, 400);
            return;
        }
        Server srv = server.get().server();
        RequestChain chain = runtime.serverRewrite(srv);
        LocationMatch location;
        byte[] path = runtime.normalizedPath(head);
        if (chain != null) {
            location = new LocationMatch(srv.locations().server(), Captures.NONE, false);
        } else {
            location = srv.locations().find(path);
            chain = chain(location);
        }
        HttpExchange ex = new HttpExchange(this, head, server.get(), location, path, chain);
        exchange = ex;
        // client_max_body_size belongs to the location (a server-level return answers before any location)
        maxBody = runtime.serverRewrite(srv) != null ? 0 : runtime.maxBodySize(location.location());
        if (maxBody > 0 && head.contentLength() > maxBody) {
            logger.info("client intended to send too large body: {} bytes, client: {}", head.contentLength(),
                        ctx.channel().remoteAddress());
            // nginx's 413 closes the connection, after draining the body the client is already sending
            ex.respondErrorAndClose(413);
            return;
        }
        ex.proceed();
    }

    /** What runs for a request that matched {@code location}. */
    RequestChain chain(LocationMatch location) {
        return location.autoRedirect() ? HttpRuntime.AUTO_REDIRECT_CHAIN : runtime.handler(location.location());
    }

    /** True when the body is complete and processing may go on. */
    private boolean readBody() {
        BodySink sink = exchange == null ? null : exchange.bodySink();
        boolean discard = exchange == null || exchange.finished();
        if (sink == null && !discard) {
            // the handler has not taken the body yet (e.g. still connecting upstream): keep it buffered
            return false;
        }
        ByteBuf buf = cumulation;
        int n;
        try {
            n = buf == null ? 0 : framer.frame(buf);
        } catch (WireException e) {
            // a broken chunked body: nothing sensible can follow on this connection
            logger.info("{}, client: {}", e.getMessage(), ctx.channel().remoteAddress());
            fail(e.status());
            return false;
        }
        if (sink != null && maxBody > 0 && framer.payloadBytes() > maxBody) {
            // a chunked body has no length up front: it is measured as it is taken
            logger.info("client intended to send too large chunked body: {} bytes, client: {}",
                        framer.payloadBytes(), ctx.channel().remoteAddress());
            buf.skipBytes(n); // framed already: dropped, so the framer and the buffer stay in step
            HttpExchange ex = exchange;
            if (ex.headSent()) {
                fail(0);
                return false;
            }
            // the taker is told as if the client had gone (a proxy drops its upstream request); the framing
            // is intact, so the 413 goes out and the rest of the body is drained before the close, as for a
            // Content-Length above the limit
            ex.detachBodySink();
            ex.clientClosed();
            ex.respondErrorAndClose(413);
            return false;
        }
        if (n > 0) {
            ByteBuf slice = buf.readRetainedSlice(n);
            if (sink != null) {
                bodyDemand = false;
                sink.onBody(slice);
                if (state == State.CLOSED) {
                    return false; // the taker failed at once and the exchange ended with the connection
                }
            } else {
                slice.release();
            }
        }
        if (framer.isComplete()) {
            bodyDone = true;
            HttpExchange ex = exchange;
            if (sink != null && ex != null) {
                ex.detachBodySink();
                sink.onBodyEnd();
            }
            if (ex != null && ex.finished()) {
                nextRequest();
                return state == State.HEAD;
            }
            state = State.RESPONSE;
            return false;
        }
        if (discard || bodyDemand) {
            // the answer is out (discard the rest) or the taker asked for more
            armReadTimer(runtime.clientBodyTimeoutMillis(), "reading client request body");
            ctx.read();
        }
        return false;
    }

    /**
     * nginx's ngx_http_test_expect: a client that sent {@code Expect: 100-continue} waits for this interim
     * answer before the body, so it goes out when the body is wanted (taken or discarded), before any final
     * response.
     */
    private void sendContinueIfExpected() {
        HttpExchange ex = exchange;
        if (continueSent || bodyDone || ex == null || ex.headSent() || !ex.request().expectsContinue()) {
            return;
        }
        continueSent = true;
        ByteBuf b = ctx.alloc().buffer(CONTINUE.length);
        ctx.writeAndFlush(b.writeBytes(CONTINUE), ctx.voidPromise());
    }

    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    void bodySinkSet() {
        sendContinueIfExpected();
        bodyDemand = true;
        if (state == State.BODY) {
            ctx.channel().eventLoop().execute(this::process);
        }
    }

    void demandBody() {
        if (state != State.BODY) {
            return;
        }
        bodyDemand = true;
        if (cumulation != null && cumulation.isReadable()) {
            ctx.channel().eventLoop().execute(this::process);
        } else {
            armReadTimer(runtime.clientBodyTimeoutMillis(), "reading client request body");
            ctx.read();
        }
    }

    /**
     * Drops the request body bytes already received, before the response is written, as nginx's
     * ngx_http_discard_request_body does; later ones are dropped as they arrive (see {@link #readBody()}).
     *
     * @return 0, or 400 when the received bytes already show a broken chunked body: nothing after it can be
     *     framed, so the connection ends with the response
     */
    int discardBody(HttpExchange ex) {
        if (ex != exchange || state != State.BODY || bodyDone) {
            return 0;
        }
        sendContinueIfExpected();
        ByteBuf buf = cumulation;
        if (buf != null && buf.isReadable()) {
            try {
                buf.skipBytes(framer.frame(buf));
            } catch (WireException e) {
                logger.info("{}, client: {}", e.getMessage(), ctx.channel().remoteAddress());
                bodyDone = true; // nothing more is read from this connection
                return e.status();
            }
            bodyDone = framer.isComplete();
        }
        return 0;
    }

    /** The client waits for {@code 100 Continue} before the body, and has not had it. */
    boolean awaitingContinue(HttpExchange ex) {
        return ex == exchange && !bodyDone && !continueSent && ex.request().expectsContinue();
    }

    boolean bodyPending() {
        return !bodyDone;
    }

    boolean keepAliveAllowed(RequestHead head) {
        return head.keepAlive() && !quitting && requests < runtime.keepaliveRequests()
               && runtime.keepaliveTimeoutMillis() > 0;
    }

    /** Called by the exchange when it cannot complete: nginx terminates such a request without lingering. */
    void exchangeAborted(HttpExchange ex) {
        if (ex != exchange || state == State.CLOSED) {
            return;
        }
        releaseExchange();
        closeNow();
    }

    /** Called by the exchange when its response is complete. */
    void exchangeFinished(HttpExchange ex, boolean closeAfter) {
        if (ex != exchange || state == State.CLOSED) {
            return;
        }
        if (!bodyDone && !continueSent && ex.request().expectsContinue()) {
            // the answer went out without 100 Continue and without the body: the client may send it or not,
            // so what comes next cannot be framed; close (after draining what does come)
            closeAfter = true;
        }
        if (closeAfter || !keepAliveAllowed(ex.request())) {
            ex.detachBodySink();
            releaseExchange();
            if (!bodyDone || cumulation != null && cumulation.isReadable()) {
                // the rest of a body, or requests pipelined beyond this answer, may still be coming: nginx
                // closes such a connection lingering
                lingeringClose();
            } else {
                state = State.CLOSED;
                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
            return;
        }
        if (!bodyDone) {
            // the handler answered before the body ended (e.g. 413): read and discard the rest, then go on
            ex.detachBodySink();
            state = State.BODY;
            ctx.channel().eventLoop().execute(this::process);
            return;
        }
        nextRequest();
        ctx.channel().eventLoop().execute(this::process);
    }

    private void nextRequest() {
        releaseExchange();
        state = State.HEAD;
        if (cumulation == null || !cumulation.isReadable()) {
            armIdleTimer();
        }
    }

    private void releaseExchange() {
        HttpExchange ex = exchange;
        exchange = null;
        if (ex != null && ex.request().refCnt() > 0) {
            ex.request().release();
        }
    }

    /**
     * Answers a request that cannot be parsed or routed, then closes, as nginx does.
     *
     * @param page the page to send: {@code status}, or nginx's internal 494 for a head too large
     */
    private void refuse(int status, int page) {
        state = State.CLOSED;
        ByteBuf body = StatusLines.errorPage(ctx.alloc(), page);
        ByteBuf head = ctx.alloc().buffer(200);
        StatusLines.writeOwnHead(head, status, "text/html", body.readableBytes(), null, false);
        ctx.write(head);
        ctx.write(body);
        lingeringClose();
    }

    /**
     * nginx's lingering close: the answer is flushed and sending stops (FIN), but what the client still sends
     * is read and dropped until it closes its side, for at most {@link #LINGERING_TIMEOUT_MS}. Closing with its
     * bytes unread would reset the connection, and a reset can destroy the answer before the client reads it.
     */
    private void lingeringClose() {
        state = State.CLOSED;
        draining = true;
        cancelIdleTimer();
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFuture f) -> {
            if (!f.isSuccess() || !(f.channel() instanceof DuplexChannel)) {
                f.channel().close();
                return;
            }
            ((DuplexChannel) f.channel()).shutdownOutput();
            ctx.read();
        });
        ctx.executor().schedule(() -> {
            ctx.close();
        }, LINGERING_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * The connection cannot go on (a broken body, a timeout): the handler is told first, as if the client had
     * gone, so it stops and frees what it holds (an upstream connection, a peer); then nginx's error page goes
     * out if no response has started ({@code status} 0: none), and the connection closes.
     */
    private void fail(int status) {
        HttpExchange ex = exchange;
        boolean answer = status != 0 && (ex == null ? false : !ex.headSent() && !ex.finished());
        if (ex != null && !ex.finished()) {
            ex.clientClosed();
        }
        if (answer) {
            refuse(status, status);
        } else {
            closeNow();
        }
    }

    private void closeNow() {
        state = State.CLOSED;
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    private void dropEmptyCumulation() {
        if (cumulation != null && !cumulation.isReadable()) {
            cumulation.release();
            cumulation = null;
        }
    }

    private void armIdleTimer() {
        long ms = runtime.keepaliveTimeoutMillis();
        if (ms > 0 && ctx != null) {
            idleTimer = ctx.executor().schedule(() -> {
                idleTimer = null;
                if (state == State.HEAD && (cumulation == null || !cumulation.isReadable())) {
                    closeNow();
                }
            }, ms, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Bounds a read the connection waits for (nginx's client_header_timeout and client_body_timeout count from
     * each read, not from the start). A read timer already running is left as it is: it is cancelled when bytes
     * arrive.
     */
    private void armReadTimer(long ms, String what) {
        if (idleTimer != null || ms <= 0) {
            return;
        }
        idleTimer = ctx.executor().schedule(() -> {
            idleTimer = null;
            if (state == State.CLOSED) {
                return;
            }
            logger.info("client timed out (110: Connection timed out) while {}, client: {}", what,
                        ctx.channel().remoteAddress());
            // nginx terminates a request that timed out (408) without a response
            fail(0);
        }, ms, TimeUnit.MILLISECONDS);
    }

    private void cancelIdleTimer() {
        if (idleTimer != null) {
            idleTimer.cancel(false);
            idleTimer = null;
        }
    }
}

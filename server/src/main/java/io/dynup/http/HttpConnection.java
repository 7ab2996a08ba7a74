package io.dynup.http;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

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
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
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
    private @Nullable ScheduledFuture<?> idleTimer;
    /** The response went out with "close" before the body ended: drain it, then close. */
    private boolean lingering;

    /** nginx's lingering_time (30 s) bounds the drain; dynup uses a shorter fixed bound. */
    private static final long LINGERING_TIMEOUT_MS = 5_000;

    public HttpConnection(HttpRuntime runtime) {
        this.runtime = runtime;
        this.parser = new RequestHeadParser(runtime.headLimits());
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
            return;
        }
        cancelIdleTimer();
        cumulation = cumulation == null ? in : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), cumulation, in);
        process();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        State was = state;
        state = State.CLOSED;
        cancelIdleTimer();
        HttpExchange ex = exchange;
        if (ex != null && was != State.CLOSED) {
            ex.clientClosed();
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
            refuse(e.status());
            return false;
        }
        if (head == null) {
            ctx.read();
            return false;
        }
        requests++;
        framer.start(head);
        bodyDone = framer.isComplete();
        bodyDemand = false;
        state = bodyDone ? State.RESPONSE : State.BODY;
        dispatch(head);
        return state != State.CLOSED;
    }

    private void dispatch(RequestHead head) {
        Optional<ServerMatch> server = hosts.select(head.host());
        if (server.isEmpty()) {
            head.release();
            refuse(400);
            return;
        }
        Server srv = server.get().server();
        ContentHandler handler = runtime.serverRewrite(srv);
        LocationMatch location;
        if (handler != null) {
            location = new LocationMatch(srv.locations().server(), Captures.NONE, false);
        } else {
            location = srv.locations().find(runtime.normalizedPath(head));
            handler = location.autoRedirect() ? HttpRuntime.AUTO_REDIRECT : runtime.handler(location.location());
        }
        HttpExchange ex = new HttpExchange(this, head, server.get(), location);
        exchange = ex;
        try {
            handler.handle(ex);
        } catch (RuntimeException e) {
            logger.error("unexpected error in {} for \"{}\"", handler, head.startLine(), e);
            if (!ex.headSent() && !ex.finished()) {
                ex.respondError(500);
            } else {
                ex.abort();
            }
        }
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
            HttpExchange ex = exchange;
            if (ex != null && !ex.headSent()) {
                ex.respondError(e.status());
            }
            closeNow();
            return false;
        }
        if (n > 0) {
            ByteBuf slice = buf.readRetainedSlice(n);
            if (sink != null) {
                bodyDemand = false;
                sink.onBody(slice);
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
            if (lingering) {
                closeNow();
                return false;
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
            ctx.read();
        }
        return false;
    }

    void bodySinkSet() {
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
            ctx.read();
        }
    }

    boolean bodyPending() {
        return !bodyDone;
    }

    boolean keepAliveAllowed(RequestHead head) {
        return head.keepAlive() && requests < runtime.keepaliveRequests() && runtime.keepaliveTimeoutMillis() > 0;
    }

    /** Called by the exchange when its response is complete. */
    void exchangeFinished(HttpExchange ex, boolean closeAfter) {
        if (ex != exchange || state == State.CLOSED) {
            return;
        }
        if ((closeAfter || !keepAliveAllowed(ex.request())) && !bodyDone) {
            // nginx's lingering close: read and drop the rest of the body first, or closing with unread
            // bytes resets the connection and the client may lose the response
            lingering = true;
            ex.detachBodySink();
            state = State.BODY;
            ctx.executor().schedule(this::closeNow, LINGERING_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            ctx.channel().eventLoop().execute(this::process);
            return;
        }
        if (closeAfter || !keepAliveAllowed(ex.request())) {
            state = State.CLOSED;
            releaseExchange();
            ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
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

    /** Answers a request that cannot be parsed or routed, then closes, as nginx does. */
    private void refuse(int status) {
        state = State.CLOSED;
        ByteBuf body = StatusLines.errorPage(ctx.alloc(), status);
        ByteBuf head = ctx.alloc().buffer(160);
        StatusLines.writeStatusLine(head, status);
        head.writeCharSequence("Server: dynup\r\nContent-Type: text/html\r\nContent-Length: " + body.readableBytes()
                               + "\r\nConnection: close\r\n\r\n", java.nio.charset.StandardCharsets.ISO_8859_1);
        ctx.write(head);
        ctx.writeAndFlush(body).addListener(ChannelFutureListener.CLOSE);
    }

    private void closeNow() {
        state = State.CLOSED;
        ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
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
                if (state == State.HEAD && (cumulation == null || !cumulation.isReadable())) {
                    closeNow();
                }
            }, ms, TimeUnit.MILLISECONDS);
        }
    }

    private void cancelIdleTimer() {
        if (idleTimer != null) {
            idleTimer.cancel(false);
            idleTimer = null;
        }
    }
}

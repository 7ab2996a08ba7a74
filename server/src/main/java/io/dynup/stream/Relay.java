package io.dynup.stream;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dynup.balancer.Attempt;
import io.dynup.http.Transport;
import io.dynup.upstream.Peer;
import io.dynup.upstream.PeerState;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * One proxied TCP connection, nginx's stream proxy session: checks the access rules, picks a peer and connects
 * (moving on to the next peer when a connect fails, which counts toward its {@code max_fails}), then copies
 * bytes both ways until both sides have finished or {@code proxy_timeout} passes without a read or a write.
 *
 * <p>Backpressure: neither socket reads on its own ({@code AUTO_READ} off); a side reads again once the other
 * side's socket took the last bytes. Half-close: a side's FIN becomes a {@code shutdownOutput} on the other,
 * after the bytes before it, and the relay ends when both directions are finished.
 *
 * <p>The upstream connection is created on the client's event loop, so every field is confined to that thread
 * except {@link #peerState}, which upstream listeners read to decide a {@code disconnect_*}.
 */
final class Relay extends ChannelInboundHandlerAdapter {

    private static final Logger logger = LoggerFactory.getLogger(Relay.class);

    private final StreamServerConfig cfg;
    private final StreamServer owner;
    private final Channel client;
    private @Nullable Attempt attempt;
    /** {@link #peer} was picked and not yet released: its {@code conns} counts this connection. */
    private boolean peerHeld;
    private @Nullable Peer peer;
    private volatile @Nullable PeerState peerState;
    private @Nullable Channel upstream;
    /**
     * Bytes the client sent before a peer accepted. The client is not read until then, but a FIN makes the
     * transport read what came before it; those bytes wait here and go first.
     */
    private final List<Object> early = new ArrayList<>(0);
    /** The last write of the current read burst toward each side, until {@link #readComplete} flushes it. */
    private @Nullable ChannelFuture toUpstream;
    private @Nullable ChannelFuture toClient;
    private long startNanos;
    private long lastActivityNanos;
    private boolean clientInputDone;
    private boolean upstreamInputDone;
    private boolean done;
    private @Nullable ScheduledFuture<?> timer;

    Relay(StreamServerConfig cfg, StreamServer owner, Channel client) {
        this.cfg = cfg;
        this.owner = owner;
        this.client = client;
    }

    StreamServerConfig config() {
        return cfg;
    }

    /** The peer this relay is connected to, null while connecting. Any thread. */
    @Nullable PeerState peerState() {
        return peerState;
    }

    /**
     * Ends the relay from another thread: for a {@code disconnect_*} {@code directive}, logged as the module logs
     * it; null when the server closes.
     */
    void disconnect(@Nullable String directive) {
        client.eventLoop().execute(() -> {
            if (done) {
                return;
            }
            if (directive != null) {
                logger.warn("[{}] peer={} upstream={}", directive, peer == null ? "-" : peer.name(),
                            cfg.upstream().name());
            }
            finish();
        });
    }

    // ---- client side

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        guarded(this::start);
    }

    private void start() {
        InetSocketAddress remote = (InetSocketAddress) client.remoteAddress();
        if (!cfg.access().allows(remote.getAddress())) {
            logger.error("access forbidden by rule, client: {}, server: {}", remote.getAddress().getHostAddress(),
                         serverText());
            done = true;
            client.close();
            return;
        }
        owner.opened(this);
        startNanos = System.nanoTime();
        StreamKey key = cfg.hashKey();
        Attempt a = cfg.balancer().newAttempt(
                key == null ? null : key.evaluate(remote, (InetSocketAddress) client.localAddress()), null);
        a.limitTries(cfg.tries());
        attempt = a;
        connectNext();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Channel up = upstream;
        if (done) {
            ReferenceCountUtil.release(msg);
        } else if (up == null) {
            early.add(msg);
        } else {
            forward(client, up, msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        guarded(() -> readComplete(client));
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            guarded(() -> inputDone(client));
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        guarded(() -> closed(client));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        guarded(() -> failed(client, cause));
    }

    // ---- connecting

    private void connectNext() {
        Peer p = cfg.balancer().pick(attempt);
        peer = p;
        if (p == null) {
            logger.error("no live upstreams while connecting to upstream, {}", context());
            finish();
            return;
        }
        peerHeld = true;
        Bootstrap b = new Bootstrap()
                .group(client.eventLoop())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, cfg.connectTimeoutMs()))
                .handler(new UpstreamSide());
        owner.transport().connect(b, p.spec().address()).addListener((ChannelFuture f) -> guarded(() -> connected(f)));
    }

    private void connected(ChannelFuture f) {
        if (done) {
            f.channel().close();
            return;
        }
        if (f.isSuccess()) {
            Channel ch = f.channel();
            upstream = ch;
            peerState = peer.state();
            touch();
            armTimer(cfg.timeoutMs());
            for (Object msg : early) {
                ch.write(msg);
            }
            early.clear();
            if (clientInputDone) {
                passFin(ch, false);
            } else {
                ch.flush();
                client.read();
            }
            ch.read();
            return;
        }
        if (f.cause() instanceof ConnectTimeoutException) {
            logger.error("upstream timed out (110: Connection timed out) while connecting to upstream, {}", context());
        } else {
            // a unix socket connects at once, so nginx reports it from connect() itself, naming the peer
            logger.error("{} failed ({}) while connecting to upstream, {}",
                         peer.spec().address() instanceof UnixDomainSocketAddress ? "connect() to " + peer.name()
                                 : "connect()", describe(f.cause()), context());
        }
        releasePeer(true);
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        if (attempt.tries() == 0 || !cfg.nextUpstream()
            || cfg.nextTimeoutMs() > 0 && elapsedMs >= cfg.nextTimeoutMs()) {
            finish();
            return;
        }
        connectNext();
    }

    // ---- relaying, both directions

    /** Queues bytes read from {@code from} for {@code to}; {@link #readComplete} flushes the read's burst. */
    private void forward(Channel from, Channel to, Object msg) {
        touch();
        ChannelFuture f = to.write(msg);
        if (from == client) {
            toUpstream = f;
        } else {
            toClient = f;
        }
    }

    /**
     * The end of one read of {@code from}: what it read goes out in one flush, and {@code from} is read again
     * once the other side's socket took all of it.
     */
    private void readComplete(Channel from) {
        ChannelFuture last = from == client ? toUpstream : toClient;
        if (last == null || done) {
            return;
        }
        if (from == client) {
            toUpstream = null;
        } else {
            toClient = null;
        }
        last.channel().flush();
        last.addListener((ChannelFuture f) -> guarded(() -> {
            if (done) {
                return;
            }
            if (f.isSuccess()) {
                touch();
                if (!(from == client ? clientInputDone : upstreamInputDone)) {
                    from.read();
                }
            } else {
                logger.info("writev() failed ({}) while proxying connection, {}", describe(f.cause()), context());
                finish();
            }
        }));
    }

    /** A FIN from {@code from}: passed on to the other side after the bytes before it. */
    private void inputDone(Channel from) {
        if (done) {
            return;
        }
        Channel to = from == client ? upstream : client;
        if (from == client) {
            clientInputDone = true;
        } else {
            upstreamInputDone = true;
        }
        if (to == null) {
            // the client finished before a peer accepted; the FIN follows once one does
            return;
        }
        passFin(to, clientInputDone && upstreamInputDone);
    }

    /** Shuts {@code to}'s output after what was written to it; when both directions are finished, ends the relay. */
    private void passFin(Channel to, boolean both) {
        to.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFuture f) -> guarded(() -> {
            if (done) {
                return;
            }
            if (both || !f.isSuccess()) {
                finish();
            } else {
                ((DuplexChannel) to).shutdownOutput();
            }
        }));
    }

    /** One side is gone: what was sent to the other still reaches it, then both close. */
    private void closed(Channel side) {
        if (done) {
            return;
        }
        Channel other = side == client ? upstream : client;
        if (other == null || !other.isActive()) {
            finish();
            return;
        }
        other.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> guarded(this::finish));
    }

    private void failed(Channel side, Throwable cause) {
        if (!done) {
            logger.info("recv() failed ({}) while proxying {}, {}", describe(cause),
                        side == client ? "connection" : "and reading from upstream", context());
            finish();
        }
    }

    // ---- proxy_timeout

    private void touch() {
        lastActivityNanos = System.nanoTime();
    }

    /**
     * nginx's {@code proxy_timeout}: the time between two successive reads or writes. One timer per relay,
     * re-armed for the rest of the window when it fires after activity, so traffic does not reschedule it.
     */
    private void armTimer(long delayMs) {
        if (cfg.timeoutMs() <= 0) {
            return;
        }
        timer = client.eventLoop().schedule(() -> guarded(() -> {
            if (done) {
                return;
            }
            long idleMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastActivityNanos);
            if (idleMs >= cfg.timeoutMs()) {
                logger.info("upstream timed out (110: Connection timed out) while proxying connection, {}", context());
                finish();
            } else {
                armTimer(cfg.timeoutMs() - idleMs);
            }
        }), delayMs, TimeUnit.MILLISECONDS);
    }

    // ---- the end

    /** Ends the relay once: both sockets closed, the peer released, the server told. */
    private void finish() {
        if (done) {
            return;
        }
        done = true;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        releasePeer(false);
        for (Object msg : early) {
            ReferenceCountUtil.release(msg);
        }
        early.clear();
        Channel up = upstream;
        if (up != null) {
            up.close();
        }
        client.close();
        owner.closed(this);
    }

    /** nginx's free after its get; {@code failed} counts toward max_fails (only a failed connect does, for TCP). */
    private void releasePeer(boolean failed) {
        if (peerHeld) {
            peerHeld = false;
            cfg.balancer().release(attempt, failed);
        }
    }

    /**
     * Runs an event of this relay. A bug here must not leave a socket open or a peer counted busy forever: it is
     * logged as the bug it is and the relay ends.
     */
    private void guarded(Runnable event) {
        try {
            event.run();
        } catch (RuntimeException e) {
            logger.error("unexpected error in stream proxy, {}", context(), e);
            finish();
        }
    }

    /** nginx's stream error_log context. */
    private String context() {
        InetSocketAddress remote = (InetSocketAddress) client.remoteAddress();
        return "client: " + (remote == null ? "-" : remote.getAddress().getHostAddress()) + ", server: " + serverText()
               + ", upstream: \"" + (peer != null ? peer.name() : cfg.upstream().name()) + "\"";
    }

    private String serverText() {
        InetSocketAddress local = (InetSocketAddress) client.localAddress();
        return local == null ? "-" : local.getAddress().getHostAddress() + ":" + local.getPort();
    }

    private static String describe(Throwable t) {
        if (Transport.noSocketFile(t)) {
            return "2: No such file or directory";
        }
        if (t instanceof ConnectException) {
            return "111: Connection refused";
        }
        String m = t.getMessage();
        if (m != null && m.contains("reset by peer")) {
            return "104: Connection reset by peer";
        }
        return m == null ? t.getClass().getSimpleName() : m;
    }

    /** The upstream connection's events; each connect attempt has its own, so a late event of a failed one is ignored. */
    private final class UpstreamSide extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (done || ctx.channel() != upstream) {
                ReferenceCountUtil.release(msg);
                return;
            }
            forward(ctx.channel(), client, msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (ctx.channel() == upstream) {
                guarded(() -> readComplete(ctx.channel()));
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent && ctx.channel() == upstream) {
                guarded(() -> inputDone(ctx.channel()));
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (ctx.channel() == upstream) {
                guarded(() -> closed(ctx.channel()));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (ctx.channel() == upstream) {
                guarded(() -> failed(ctx.channel(), cause));
            } else {
                ctx.close();
            }
        }
    }
}

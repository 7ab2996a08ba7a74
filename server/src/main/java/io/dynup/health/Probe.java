package io.dynup.health;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dynup.http.Transport;
import io.dynup.model.HealthCheck;
import io.dynup.model.PeerSpec;
import io.dynup.upstream.HealthStatus;
import io.dynup.upstream.PeerState;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * Checks one peer every {@code interval}, on one event loop: a TCP connect, or an HTTP request whose status must
 * be one of {@code check_response_codes} and whose body (read up to {@link #MAX_BODY} bytes) must match {@code
 * check_response_body}. A TCP check may send {@code check_request_body} and wait for what comes back to match
 * {@code check_response_body}, as ngx_dynamic_healthcheck's tcp check. With {@code type=ssl} either runs over
 * TLS ({@link CheckTls}), after a handshake that must succeed. Each check has its own {@code timeout}, covering
 * connect, handshake and response; a check still running when the next is due delays only this peer's next
 * check. Verdicts go to the peer's {@link PeerState}.
 *
 * <p>With {@code keepalive=N} an HTTP check's connection serves N checks, the last one asking the peer to
 * close it; a response framed by the connection's end, or a peer's {@code Connection: close}, ends it sooner.
 *
 * <p>Check state ({@link #pending}, {@link #timer}, {@link #channel}) is confined to {@link #loop}; the target
 * and the stop flag are volatile because the checker changes them from a control thread.
 */
final class Probe {

    private static final Logger logger = LoggerFactory.getLogger(Probe.class);

    /** Responses larger than this fail the check: a health endpoint has no reason to send more. */
    static final int MAX_BODY = 64 * 1024;

    private static final String RESPONSE = "response";
    private static final String TLS = "tls";

    private final PeerState state;
    private final EventLoop loop;
    private final Transport transport;
    private volatile @Nullable Target target;
    private volatile boolean stopped;

    private @Nullable ScheduledFuture<?> pending;
    private @Nullable ScheduledFuture<?> timer;
    /** The connection of the check in flight, or kept for the next one ({@code keepalive}). */
    private @Nullable Channel channel;
    /** Checks sent on {@link #channel}. */
    private int uses;
    private boolean inFlight;
    /** Bumped per check, so a late callback of a timed-out check does not judge the next one. */
    private long checkId;

    /**
     * What to probe: the latest peer spec and check of the upstream, with the body pattern compiled once. The
     * pattern's {@code .} matches line ends too, as the module asks of PCRE (DOTALL, where its nginx build has
     * it), so that a pattern over several lines of a TCP answer works, as its Redis example.
     */
    private record Target(String upstream, PeerSpec peer, HealthCheck check, @Nullable Pattern body) {
    }

    Probe(PeerState state, EventLoop loop, Transport transport) {
        this.state = state;
        this.loop = loop;
        this.transport = transport;
    }

    void target(String upstream, PeerSpec peer, HealthCheck check) {
        Target t = target;
        if (t != null && t.peer.equals(peer) && t.check.equals(check) && t.upstream.equals(upstream)) {
            return;
        }
        target = new Target(upstream, peer, check,
                            check.responseBody() == null ? null : Pattern.compile(check.responseBody(), Pattern.DOTALL));
    }

    void start(long delayMillis) {
        loop.execute(() -> schedule(delayMillis));
    }

    void stop() {
        stopped = true;
        loop.execute(() -> {
            cancel(pending);
            endCheck();
        });
    }

    private void schedule(long delayMillis) {
        if (!stopped) {
            pending = loop.schedule(this::check, delayMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void check() {
        Target t = target;
        if (stopped || t == null) {
            return;
        }
        long id = ++checkId;
        SocketAddress address = address(t);
        if (address == null) {
            // an unresolved host has no address to probe; its peer is not selected anyway
            schedule(t.check.interval().toMillis());
            return;
        }
        inFlight = true;
        int timeout = (int) Math.min(Integer.MAX_VALUE, t.check.timeout().toMillis());
        timer = loop.schedule(() -> verdict(id, t, false, "timed out", false), timeout, TimeUnit.MILLISECONDS);
        Channel kept = channel;
        if (kept != null && kept.isActive() && transport.remote(address).equals(kept.remoteAddress())
            && t.check.type() == HealthCheck.Type.HTTP && (kept.pipeline().get(TLS) != null) == t.check.ssl()) {
            uses++;
            kept.pipeline().addLast(RESPONSE, new ResponseHandler(id, t, true));
            kept.writeAndFlush(request(t, uses >= t.check.keepalive()));
            return;
        }
        connect(id, t, address, timeout);
    }

    /** Sends check {@code id} on a new connection. */
    private void connect(long id, Target t, SocketAddress address, int timeout) {
        closeChannel();
        uses = 1;
        Bootstrap b = new Bootstrap().group(loop)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeout)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (t.check.ssl()) {
                            ch.pipeline().addLast(TLS, CheckTls.handler(ch.alloc(), address, timeout));
                        }
                        // in place before the connect completes: a peer may speak first (a greeting, a banner)
                        ch.pipeline().addLast(RESPONSE, t.check.type() == HealthCheck.Type.HTTP
                                ? new ResponseHandler(id, t, false) : new TcpResponseHandler(id, t));
                    }
                });
        ChannelFuture connect = transport.connect(b, address);
        channel = connect.channel();
        connect.addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                verdict(id, t, false, "connect failed: " + f.cause().getMessage(), false);
            } else if (t.check.ssl()) {
                SslHandler tls = (SslHandler) f.channel().pipeline().get(TLS);
                tls.handshakeFuture().addListener(h -> {
                    if (h.isSuccess()) {
                        send(id, t, f.channel());
                    } else {
                        verdict(id, t, false, "TLS handshake failed: " + h.cause().getMessage(), false);
                    }
                });
            } else {
                send(id, t, f.channel());
            }
        });
    }

    /**
     * Sends the check's request on a connection that is ready (connected, and shaken hands with TLS). A TCP
     * check without a pattern for the answer passes once its request, if it has one, is sent, as the module's.
     */
    private void send(long id, Target t, Channel ch) {
        if (t.check.type() == HealthCheck.Type.HTTP) {
            ch.writeAndFlush(request(t, uses >= t.check.keepalive()));
            return;
        }
        String body = t.check.requestBody();
        if (body == null) {
            if (t.body == null) {
                verdict(id, t, true, t.check.ssl() ? "TLS handshake done" : "connected", false);
            }
            return;
        }
        ch.writeAndFlush(Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.UTF_8))).addListener(w -> {
            if (!w.isSuccess()) {
                verdict(id, t, false, "send failed: " + w.cause().getMessage(), false);
            } else if (t.body == null) {
                verdict(id, t, true, "request sent", false);
            }
        });
    }

    private static @Nullable SocketAddress address(Target t) {
        PeerSpec peer = t.peer;
        if (!peer.resolved()) {
            return null;
        }
        SocketAddress a = peer.address();
        if (t.check.port() != 0 && a instanceof InetSocketAddress inet) {
            return new InetSocketAddress(inet.getAddress(), t.check.port());
        }
        return a;
    }

    /**
     * The check's request; a {@code check_request_headers} Host replaces the peer's name. {@code last}: the
     * connection has served {@code keepalive} checks, the peer may close it.
     */
    private static ByteBuf request(Target t, boolean last) {
        HealthCheck c = t.check;
        StringBuilder sb = new StringBuilder(c.method()).append(' ').append(c.uri()).append(" HTTP/1.1\r\n");
        boolean host = false;
        for (String h : c.requestHeaders()) {
            int eq = h.indexOf('=');
            host |= h.substring(0, eq).equalsIgnoreCase("host");
            sb.append(h, 0, eq).append(": ").append(h, eq + 1, h.length()).append("\r\n");
        }
        if (!host) {
            // a socket path is no host name: nginx sends localhost to a unix peer (ngx_parse_unix_domain_url)
            String name = t.peer.address() instanceof UnixDomainSocketAddress ? "localhost" : t.peer.server();
            sb.append("Host: ").append(name).append("\r\n");
        }
        byte[] body = c.requestBody() == null ? new byte[0] : c.requestBody().getBytes(StandardCharsets.UTF_8);
        if (body.length > 0) {
            sb.append("Content-Length: ").append(body.length).append("\r\n");
        }
        sb.append(last ? "Connection: close\r\n\r\n" : "\r\n");
        return Unpooled.wrappedBuffer(sb.toString().getBytes(StandardCharsets.UTF_8), body);
    }

    /**
     * Ends check {@code id} once: records the verdict, keeps the connection for the next check when {@code
     * reusable} and {@code keepalive} allows, else closes it, and schedules the next check.
     */
    private void verdict(long id, Target t, boolean passed, String reason, boolean reusable) {
        if (id != checkId || !inFlight) {
            return;
        }
        inFlight = false;
        cancel(timer);
        timer = null;
        if (reusable && uses < t.check.keepalive() && channel != null) {
            channel.pipeline().remove(RESPONSE);
        } else {
            closeChannel();
        }
        if (stopped) {
            closeChannel();
            return;
        }
        HealthStatus before = state.health();
        HealthStatus after = state.recordCheck(passed, System.currentTimeMillis(), t.check.fall(), t.check.rise());
        if (after != before) {
            if (after == HealthStatus.HEALTHY) {
                logger.info("upstream \"{}\": peer {} is healthy ({})", t.upstream, t.peer.name(), reason);
            } else {
                logger.warn("upstream \"{}\": peer {} is unhealthy after {} failed check(s): {}", t.upstream,
                            t.peer.name(), t.check.fall(), reason);
            }
        }
        schedule(t.check.interval().toMillis());
    }

    private void endCheck() {
        inFlight = false;
        cancel(timer);
        timer = null;
        closeChannel();
    }

    private void closeChannel() {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }

    private static void cancel(@Nullable ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }

    /** Judges the one response of an HTTP check; any error or a close before a status line fails it. */
    private final class ResponseHandler extends ChannelInboundHandlerAdapter {

        private final long id;
        private final Target t;
        /** On a kept connection, which the peer may have closed as the check was sent. */
        private final boolean reused;
        private final HttpCheckResponse response = new HttpCheckResponse();
        private boolean received;

        ResponseHandler(long id, Target t, boolean reused) {
            this.id = id;
            this.t = t;
            this.reused = reused;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            received = true;
            try {
                if (response.append(buf.toString(StandardCharsets.ISO_8859_1))) {
                    judge(response.reusable());
                }
            } finally {
                buf.release();
            }
        }

        private void judge(boolean reusable) {
            int status = response.status();
            String body = response.body();
            String error = response.error();
            if (error != null) {
                verdict(id, t, false, error, false);
            } else if (status < 0 || body == null) {
                verdict(id, t, false, "no valid response", false);
            } else if (!t.check.passes(status)) {
                verdict(id, t, false, "status " + status, reusable);
            } else if (t.body != null && !t.body.matcher(body).find()) {
                verdict(id, t, false, "body does not match \"" + t.body.pattern() + '"', reusable);
            } else {
                verdict(id, t, true, "status " + status, reusable);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            SocketAddress address = address(t);
            if (reused && !received && id == checkId && inFlight && address != null) {
                // an idle connection closed by the peer is no verdict on the peer: check again on a new one
                connect(id, t, address, (int) Math.min(Integer.MAX_VALUE, t.check.timeout().toMillis()));
                return;
            }
            response.closed();
            judge(false);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            verdict(id, t, false, String.valueOf(cause.getMessage()), false);
        }
    }

    /**
     * Reads the answer of a TCP check until {@code check_response_body} matches (a pass), the peer closes, or
     * {@link #MAX_BODY} bytes arrive without a match (failures). Without a pattern nothing is read: the check
     * passed once its request went out.
     */
    private final class TcpResponseHandler extends ChannelInboundHandlerAdapter {

        private final long id;
        private final Target t;
        private final StringBuilder received = new StringBuilder();

        TcpResponseHandler(long id, Target t) {
            this.id = id;
            this.t = t;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                Pattern body = t.body;
                if (body == null) {
                    return;
                }
                received.append(buf.toString(StandardCharsets.ISO_8859_1));
                if (body.matcher(received).find()) {
                    verdict(id, t, true, "response matches", false);
                } else if (received.length() >= MAX_BODY) {
                    verdict(id, t, false, "no match for \"" + body.pattern() + "\" in the first " + MAX_BODY
                                          + " bytes", false);
                }
            } finally {
                buf.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            // after a verdict this is the probe's own close, which the verdict ignores
            verdict(id, t, false, t.body == null ? "connection closed"
                    : "connection closed before the response matched \"" + t.body.pattern() + '"', false);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            verdict(id, t, false, String.valueOf(cause.getMessage()), false);
        }
    }

    @Override
    public String toString() {
        Target t = target;
        return "Probe{" + (t == null ? "?" : t.upstream + ' ' + t.peer.name()) + ' ' + state.health().label() + '}';
    }
}

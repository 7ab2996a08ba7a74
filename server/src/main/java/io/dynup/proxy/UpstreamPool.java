package io.dynup.proxy;

import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import io.dynup.upstream.PeerState;
import io.dynup.upstream.Upstream;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * Idle keep-alive connections to upstream peers, one pool per event loop and upstream (nginx's
 * {@code keepalive N} cache, per worker). A connection is reused on the thread that owns it, so no lock is
 * taken; a request's upstream connection always runs on its client connection's event loop. Every entry and
 * exit is counted on the {@link Upstream}, which is how the admin API sees the idle count without this class.
 */
final class UpstreamPool {

    /** Name of the handler that watches an idle connection; replaced by the request's when it is reused. */
    static final String IDLE = "idle";

    private static final FastThreadLocal<Map<Upstream, ArrayDeque<Idle>>> POOLS = new FastThreadLocal<>() {
        @Override
        protected Map<Upstream, ArrayDeque<Idle>> initialValue() {
            return new IdentityHashMap<>();
        }
    };

    /** Requests an upstream connection has carried, for the upstream's {@code keepalive_requests}. */
    private static final AttributeKey<int[]> REQUESTS = AttributeKey.valueOf(UpstreamPool.class, "requests");

    private UpstreamPool() {
    }

    /**
     * Counts one more request on {@code ch} and tells whether the connection may carry another: nginx closes
     * a cached connection once it has served {@code keepalive_requests} (ngx_http_upstream_free_keepalive_peer),
     * so that a backend can shed memory that grows per connection.
     */
    static boolean countRequest(Channel ch, int keepaliveRequests) {
        int[] n = ch.attr(REQUESTS).get();
        if (n == null) {
            n = new int[1];
            ch.attr(REQUESTS).set(n);
        }
        return ++n[0] < keepaliveRequests;
    }

    /** An idle connection to {@code peer} on this event loop, most recently used first, or null. */
    static @Nullable Channel acquire(Upstream upstream, PeerState peer) {
        ArrayDeque<Idle> pool = POOLS.get().get(upstream);
        if (pool == null) {
            return null;
        }
        for (Iterator<Idle> it = pool.iterator(); it.hasNext(); ) {
            Idle idle = it.next();
            if (idle.peer == peer) {
                it.remove();
                upstream.countIdleConnection(-1);
                idle.timer.cancel(false);
                Channel ch = idle.channel;
                if (ch.isActive()) {
                    ch.pipeline().remove(IDLE);
                    return ch;
                }
                ch.close();
            }
        }
        return null;
    }

    /**
     * Keeps {@code ch} for reuse, evicting the least recently used connection beyond {@code max}; the
     * connection closes by itself after {@code timeoutMillis} idle, or when the peer closes it or sends bytes.
     */
    static void release(Upstream upstream, PeerState peer, Channel ch, int max, long timeoutMillis) {
        ArrayDeque<Idle> pool = POOLS.get().computeIfAbsent(upstream, u -> new ArrayDeque<>());
        Idle idle = new Idle(upstream, ch, peer, pool);
        idle.timer = ch.eventLoop().schedule(idle::evict, timeoutMillis, TimeUnit.MILLISECONDS);
        ch.pipeline().addLast(IDLE, idle);
        pool.addFirst(idle);
        upstream.countIdleConnection(1);
        while (pool.size() > max) {
            pool.peekLast().evict();
        }
        ch.read();
    }

    private static final class Idle extends ChannelInboundHandlerAdapter {
        final Upstream upstream;
        final Channel channel;
        final PeerState peer;
        final ArrayDeque<Idle> pool;
        @Nullable ScheduledFuture<?> timer;

        Idle(Upstream upstream, Channel channel, PeerState peer, ArrayDeque<Idle> pool) {
            this.upstream = upstream;
            this.channel = channel;
            this.peer = peer;
            this.pool = pool;
        }

        /** Idempotent: the timer, a read, the close and inactivity may each call it. */
        void evict() {
            if (pool.remove(this)) {
                upstream.countIdleConnection(-1);
            }
            if (timer != null) {
                timer.cancel(false);
            }
            channel.close();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            // an idle upstream must not speak: whatever it sent cannot belong to a future request
            ReferenceCountUtil.release(msg);
            evict();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            evict();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            evict();
        }
    }
}

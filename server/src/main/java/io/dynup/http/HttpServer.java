package io.dynup.http;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dynup.http.route.Listener;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;

/**
 * Binds the listeners of an {@link HttpRuntime} on the given event loops. Each accepted connection gets one
 * {@link HttpConnection} with the runtime current at accept time; reads are explicit ({@code AUTO_READ} off)
 * so backpressure reaches the sockets. {@link #update} swaps in a reloaded runtime.
 */
public final class HttpServer implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(HttpServer.class);

    /** Tells a connection to finish its current request and close, as nginx's old workers do on reload. */
    static final Object DRAIN = new Object() {
        @Override
        public String toString() {
            return "DRAIN";
        }
    };

    private final Map<SocketAddress, Channel> channels = new LinkedHashMap<>();
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final ServerBootstrap bootstrap;
    private volatile HttpRuntime runtime;

    private HttpServer(HttpRuntime runtime, Transport transport, EventLoopGroup acceptors, EventLoopGroup workers) {
        this.runtime = runtime;
        this.bootstrap = new ServerBootstrap()
                .group(acceptors, workers)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        ch.pipeline().addLast("http", new HttpConnection(HttpServer.this.runtime));
                    }
                });
    }

    /** A listener could not be bound; the message is nginx's. */
    public static final class BindFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BindFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Binds every listener or none: a bind failure closes what was bound and is thrown. */
    public static HttpServer start(HttpRuntime runtime, Transport transport, EventLoopGroup acceptors,
                                   EventLoopGroup workers) throws InterruptedException {
        HttpServer server = new HttpServer(runtime, transport, acceptors, workers);
        try {
            server.bind(runtime.listeners(), new ArrayList<>());
        } catch (InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void bind(List<Listener> listeners, List<Channel> bound) throws InterruptedException {
        for (Listener l : listeners) {
            SocketAddress address = l.address().address();
            if (channels.containsKey(address)) {
                continue;
            }
            Channel ch;
            try {
                ch = bootstrap.clone().option(ChannelOption.SO_BACKLOG, l.backlog() > 0 ? l.backlog() : 511)
                              .bind(address).sync().channel();
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                // nginx: bind() to 127.0.0.1:8080 failed (98: Address already in use)
                String m = String.valueOf(e.getMessage());
                String reason = m.contains("already in use") ? "98: Address already in use"
                        : m.contains("ermission") ? "13: Permission denied"
                        : m.contains("assign") ? "99: Cannot assign requested address" : m;
                throw new BindFailedException("bind() to " + l.address().text() + " failed (" + reason + ")", e);
            }
            channels.put(address, ch);
            bound.add(ch);
            logger.info("listening on {}", ch.localAddress());
        }
    }

    /**
     * Takes a reloaded runtime: listeners it adds are bound first (a bind failure is thrown and changes
     * nothing), then new connections get the new runtime, listeners it dropped close, and open connections
     * finish their current request and close.
     */
    public synchronized void update(HttpRuntime next) {
        List<Channel> bound = new ArrayList<>();
        try {
            bind(next.listeners(), bound);
        } catch (InterruptedException | RuntimeException e) {
            for (Channel ch : bound) {
                channels.values().remove(ch);
                ch.close();
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("bind failed: " + e.getMessage(), e);
        }
        runtime = next;
        List<SocketAddress> keep = new ArrayList<>();
        for (Listener l : next.listeners()) {
            keep.add(l.address().address());
        }
        channels.entrySet().removeIf(e -> {
            if (keep.contains(e.getKey())) {
                return false;
            }
            e.getValue().close();
            return true;
        });
        drain();
    }

    /** Stops accepting, asks every connection to close after its current request, and waits up to {@code max}. */
    public void shutdownGracefully(Duration max) {
        closeListeners();
        drain();
        long deadline = System.nanoTime() + max.toNanos();
        while (!connections.isEmpty() && System.nanoTime() < deadline) {
            try {
                TimeUnit.MILLISECONDS.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void drain() {
        for (Channel ch : connections) {
            ch.pipeline().fireUserEventTriggered(DRAIN);
        }
    }

    /** The bound server channels (their local addresses tell the ports chosen for port 0). */
    public List<Channel> channels() {
        return new ArrayList<>(channels.values());
    }

    /** Connections open now. */
    public int connections() {
        return connections.size();
    }

    private synchronized void closeListeners() {
        for (Channel ch : channels.values()) {
            ch.close().syncUninterruptibly();
        }
        channels.clear();
    }

    /** Stops accepting and closes every connection. */
    @Override
    public void close() {
        closeListeners();
        connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}

package io.dynup.http;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

    private final ListenerSet listeners = new ListenerSet("listening on");
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

    /** Binds every listener or none: a bind failure closes what was bound and is thrown. */
    public static HttpServer start(HttpRuntime runtime, Transport transport, EventLoopGroup acceptors,
                                   EventLoopGroup workers) throws InterruptedException {
        HttpServer server = new HttpServer(runtime, transport, acceptors, workers);
        try {
            server.bind(runtime.listeners());
        } catch (InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void bind(List<Listener> next) throws InterruptedException {
        listeners.bindAll(next, l -> l.address().address(), l -> l.address().text(),
                          l -> bootstrap.clone().option(ChannelOption.SO_BACKLOG, l.backlog() > 0 ? l.backlog() : 511)
                                        .bind(l.address().address()));
    }

    /**
     * Takes a reloaded runtime: listeners it adds are bound first (a bind failure is thrown and changes
     * nothing), then new connections get the new runtime, listeners it dropped close, and open connections
     * finish their current request and close.
     */
    public synchronized void update(HttpRuntime next) {
        try {
            bind(next.listeners());
        } catch (InterruptedException | RuntimeException e) {
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
        listeners.retain(keep::contains);
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
        return listeners.channels();
    }

    /** Connections open now. */
    public int connections() {
        return connections.size();
    }

    private void closeListeners() {
        listeners.closeAll();
    }

    /** Stops accepting and closes every connection. */
    @Override
    public void close() {
        closeListeners();
        connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}

package io.dynup.stream;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dynup.http.ListenerSet;
import io.dynup.http.Transport;
import io.dynup.upstream.PeerState;
import io.dynup.upstream.Upstream;
import io.dynup.upstream.UpstreamService;
import io.dynup.upstream.UpstreamSnapshot;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;

/**
 * Binds the {@code listen}s of a {@link StreamRuntime} and keeps the open {@link Relay}s. A connection takes the
 * server of the runtime current when it is accepted; {@link #update} swaps in a reloaded runtime while open
 * relays go on with theirs. Upstream changes reach the relays through the mutation service's listeners, for the
 * {@code disconnect_*} directives.
 */
public final class StreamServer implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(StreamServer.class);

    private final Transport transport;
    private final EventLoopGroup acceptors;
    private final EventLoopGroup workers;
    private final ListenerSet listeners = new ListenerSet("stream listening on");
    /** Open relays by the upstream they use, so a change looks only at the relays it can affect. */
    private final Map<Upstream, Set<Relay>> relays = new ConcurrentHashMap<>();
    private volatile StreamRuntime runtime;

    private StreamServer(StreamRuntime runtime, Transport transport, EventLoopGroup acceptors,
                         EventLoopGroup workers) {
        this.runtime = runtime;
        this.transport = transport;
        this.acceptors = acceptors;
        this.workers = workers;
    }

    /**
     * Binds every listener or none (a bind failure closes what was bound and is thrown) and follows the upstream
     * changes made through {@code service}.
     */
    public static StreamServer start(StreamRuntime runtime, UpstreamService service, Transport transport,
                                     EventLoopGroup acceptors, EventLoopGroup workers) throws InterruptedException {
        StreamServer server = new StreamServer(runtime, transport, acceptors, workers);
        try {
            server.bind(runtime.listens());
        } catch (InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
        service.addListener(server::onUpstreamChange);
        return server;
    }

    private void bind(List<ListenAddress> listens) throws InterruptedException {
        listeners.bindAll(listens, ListenAddress::address, ListenAddress::text, l -> bootstrap(l).bind(l.address()));
    }

    private ServerBootstrap bootstrap(ListenAddress listen) {
        SocketAddress key = listen.address();
        return new ServerBootstrap()
                .group(acceptors, workers)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, listen.backlog())
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        StreamServerConfig server = runtime.server(key);
                        if (server == null) {
                            // accepted as a reload dropped this listener
                            ch.close();
                            return;
                        }
                        ch.pipeline().addLast("relay", new Relay(server, StreamServer.this, ch));
                    }
                });
    }

    /**
     * Takes a reloaded runtime: listeners it adds are bound first (a bind failure is thrown and changes nothing),
     * then new connections get it, listeners it dropped close, and open relays go on with the configuration they
     * started with, except those whose upstream has {@code disconnect_on_exiting}, which close as nginx's
     * exiting workers close them. {@code service} is the reloaded mutation service, whose changes now count.
     */
    public synchronized void update(StreamRuntime next, UpstreamService service) {
        try {
            bind(next.listens());
        } catch (InterruptedException | RuntimeException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("bind failed: " + e.getMessage(), e);
        }
        runtime = next;
        service.addListener(this::onUpstreamChange);
        listeners.retain(a -> next.server(a) != null);
        disconnectOnExiting();
    }

    /**
     * The first half of nginx's graceful quit for streams: stop accepting, and close the relays of
     * {@code disconnect_on_exiting} upstreams. The others go on; {@link #awaitIdle} waits for them.
     */
    public void stopAccepting() {
        closeListeners();
        disconnectOnExiting();
    }

    /** Waits up to {@code max} for the open relays to finish. */
    public void awaitIdle(Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (connections() > 0 && System.nanoTime() < deadline) {
            try {
                TimeUnit.MILLISECONDS.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void disconnectOnExiting() {
        forEachRelay(r -> {
            if (r.config().policy().onExiting()) {
                r.disconnect("disconnect_on_exiting");
            }
        });
    }

    private void onUpstreamChange(Upstream upstream, UpstreamSnapshot before, UpstreamSnapshot after) {
        Set<Relay> open = relays.get(upstream);
        if (open == null) {
            return;
        }
        for (Relay r : open) {
            PeerState peer = r.peerState();
            String reason = peer == null ? null : r.config().policy().reasonToClose(before, after, peer);
            if (reason != null) {
                r.disconnect(reason);
            }
        }
    }

    private void forEachRelay(Consumer<Relay> action) {
        for (Set<Relay> set : relays.values()) {
            set.forEach(action);
        }
    }

    /** Per-key atomic, and an upstream without relays leaves the map (reloads replace upstream objects). */
    void opened(Relay relay) {
        relays.compute(relay.config().upstream(), (u, set) -> {
            Set<Relay> s = set != null ? set : ConcurrentHashMap.newKeySet();
            s.add(relay);
            return s;
        });
    }

    void closed(Relay relay) {
        relays.computeIfPresent(relay.config().upstream(), (u, set) -> {
            set.remove(relay);
            return set.isEmpty() ? null : set;
        });
    }

    Transport transport() {
        return transport;
    }

    /** The bound listeners (their local addresses tell the ports chosen). */
    public List<Channel> channels() {
        return listeners.channels();
    }

    /** Relays open now. */
    public int connections() {
        int n = 0;
        for (Set<Relay> set : relays.values()) {
            n += set.size();
        }
        return n;
    }

    private void closeListeners() {
        listeners.closeAll();
    }

    /** Stops accepting and closes every relay. */
    @Override
    public void close() {
        closeListeners();
        forEachRelay(r -> r.disconnect(null));
    }
}

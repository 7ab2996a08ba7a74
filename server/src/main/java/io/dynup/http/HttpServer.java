package io.dynup.http;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dynup.http.route.Listener;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;

/**
 * Binds the listeners of an {@link HttpRuntime} on the given event loops. Each accepted connection gets one
 * {@link HttpConnection}; reads are explicit ({@code AUTO_READ} off) so backpressure reaches the sockets.
 */
public final class HttpServer implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(HttpServer.class);

    private final List<Channel> channels = new ArrayList<>();

    private HttpServer() {
    }

    /** Binds every listener or none: a bind failure closes what was bound and is thrown. */
    public static HttpServer start(HttpRuntime runtime, Transport transport, EventLoopGroup acceptors,
                                   EventLoopGroup workers) throws InterruptedException {
        HttpServer server = new HttpServer();
        ServerBootstrap b = new ServerBootstrap()
                .group(acceptors, workers)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("http", new HttpConnection(runtime));
                    }
                });
        try {
            for (Listener l : runtime.listeners()) {
                ServerBootstrap lb = b.clone().option(ChannelOption.SO_BACKLOG, l.backlog() > 0 ? l.backlog() : 511);
                Channel ch = lb.bind(l.address().address()).sync().channel();
                server.channels.add(ch);
                logger.info("listening on {}", ch.localAddress());
            }
        } catch (Exception e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** The bound server channels (their local addresses tell the ports chosen for port 0). */
    public List<Channel> channels() {
        return channels;
    }

    /** Stops accepting; connections already open are left to finish. */
    @Override
    public void close() {
        for (Channel ch : channels) {
            ch.close().syncUninterruptibly();
        }
        channels.clear();
    }
}

package io.dynup.http;

import java.io.FileNotFoundException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * epoll where the native transport loads (Linux), NIO elsewhere: the event loops and socket classes to use, and
 * the connections to peers, which are TCP or, for {@code server unix:/path}, unix domain sockets.
 */
public enum Transport {
    EPOLL, NIO;

    public static Transport best() {
        return Epoll.isAvailable() ? EPOLL : NIO;
    }

    /** The transport {@code loop} runs: a connection made on a client's loop must be of the same kind. */
    public static Transport of(EventLoop loop) {
        return loop instanceof IoEventLoop io && io.isIoType(EpollIoHandler.class) ? EPOLL : NIO;
    }

    /** nginx's workers: {@code n} event-loop threads. */
    public EventLoopGroup newGroup(int n, String name) {
        IoHandlerFactory factory = this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(n, new DefaultThreadFactory(name, true), factory);
    }

    public Class<? extends ServerChannel> serverChannel() {
        return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public Class<? extends SocketChannel> socketChannel() {
        return this == EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /**
     * Connects {@code b}, set up (group, handler, options) as for a TCP peer, to {@code address}, with the channel
     * class the address needs. For a unix domain socket it drops the options such a socket has not: Netty would
     * warn about each and apply none.
     */
    public ChannelFuture connect(Bootstrap b, SocketAddress address) {
        if (!(address instanceof UnixDomainSocketAddress)) {
            return b.channel(socketChannel()).connect(address);
        }
        b.option(ChannelOption.TCP_NODELAY, null).option(ChannelOption.SO_KEEPALIVE, null);
        if (this == NIO) {
            // NIO's domain socket reads a FIN as the end of the connection: it cannot be half-closed
            b.option(ChannelOption.ALLOW_HALF_CLOSURE, null);
            return b.channel(NioDomainSocketChannel.class).connect(address);
        }
        return b.channel(EpollDomainSocketChannel.class).connect(remote(address));
    }

    /** Whether a connect failed for want of a unix peer's socket file (ENOENT, which epoll and NIO report differently). */
    public static boolean noSocketFile(Throwable connectFailure) {
        String m = connectFailure.getMessage();
        return connectFailure instanceof FileNotFoundException || m != null && m.contains("No such file or directory");
    }

    /**
     * {@code address} as a connection of this transport takes it and reports it as its remote address: epoll's
     * domain sockets have their own address type.
     */
    public SocketAddress remote(SocketAddress address) {
        return this == EPOLL && address instanceof UnixDomainSocketAddress unix
                ? new DomainSocketAddress(unix.getPath().toString()) : address;
    }
}

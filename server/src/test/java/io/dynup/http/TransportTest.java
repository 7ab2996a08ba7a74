package io.dynup.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.dynup.testing.Closer;
import io.dynup.testing.DataPlaneChecks;
import io.dynup.testing.LogCapture;
import io.dynup.testing.TcpBackend;
import io.dynup.testing.UnixBackend;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.socket.nio.NioDomainSocketChannel;

/**
 * Connections to TCP and unix domain socket peers on both transports, as the proxy, the stream relay and the
 * health checks make them: with the options set for TCP, which a domain socket must not be given (Netty warns
 * that it does not know them).
 */
@ExtendWith(DataPlaneChecks.class)
class TransportTest {

    @TempDir
    Path dir;
    @RegisterExtension
    final Closer closer = new Closer();

    static List<Transport> transports() {
        return Epoll.isAvailable() ? List.of(Transport.EPOLL, Transport.NIO) : List.of(Transport.NIO);
    }

    /** Connects as the data plane does and returns the channel; what it reads goes to {@code received}. */
    private Channel connect(Transport t, SocketAddress address, BlockingQueue<String> received) throws Exception {
        EventLoopGroup group = t.newGroup(1, "transport-test");
        closer.add(() -> group.shutdownGracefully(0, 0, TimeUnit.SECONDS).sync());
        Bootstrap b = new Bootstrap().group(group)
                .option(ChannelOption.AUTO_READ, true)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        ByteBuf buf = (ByteBuf) msg;
                        received.add(buf.toString(StandardCharsets.US_ASCII));
                        buf.release();
                    }
                });
        try (LogCapture bootstrapLog = LogCapture.of(Bootstrap.class)) {
            Channel ch = t.connect(b, address).sync().channel();
            assertThat(bootstrapLog.lines()).as("options the channel did not take").isEmpty();
            return ch;
        }
    }

    private static String read(BlockingQueue<String> received, int length) throws InterruptedException {
        StringBuilder sb = new StringBuilder();
        while (sb.length() < length) {
            String s = received.poll(10, TimeUnit.SECONDS);
            assertThat(s).as("bytes after " + sb).isNotNull();
            sb.append(s);
        }
        return sb.toString();
    }

    @ParameterizedTest
    @MethodSource("transports")
    void aUnixPeerGetsADomainSocketOfTheTransport(Transport t) throws Exception {
        UnixBackend backend = closer.add(UnixBackend.echo(dir.resolve("echo.sock"), "u"));
        UnixDomainSocketAddress address = UnixDomainSocketAddress.of(backend.path());
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        Channel ch = connect(t, address, received);
        assertThat(ch).isInstanceOf(t == Transport.EPOLL ? EpollDomainSocketChannel.class
                : NioDomainSocketChannel.class);
        assertThat(Transport.of(ch.eventLoop())).isEqualTo(t);
        // a kept health-check connection is recognised by its remote address
        assertThat(t.remote(address)).isEqualTo(ch.remoteAddress());
        ch.writeAndFlush(Unpooled.copiedBuffer("ping\n", StandardCharsets.US_ASCII)).sync();
        assertThat(read(received, "u\nping\n".length())).isEqualTo("u\nping\n");
        ch.close().sync();
    }

    @ParameterizedTest
    @MethodSource("transports")
    void aTcpPeerKeepsItsTcpOptions(Transport t) throws Exception {
        TcpBackend backend = closer.add(TcpBackend.start("t"));
        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        Channel ch = connect(t, new InetSocketAddress(InetAddress.getLoopbackAddress(), backend.port()), received);
        assertThat(ch).isInstanceOf(t.socketChannel());
        assertThat(Transport.of(ch.eventLoop())).isEqualTo(t);
        assertThat(ch.config().getOption(ChannelOption.TCP_NODELAY)).isTrue();
        assertThat(read(received, 2)).isEqualTo("t\n");
        ch.close().sync();
    }
}

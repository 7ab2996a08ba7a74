package io.dynup.health;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

import javax.net.ssl.SSLException;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;

/**
 * The TLS client side of {@code type=ssl} checks. A check asks whether the peer completes a handshake (and
 * answers), not who it is: certificates and host names are not verified, as nginx's {@code proxy_ssl_verify off}
 * default, so a peer with a self-signed or expired certificate passes. The peer's host name, when it was
 * configured by one, goes out as SNI so that a server choosing its certificate by name still answers.
 */
final class CheckTls {

    private CheckTls() {
    }

    /** Built on the first {@code type=ssl} check; one context serves every probe, it holds no per-peer state. */
    private static final class Holder {
        static final SslContext CONTEXT = build();

        private static SslContext build() {
            try {
                return SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                        .trustManager(InsecureTrustManagerFactory.INSTANCE)
                        .endpointIdentificationAlgorithm(null)
                        .build();
            } catch (SSLException e) {
                // the JDK provider with no key material has nothing to fail on but a broken JDK
                throw new IllegalStateException("cannot set up TLS for health checks", e);
            }
        }
    }

    /** A handler that starts the handshake once connected to {@code address} and gives up after {@code timeoutMillis}. */
    static SslHandler handler(ByteBufAllocator alloc, SocketAddress address, long timeoutMillis) {
        SslHandler h = address instanceof InetSocketAddress inet
                ? Holder.CONTEXT.newHandler(alloc, inet.getHostString(), inet.getPort())
                : Holder.CONTEXT.newHandler(alloc);
        h.setHandshakeTimeoutMillis(timeoutMillis);
        return h;
    }
}

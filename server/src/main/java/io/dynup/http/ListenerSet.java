package io.dynup.http;

import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;

/**
 * The listening sockets of a server (http or stream) across reloads, as nginx handles them: new addresses are
 * bound all or none with nginx's {@code bind()} error text, addresses still configured keep their socket, the
 * others close. Thread-safe.
 */
public final class ListenerSet {

    private static final Logger logger = LoggerFactory.getLogger(ListenerSet.class);

    /** A listener could not be bound; the message is nginx's ({@code bind() to 127.0.0.1:8080 failed (98: ...)}). */
    public static final class BindFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BindFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Map<SocketAddress, Channel> channels = new LinkedHashMap<>();
    private final String label;

    /** @param label how the log names a bound socket, e.g. {@code "listening on"} */
    public ListenerSet(String label) {
        this.label = label;
    }

    /**
     * Binds every listener whose address is not bound yet, or none: if one fails, those this call bound are
     * closed and the failure is thrown.
     *
     * @param address the socket address of a listener
     * @param text    the address as configured, for the error message
     * @param bind    starts binding a listener
     */
    public synchronized <T> void bindAll(List<T> listeners, Function<T, SocketAddress> address,
                                         Function<T, String> text, Function<T, ChannelFuture> bind)
            throws InterruptedException {
        List<SocketAddress> bound = new ArrayList<>();
        try {
            for (T l : listeners) {
                SocketAddress a = address.apply(l);
                if (channels.containsKey(a)) {
                    continue;
                }
                Channel ch;
                try {
                    ch = bind.apply(l).sync().channel();
                } catch (InterruptedException e) {
                    throw e;
                } catch (Exception e) {
                    String m = String.valueOf(e.getMessage());
                    String reason = m.contains("already in use") ? "98: Address already in use"
                            : m.contains("ermission") ? "13: Permission denied"
                            : m.contains("assign") ? "99: Cannot assign requested address" : m;
                    throw new BindFailedException("bind() to " + text.apply(l) + " failed (" + reason + ")", e);
                }
                channels.put(a, ch);
                bound.add(a);
                logger.info("{} {}", label, ch.localAddress());
            }
        } catch (InterruptedException | RuntimeException e) {
            for (SocketAddress a : bound) {
                channels.remove(a).close();
            }
            throw e;
        }
    }

    /** Closes the sockets whose address {@code keep} no longer wants. */
    public synchronized void retain(Predicate<SocketAddress> keep) {
        channels.entrySet().removeIf(e -> {
            if (keep.test(e.getKey())) {
                return false;
            }
            e.getValue().close();
            return true;
        });
    }

    /** Closes every socket (new connections are refused from now on). */
    public synchronized void closeAll() {
        for (Channel ch : channels.values()) {
            ch.close().syncUninterruptibly();
        }
        channels.clear();
    }

    /** The bound sockets (their local addresses tell the ports chosen for port 0). */
    public synchronized List<Channel> channels() {
        return new ArrayList<>(channels.values());
    }
}

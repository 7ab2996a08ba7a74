package io.dynup.model;

import java.net.SocketAddress;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One peer of an upstream as configured or as set at run time: nginx's {@code server} parameters after the
 * address is resolved. A {@code server} line whose host resolves to several addresses gives several peers
 * sharing {@link #server()}.
 *
 * @param server      the address as written ({@code backend.local:8080}, {@code 10.0.0.1}, {@code unix:/s})
 * @param name        the resolved {@code ip:port} or {@code unix:/path}; equal to {@code server} while a
 *                    host name added at run time awaits resolution
 * @param address     where to connect, or null while unresolved (such a peer is never selected)
 * @param failTimeout seconds, as nginx keeps it
 */
public record PeerSpec(String server, String name, @Nullable SocketAddress address, int weight, int maxFails,
                       int failTimeout, int maxConns, boolean backup, boolean down) {

    public static final int DEFAULT_WEIGHT = 1;
    public static final int DEFAULT_MAX_FAILS = 1;
    public static final int DEFAULT_FAIL_TIMEOUT = 10;
    public static final int DEFAULT_MAX_CONNS = 0;

    /** Upper bounds that keep arithmetic (total weight over 10 000 peers) far from overflow. */
    public static final int MAX_WEIGHT = 1_000_000;
    public static final int MAX_MAX_FAILS = 1_000_000;
    public static final int MAX_FAIL_TIMEOUT = 1_000_000;
    public static final int MAX_MAX_CONNS = 1_000_000;

    public PeerSpec {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(name, "name");
        checkRange("weight", weight, 1, MAX_WEIGHT);
        checkRange("max_fails", maxFails, 0, MAX_MAX_FAILS);
        checkRange("fail_timeout", failTimeout, 0, MAX_FAIL_TIMEOUT);
        checkRange("max_conns", maxConns, 0, MAX_MAX_CONNS);
    }

    /** A peer with nginx's defaults: weight=1 max_fails=1 fail_timeout=10 max_conns=0, primary, up. */
    public static PeerSpec of(String server, String name, @Nullable SocketAddress address) {
        return new PeerSpec(server, name, address, DEFAULT_WEIGHT, DEFAULT_MAX_FAILS, DEFAULT_FAIL_TIMEOUT,
                            DEFAULT_MAX_CONNS, false, false);
    }

    /** True once the address is known; only resolved peers are selected. */
    public boolean resolved() {
        return address != null;
    }

    /** True when {@code peer} names this one, by its configured server or by its resolved name. */
    public boolean matches(String peer) {
        return server.equals(peer) || name.equals(peer);
    }

    public PeerSpec withWeight(int weight) {
        return weight == this.weight ? this
                : new PeerSpec(server, name, address, weight, maxFails, failTimeout, maxConns, backup, down);
    }

    public PeerSpec withMaxFails(int maxFails) {
        return maxFails == this.maxFails ? this
                : new PeerSpec(server, name, address, weight, maxFails, failTimeout, maxConns, backup, down);
    }

    public PeerSpec withFailTimeout(int failTimeout) {
        return failTimeout == this.failTimeout ? this
                : new PeerSpec(server, name, address, weight, maxFails, failTimeout, maxConns, backup, down);
    }

    public PeerSpec withMaxConns(int maxConns) {
        return maxConns == this.maxConns ? this
                : new PeerSpec(server, name, address, weight, maxFails, failTimeout, maxConns, backup, down);
    }

    public PeerSpec withDown(boolean down) {
        return down == this.down ? this
                : new PeerSpec(server, name, address, weight, maxFails, failTimeout, maxConns, backup, down);
    }

    public PeerSpec withBackup(boolean backup) {
        return backup == this.backup ? this
                : new PeerSpec(server, name, address, weight, maxFails, failTimeout, maxConns, backup, down);
    }

    /** The same parameters for a resolved address of this peer's server. */
    public PeerSpec withAddress(String name, SocketAddress address) {
        return new PeerSpec(server, name, address, weight, maxFails, failTimeout, maxConns, backup, down);
    }

    /** The parameters in nginx's {@code server} line form, e.g. {@code weight=2 max_fails=1 ... backup}. */
    public String parameters() {
        return "weight=" + weight + " max_fails=" + maxFails + " fail_timeout=" + failTimeout + "s"
               + (maxConns != 0 ? " max_conns=" + maxConns : "") + (backup ? " backup" : "") + (down ? " down" : "");
    }

    @Override
    public String toString() {
        return "server " + server + (name.equals(server) ? "" : " (" + name + ")") + ' ' + parameters();
    }

    private static void checkRange(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(PeerUpdate.rangeMessage(field, value, min, max));
        }
    }
}

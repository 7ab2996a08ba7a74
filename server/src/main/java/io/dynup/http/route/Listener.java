package io.dynup.http.route;

import io.dynup.http.route.ListenSpec.ListenAddress;
import java.net.InetAddress;
import java.util.List;
import java.util.Objects;

/**
 * A socket nginx would open for the http servers, and the address configurations that share it
 * ({@code ngx_http_init_listening}).
 *
 * <p>When a port has a wildcard address ({@code *:80}), only the wildcard is bound, plus addresses with
 * {@code bind} (or {@code backlog=}, {@code reuseport}); connections reaching the wildcard socket for an address
 * that was listed without {@code bind} still use that address's servers, found from the connection's local address
 * by {@link #hostsFor(InetAddress)}.
 *
 * @param address what to bind
 * @param reuseport whether to set {@code SO_REUSEPORT}
 * @param backlog the listen backlog
 * @param hosts the address configurations served by this socket; the last is the socket's own address, used when
 *     no other matches
 */
public record Listener(ListenAddress address, boolean reuseport, int backlog, List<VirtualHosts> hosts) {

    /** Copies the list, which must not be empty. */
    public Listener {
        Objects.requireNonNull(address, "address");
        hosts = List.copyOf(hosts);
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("a listener serves at least its own address");
        }
    }

    /** The servers for a connection accepted on this socket whose local address is {@code local}. */
    public VirtualHosts hostsFor(InetAddress local) {
        for (int i = 0; i < hosts.size() - 1; i++) {
            if (hosts.get(i).address().address().getAddress().equals(local)) {
                return hosts.get(i);
            }
        }
        return hosts.get(hosts.size() - 1);
    }
}

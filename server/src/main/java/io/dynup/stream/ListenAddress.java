package io.dynup.stream;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.OptionalInt;

import io.dynup.config.ConfigException;
import io.dynup.config.ConfigValues;
import io.dynup.config.Directive;

/**
 * A stream {@code listen}, parsed as nginx's {@code ngx_stream_core_listen}: {@code port}, {@code *:port},
 * {@code addr:port} or {@code [ipv6]:port}, with {@code backlog=N}; {@code bind}, {@code reuseport} and
 * {@code so_keepalive} are accepted (each listener is bound on its own already).
 *
 * @param text the address as written, for error texts
 */
record ListenAddress(InetSocketAddress address, String text, int backlog) {

    /** nginx's NGX_LISTEN_BACKLOG on Linux. */
    static final int DEFAULT_BACKLOG = 511;

    static ListenAddress parse(Directive d) {
        String text = d.arg(0);
        InetSocketAddress address = address(d, text);
        int backlog = DEFAULT_BACKLOG;
        for (int i = 1; i < d.args().size(); i++) {
            String a = d.arg(i);
            if (a.startsWith("backlog=")) {
                OptionalInt n = ConfigValues.parseInt(a.substring(8));
                if (n.isEmpty() || n.getAsInt() == 0) {
                    throw ConfigException.at(d.pos(), "invalid backlog \"%s\"", a);
                }
                backlog = n.getAsInt();
            } else if (a.equals("udp") || a.equals("ssl") || a.equals("proxy_protocol")) {
                throw ConfigException.at(d.pos(), "the \"%s\" parameter of \"listen\" is not supported by dynup", a);
            } else if (!a.equals("bind") && !a.equals("reuseport") && !a.startsWith("so_keepalive=")) {
                throw ConfigException.at(d.pos(), "the invalid \"%s\" parameter", a);
            }
        }
        return new ListenAddress(address, text, backlog);
    }

    private static InetSocketAddress address(Directive d, String text) {
        if (text.startsWith("unix:")) {
            throw ConfigException.at(d.pos(), "the unix domain sockets are not supported by dynup in \"%s\" of the "
                                              + "\"listen\" directive", text);
        }
        int close = text.lastIndexOf(']');
        int colon = text.lastIndexOf(':');
        if (colon < close) {
            colon = -1;
        }
        String host = colon < 0 ? null : text.substring(0, colon);
        String portText = colon < 0 ? text : text.substring(colon + 1);
        OptionalInt port = ConfigValues.parseInt(portText);
        if (port.isEmpty() || port.getAsInt() < 1 || port.getAsInt() > 65535) {
            throw error(d, "invalid port", text);
        }
        if (host == null || host.equals("*")) {
            return new InetSocketAddress(port.getAsInt());
        }
        if (host.isEmpty()) {
            throw error(d, "no host", text);
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port.getAsInt());
        } catch (UnknownHostException e) {
            throw error(d, "host not found", text);
        }
    }

    private static ConfigException error(Directive d, String what, String text) {
        return ConfigException.at(d.pos(), "%s in \"%s\" of the \"listen\" directive", what, text);
    }
}

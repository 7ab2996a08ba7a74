package io.dynup.http.route;

import io.dynup.config.ConfigException;
import io.dynup.config.Directive;
import io.dynup.config.SourcePos;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One {@code listen} directive of an http {@code server}, parsed as {@code ngx_http_core_listen} and
 * {@code ngx_parse_url} do.
 *
 * <p>Accepted forms: {@code port}, {@code port-port} (a range), {@code address}, {@code address:port},
 * {@code *:port}, {@code [ipv6]:port}, {@code [ipv6]}, and a host name, resolved now (every address it has, IPv4
 * first, as nginx). A missing address is {@code 0.0.0.0}; a missing port is 80. (nginx uses 80 only when started as
 * root and 8000 otherwise; dynup always uses 80 so a configuration means the same whoever runs it.) Unix sockets are
 * not supported.
 *
 * <p>Parameters: {@code default_server} (and its old spelling {@code default}), {@code bind}, {@code reuseport} and
 * {@code backlog=N}. {@code ssl} and {@code http2} are refused with nginx's message for a build without those
 * modules; any other word is {@code invalid parameter "x"}, including nginx parameters dynup does not implement
 * ({@code deferred}, {@code proxy_protocol}, {@code rcvbuf=}, ...).
 *
 * @param url the address argument as written
 * @param addresses the sockets it names: several for a port range or a name with several addresses
 * @param defaultServer {@code default_server}: this server is the default for these addresses
 * @param bind {@code bind}, or an option that implies a separate socket ({@code backlog=}, {@code reuseport})
 * @param reuseport {@code reuseport}
 * @param backlog {@code backlog=N}, else {@value #DEFAULT_BACKLOG} (nginx's {@code NGX_LISTEN_BACKLOG} on Linux)
 * @param socketOptions whether socket options were given (nginx's {@code lsopt.set}): two such {@code listen}s for
 *     one address are {@code duplicate listen options}
 * @param pos the directive, for errors
 */
public record ListenSpec(
        String url,
        List<ListenAddress> addresses,
        boolean defaultServer,
        boolean bind,
        boolean reuseport,
        int backlog,
        boolean socketOptions,
        SourcePos pos) {

    /** The port of a {@code listen} without one, and of a server without {@code listen}. */
    public static final int DEFAULT_PORT = 80;

    /** nginx's {@code NGX_LISTEN_BACKLOG} on Linux. */
    public static final int DEFAULT_BACKLOG = 511;

    /** Copies the list. */
    public ListenSpec {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(pos, "pos");
        addresses = List.copyOf(addresses);
    }

    /**
     * One socket address of a {@code listen}.
     *
     * @param address the address and port
     * @param wildcard whether the address is {@code 0.0.0.0} or {@code [::]}
     * @param text the address as nginx prints it in messages: {@code 0.0.0.0:80}, {@code [::1]:8080}
     */
    public record ListenAddress(InetSocketAddress address, boolean wildcard, String text) {

        /** Checks for nulls. */
        public ListenAddress {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(text, "text");
        }

        /** {@code address:port} for {@code ip}, wildcard when it is the any-address. */
        static ListenAddress of(InetAddress ip, int port) {
            return new ListenAddress(new InetSocketAddress(ip, port), ip.isAnyLocalAddress(),
                    ListenSpec.text(ip, port));
        }
    }

    /** What nginx listens on for a server without {@code listen}: {@code *:80} (see the class comment). */
    public static ListenSpec implicit(SourcePos pos) {
        return new ListenSpec("*:" + DEFAULT_PORT,
                List.of(ListenAddress.of(anyIpv4(), DEFAULT_PORT)), false, false, false, DEFAULT_BACKLOG, false, pos);
    }

    /**
     * Parses a {@code listen} directive.
     *
     * @throws ConfigException with nginx's wording, e.g. {@code invalid port in "x:0" of the "listen" directive},
     *     {@code invalid parameter "foo"}, {@code host not found in "nohost" of the "listen" directive}
     */
    public static ListenSpec parse(Directive listen) {
        SourcePos pos = listen.pos();
        String url = listen.arg(0);
        List<ListenAddress> addresses = parseUrl(url, pos);

        boolean defaultServer = false;
        boolean bind = false;
        boolean reuseport = false;
        boolean set = false;
        int backlog = DEFAULT_BACKLOG;
        for (String p : listen.args().subList(1, listen.args().size())) {
            if (p.equals("default_server") || p.equals("default")) {
                defaultServer = true;
            } else if (p.equals("bind")) {
                bind = true;
                set = true;
            } else if (p.equals("reuseport")) {
                reuseport = true;
                bind = true;
                set = true;
            } else if (p.startsWith("backlog=")) {
                backlog = atoi(p.substring(8));
                if (backlog <= 0) {
                    throw ConfigException.at(pos, "invalid backlog \"%s\"", p);
                }
                bind = true;
                set = true;
            } else if (p.equals("ssl")) {
                throw ConfigException.at(pos, "the \"ssl\" parameter requires ngx_http_ssl_module");
            } else if (p.equals("http2")) {
                throw ConfigException.at(pos, "the \"http2\" parameter requires ngx_http_v2_module");
            } else {
                throw ConfigException.at(pos, "invalid parameter \"%s\"", p);
            }
        }
        return new ListenSpec(url, addresses, defaultServer, bind, reuseport, backlog, set, pos);
    }

    // ------------------------------------------------------------------------------------ ngx_parse_url, listen

    private static List<ListenAddress> parseUrl(String url, SourcePos pos) {
        if (url.length() >= 5 && url.regionMatches(true, 0, "unix:", 0, 5)) {
            throw urlError("unix domain sockets are not supported", url, pos);
        }
        if (url.startsWith("[")) {
            return parseInet6(url, pos);
        }
        int colon = url.indexOf(':');
        if (url.indexOf('/') >= 0 || url.indexOf('?') >= 0) {
            throw urlError("invalid host", url, pos);
        }
        int[] ports;
        String host;
        if (colon >= 0) {
            ports = ports(url.substring(colon + 1), url, pos);
            host = url.substring(0, colon);
        } else {
            int[] portOnly = portOnly(url, pos);
            if (portOnly != null) {
                return expand(anyIpv4(), portOnly);
            }
            ports = new int[] {DEFAULT_PORT, DEFAULT_PORT};
            host = url;
        }
        if (host.isEmpty()) {
            throw urlError("no host", url, pos);
        }
        if (host.equals("*")) {
            return expand(anyIpv4(), ports);
        }
        InetAddress literal = inetAddr(host);
        if (literal != null) {
            return expand(literal, ports);
        }
        return resolve(host, ports, url, pos);
    }

    /** The value as a port or port range when it is nothing else ({@code listen 8080}), else {@code null}. */
    private static int @Nullable [] portOnly(String url, SourcePos pos) {
        int dash = url.indexOf('-');
        String first = url;
        int last = 0;
        @Nullable String err = null;
        if (dash >= 0) {
            int n = atoi(url.substring(dash + 1));
            if (n < 0) {
                return null;
            }
            if (n < 1 || n > 65535) {
                err = "invalid port";
            } else {
                last = n;
            }
            first = url.substring(0, dash);
        }
        int n = atoi(first);
        if (n < 0) {
            return null;
        }
        if (err != null || n < 1 || n > 65535) {
            throw urlError("invalid port", url, pos);
        }
        if (last != 0 && n > last) {
            throw urlError("invalid port range", url, pos);
        }
        return new int[] {n, last == 0 ? n : last};
    }

    /** The text after {@code :}: a port or {@code first-last}. */
    private static int[] ports(String text, String url, SourcePos pos) {
        int dash = text.indexOf('-');
        int last = 0;
        String first = text;
        if (dash >= 0) {
            last = atoi(text.substring(dash + 1));
            if (last < 1 || last > 65535) {
                throw urlError("invalid port", url, pos);
            }
            first = text.substring(0, dash);
        }
        int n = atoi(first);
        if (n < 1 || n > 65535) {
            throw urlError("invalid port", url, pos);
        }
        if (last != 0 && n > last) {
            throw urlError("invalid port range", url, pos);
        }
        return new int[] {n, last == 0 ? n : last};
    }

    private static List<ListenAddress> parseInet6(String url, SourcePos pos) {
        int close = url.indexOf(']');
        if (close < 0 || url.indexOf('/', close) >= 0) {
            throw urlError("invalid host", url, pos);
        }
        int[] ports = {DEFAULT_PORT, DEFAULT_PORT};
        if (close + 1 < url.length()) {
            if (url.charAt(close + 1) != ':') {
                throw urlError("invalid host", url, pos);
            }
            ports = ports(url.substring(close + 2), url, pos);
        }
        String host = url.substring(1, close);
        if (host.isEmpty()) {
            throw urlError("no host", url, pos);
        }
        byte[] bytes = inet6Addr(host);
        if (bytes == null) {
            throw urlError("invalid IPv6 address", url, pos);
        }
        try {
            return expand(Inet6Address.getByAddress(null, bytes, null), ports);
        } catch (UnknownHostException e) {
            throw urlError("invalid IPv6 address", url, pos);
        }
    }

    private static List<ListenAddress> resolve(String host, int[] ports, String url, SourcePos pos) {
        InetAddress[] found;
        try {
            found = InetAddress.getAllByName(host);
        } catch (UnknownHostException | SecurityException e) {
            throw urlError("host not found", url, pos);
        }
        Set<InetAddress> ordered = new LinkedHashSet<>();
        for (InetAddress a : found) {
            if (a instanceof Inet4Address) {
                ordered.add(a);
            }
        }
        for (InetAddress a : found) {
            ordered.add(a);
        }
        List<ListenAddress> out = new ArrayList<>();
        for (InetAddress a : ordered) {
            out.addAll(expand(a, ports));
        }
        return out;
    }

    private static List<ListenAddress> expand(InetAddress ip, int[] ports) {
        List<ListenAddress> out = new ArrayList<>();
        for (int port = ports[0]; port <= ports[1]; port++) {
            out.add(ListenAddress.of(ip, port));
        }
        return out;
    }

    private static ConfigException urlError(String err, String url, SourcePos pos) {
        return ConfigException.at(pos, "%s in \"%s\" of the \"listen\" directive", err, url);
    }

    /** {@code ngx_atoi}: decimal digits only, at least one; -1 otherwise or on overflow. */
    static int atoi(String s) {
        if (s.isEmpty()) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
            if (v > Integer.MAX_VALUE) {
                return -1;
            }
        }
        return (int) v;
    }

    /** {@code ngx_inet_addr}: a dotted quad (empty parts count as 0, as nginx's parser lets them), else null. */
    private static @Nullable InetAddress inetAddr(String text) {
        int[] octets = new int[4];
        int n = 0;
        int octet = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                octet = octet * 10 + (c - '0');
                if (octet > 255) {
                    return null;
                }
            } else if (c == '.' && n < 3) {
                octets[n++] = octet;
                octet = 0;
            } else {
                return null;
            }
        }
        if (n != 3) {
            return null;
        }
        octets[3] = octet;
        byte[] b = {(byte) octets[0], (byte) octets[1], (byte) octets[2], (byte) octets[3]};
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** An IPv6 literal (with an optional trailing dotted quad) as 16 bytes, else null. */
    static byte @Nullable [] inet6Addr(String text) {
        int dbl = text.indexOf("::");
        if (dbl >= 0 && text.indexOf("::", dbl + 1) >= 0) {
            return null;
        }
        List<Integer> head = new ArrayList<>();
        List<Integer> tail = new ArrayList<>();
        String left = dbl >= 0 ? text.substring(0, dbl) : text;
        String right = dbl >= 0 ? text.substring(dbl + 2) : "";
        if (!groups(left, head, dbl < 0 || right.isEmpty()) || dbl >= 0 && !groups(right, tail, true)) {
            return null;
        }
        int total = head.size() + tail.size();
        if (dbl < 0 ? total != 8 : total > 7) {
            return null;
        }
        byte[] b = new byte[16];
        int k = 0;
        for (int g : head) {
            b[k++] = (byte) (g >> 8);
            b[k++] = (byte) g;
        }
        k = 16 - 2 * tail.size();
        for (int g : tail) {
            b[k++] = (byte) (g >> 8);
            b[k++] = (byte) g;
        }
        return b;
    }

    /** Colon-separated hex groups; the last may be a dotted quad (two groups) when {@code quadAllowed}. */
    private static boolean groups(String s, List<Integer> out, boolean quadAllowed) {
        if (s.isEmpty()) {
            return true;
        }
        String[] parts = s.split(":", -1);
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (i == parts.length - 1 && quadAllowed && part.indexOf('.') >= 0) {
                InetAddress quad = inetAddr(part);
                if (quad == null) {
                    return false;
                }
                byte[] q = quad.getAddress();
                out.add((q[0] & 0xff) << 8 | q[1] & 0xff);
                out.add((q[2] & 0xff) << 8 | q[3] & 0xff);
                continue;
            }
            if (part.isEmpty() || part.length() > 4) {
                return false;
            }
            int v = 0;
            for (int j = 0; j < part.length(); j++) {
                int d = Character.digit(part.charAt(j), 16);
                if (d < 0) {
                    return false;
                }
                v = v * 16 + d;
            }
            out.add(v);
        }
        return true;
    }

    private static InetAddress anyIpv4() {
        try {
            return InetAddress.getByAddress(new byte[4]);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code ngx_sock_ntop} with the port: {@code 127.0.0.1:80}, {@code [::1]:80}. */
    static String text(InetAddress ip, int port) {
        byte[] b = ip.getAddress();
        if (b.length == 4) {
            return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff) + ":" + port;
        }
        return "[" + inet6Text(b) + "]:" + port;
    }

    /**
     * {@code ngx_inet6_ntop}: the longest run of two or more zero groups (the first of equal runs) becomes
     * {@code ::}; IPv4-mapped and IPv4-compatible addresses end in a dotted quad.
     */
    static String inet6Text(byte[] p) {
        int zero = -1;
        int max = 1;
        int run = 0;
        int last = -1;
        for (int i = 0; i < 16; i += 2) {
            if (p[i] != 0 || p[i + 1] != 0) {
                if (max < run) {
                    zero = last;
                    max = run;
                }
                run = 0;
                continue;
            }
            if (run++ == 0) {
                last = i;
            }
        }
        if (max < run) {
            zero = last;
            max = run;
        }
        StringBuilder sb = new StringBuilder();
        int n = 16;
        if (zero == 0) {
            if (max == 5 && (p[10] & 0xff) == 0xff && (p[11] & 0xff) == 0xff
                    || max == 6
                    || max == 7 && p[14] != 0 && p[15] != 1) {
                n = 12;
            }
            sb.append(':');
        }
        for (int i = 0; i < n; i += 2) {
            if (i == zero) {
                sb.append(':');
                i += (max - 1) * 2;
                continue;
            }
            sb.append(Integer.toHexString((p[i] & 0xff) << 8 | p[i + 1] & 0xff));
            if (i < 14) {
                sb.append(':');
            }
        }
        if (n == 12) {
            sb.append(p[12] & 0xff).append('.').append(p[13] & 0xff).append('.')
                    .append(p[14] & 0xff).append('.').append(p[15] & 0xff);
        }
        return sb.toString();
    }
}

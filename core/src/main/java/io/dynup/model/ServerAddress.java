package io.dynup.model;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * A parsed {@code server} address: {@code IPv4[:port]}, {@code [IPv6][:port]}, {@code host[:port]} or
 * {@code unix:/path}, default port 80. Parsing follows nginx's {@code ngx_parse_url}, including the order in
 * which it reports problems ({@code invalid host} for a '/' or '?', then {@code invalid port}, then
 * {@code no host}), so the error texts match the reference module's.
 *
 * @param host a literal IP or host name; null for unix sockets
 * @param unixPath the socket path; null for inet addresses
 */
public record ServerAddress(String text, @Nullable String host, int port, @Nullable String unixPath) {

    public static final int DEFAULT_PORT = 80;

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    /** Parses {@code text}; the error is nginx's reason, e.g. {@code invalid port}. */
    public static Result<ServerAddress> parse(String text) {
        if (text.regionMatches(true, 0, "unix:", 0, 5)) {
            String path = text.substring(5);
            return path.isEmpty() ? Result.fail("no path in the unix domain socket")
                    : Result.ok(new ServerAddress(text, null, 0, path));
        }
        if (text.startsWith("[")) {
            return parseIpv6(text);
        }
        int slash = indexOfAny(text, '/', '?');
        if (slash >= 0) {
            return Result.fail("invalid host");
        }
        int colon = text.indexOf(':');
        int port = DEFAULT_PORT;
        String host = text;
        if (colon >= 0) {
            port = parsePort(text.substring(colon + 1));
            if (port < 0) {
                return Result.fail("invalid port");
            }
            host = text.substring(0, colon);
        }
        if (host.isEmpty()) {
            return Result.fail("no host");
        }
        return Result.ok(new ServerAddress(text, host, port, null));
    }

    /** True for a literal IP address: resolving it needs no DNS and cannot block. */
    public boolean isLiteral() {
        return unixPath != null || host.indexOf(':') >= 0 || isIpv4(host);
    }

    /** The text with the default port made explicit, as the Lua API and logs show it: {@code 1.2.3.4:80}. */
    public String withPort() {
        if (unixPath != null) {
            return text;
        }
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ':' + port;
    }

    /** Socket addresses for this server, one per resolved IP; a literal or unix address gives exactly one. */
    public SocketAddress[] resolve(HostResolver resolver) throws UnknownHostException {
        if (unixPath != null) {
            return new SocketAddress[] {UnixDomainSocketAddress.of(unixPath)};
        }
        InetAddress[] ips = isLiteral() ? new InetAddress[] {InetAddress.getByName(host)} : resolver.resolve(host);
        SocketAddress[] out = new SocketAddress[ips.length];
        for (int i = 0; i < ips.length; i++) {
            out[i] = new InetSocketAddress(ips[i], port);
        }
        return out;
    }

    /** nginx's peer name for a socket address: {@code 1.2.3.4:80}, {@code [::1]:80}, {@code unix:/path}. */
    public static String nameOf(SocketAddress address) {
        if (address instanceof InetSocketAddress) {
            InetSocketAddress a = (InetSocketAddress) address;
            String ip = a.getAddress().getHostAddress();
            int zone = ip.indexOf('%');
            if (zone >= 0) {
                ip = ip.substring(0, zone);
            }
            return (ip.indexOf(':') >= 0 ? "[" + compressIpv6(a.getAddress()) + "]" : ip) + ':' + a.getPort();
        }
        if (address instanceof UnixDomainSocketAddress) {
            return "unix:" + ((UnixDomainSocketAddress) address).getPath();
        }
        return address.toString();
    }

    private static Result<ServerAddress> parseIpv6(String text) {
        int close = text.indexOf(']');
        if (close < 0) {
            return Result.fail("invalid host");
        }
        String host = text.substring(1, close);
        String rest = text.substring(close + 1);
        int port = DEFAULT_PORT;
        if (!rest.isEmpty()) {
            if (rest.charAt(0) == '/' || rest.charAt(0) == '?') {
                return Result.fail("invalid host");
            }
            if (rest.charAt(0) != ':') {
                return Result.fail("invalid host");
            }
            port = parsePort(rest.substring(1));
            if (port < 0) {
                return Result.fail("invalid port");
            }
        }
        if (host.isEmpty() || !host.matches("[0-9A-Fa-f:.]+") || host.indexOf(':') < 0) {
            return Result.fail("invalid IPv6 address");
        }
        try {
            InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            return Result.fail("invalid IPv6 address");
        }
        return Result.ok(new ServerAddress(text, host, port, null));
    }

    /** The port 1..65535, or -1 (nginx's {@code ngx_atoi}: digits only, no sign, no spaces). */
    private static int parsePort(String s) {
        if (s.isEmpty() || s.length() > 5) {
            return -1;
        }
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n >= 1 && n <= 65535 ? n : -1;
    }

    private static boolean isIpv4(String host) {
        var m = IPV4.matcher(host);
        if (!m.matches()) {
            return false;
        }
        for (int g = 1; g <= 4; g++) {
            if (Integer.parseInt(m.group(g)) > 255) {
                return false;
            }
        }
        return true;
    }

    private static int indexOfAny(String s, char a, char b) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == a || c == b) {
                return i;
            }
        }
        return -1;
    }

    /** RFC 5952 text (Java prints {@code 0:0:0:0:0:0:0:1}; nginx prints {@code ::1}). */
    private static String compressIpv6(InetAddress ip) {
        byte[] b = ip.getAddress();
        int[] words = new int[8];
        for (int i = 0; i < 8; i++) {
            words[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (words[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && words[j] == 0) {
                j++;
            }
            if (j - i > bestLen && j - i > 1) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(words[i]));
        }
        return sb.toString();
    }
}

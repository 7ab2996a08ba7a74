package io.dynup.http.route;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The {@code Host} checks of nginx's {@code ngx_http_validate_host}. */
public final class Hosts {

    private Hosts() {
    }

    /**
     * Validates and normalizes a {@code Host} header value (or the host of an absolute request URI), as nginx does
     * before choosing a server.
     *
     * <ul>
     *   <li>a port is cut off at the first {@code :} ({@code example.com:8080}), except inside a leading
     *       {@code [...]} IPv6 literal ({@code [::1]:80} stays {@code [::1]});</li>
     *   <li>one trailing dot is removed ({@code example.com.});</li>
     *   <li>ASCII letters are lowercased;</li>
     *   <li>invalid: {@code ..} anywhere, {@code /}, control characters, space and DEL anywhere (also in the port
     *       part), and a host that is empty once the port and dot are removed ({@code ""}, {@code :80},
     *       {@code .}).</li>
     * </ul>
     *
     * @return the normalized host, or empty when nginx answers {@code 400 Bad Request} ("client sent invalid host
     *     header")
     */
    public static Optional<String> normalize(String host) {
        int len = host.length();
        int dotPos = len;
        int hostLen = len;
        boolean upper = false;
        int state = 0; // 0: usual, 1: inside [ ], 2: after the host
        for (int i = 0; i < len; i++) {
            char ch = host.charAt(i);
            switch (ch) {
                case '.' -> {
                    if (dotPos == i - 1) {
                        return Optional.empty();
                    }
                    dotPos = i;
                }
                case ':' -> {
                    if (state == 0) {
                        hostLen = i;
                        state = 2;
                    }
                }
                case '[' -> {
                    if (i == 0) {
                        state = 1;
                    }
                }
                case ']' -> {
                    if (state == 1) {
                        hostLen = i + 1;
                        state = 2;
                    }
                }
                default -> {
                    if (ch == '/' || ch <= 0x20 || ch == 0x7f) {
                        return Optional.empty();
                    }
                    if (ch >= 'A' && ch <= 'Z') {
                        upper = true;
                    }
                }
            }
        }
        if (dotPos == hostLen - 1) {
            hostLen--;
        }
        if (hostLen <= 0) {
            return Optional.empty();
        }
        String h = host.substring(0, hostLen);
        return Optional.of(upper ? lower(h) : h);
    }

    /** ASCII-only lowercasing, as {@code ngx_strlow}. */
    static String lower(String s) {
        char @Nullable [] c = null;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch >= 'A' && ch <= 'Z') {
                if (c == null) {
                    c = s.toCharArray();
                }
                c[i] = (char) (ch + ('a' - 'A'));
            }
        }
        return c == null ? s : new String(c);
    }
}

package io.dynup.http;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

import io.dynup.http.route.Captures;
import io.dynup.http.wire.RequestHead;
import io.netty.util.AsciiString;

/**
 * nginx's variables that come from the request: {@code $uri $args $arg_NAME $request_uri $host $http_NAME
 * $remote_addr $scheme $request_method $server_name $1..$9} and named captures. Unknown names are a
 * configuration error where the value is compiled ({@link ComplexValue}).
 */
public final class Variables {

    private Variables() {
    }

    /** Whether {@code name} (without {@code $}) is a variable this layer knows. */
    public static boolean known(String name) {
        switch (name) {
            case "uri":
            case "document_uri":
            case "args":
            case "query_string":
            case "is_args":
            case "request_uri":
            case "host":
            case "remote_addr":
            case "remote_port":
            case "scheme":
            case "request_method":
            case "server_name":
            case "server_port":
            case "server_protocol":
            case "proxy_add_x_forwarded_for":
                return true;
            default:
                return name.startsWith("arg_") || name.startsWith("http_") || isCapture(name);
        }
    }

    /** The value of {@code $name} for this exchange; empty when unset, as nginx prints an unset variable. */
    public static String get(HttpExchange ex, String name) {
        String v = lookup(ex, name);
        return v == null ? "" : v;
    }

    /** The value of {@code $name} for this exchange, or null when unset (ngx.var tells the two apart). */
    public static @Nullable String lookup(HttpExchange ex, String name) {
        String set = ex.variable(name);
        if (set != null) {
            return set;
        }
        RequestHead r = ex.request();
        switch (name) {
            case "uri":
            case "document_uri":
                // decoded and normalized, as nginx's $uri (the raw form is in $request_uri)
                return new String(ex.path(), java.nio.charset.StandardCharsets.UTF_8);
            case "args":
            case "query_string":
                return ex.args();
            case "is_args":
                return ex.args() != null ? "?" : "";
            case "request_uri":
                return r.uri();
            case "host": {
                String host = r.host();
                return host != null ? stripPort(host).toLowerCase(Locale.ROOT) : ex.server().server().primaryName();
            }
            case "remote_addr":
                return ex.remoteAddress().getAddress().getHostAddress();
            case "remote_port":
                return Integer.toString(ex.remoteAddress().getPort());
            case "scheme":
                return "http";
            case "request_method":
                return r.methodName();
            case "server_name":
                return ex.server().server().primaryName();
            case "server_port":
                return Integer.toString(ex.localAddress().getPort());
            case "server_protocol":
                return r.isHttp11() ? "HTTP/1.1" : "HTTP/1.0";
            case "proxy_add_x_forwarded_for": {
                String xff = r.headerValue(X_FORWARDED_FOR);
                String addr = ex.remoteAddress().getAddress().getHostAddress();
                return xff == null ? addr : xff + ", " + addr;
            }
            default:
                break;
        }
        if (name.startsWith("arg_")) {
            return arg(ex.args(), name.substring(4));
        }
        if (name.startsWith("http_")) {
            return r.headerValue(new AsciiString(name.substring(5).replace('_', '-')));
        }
        Captures c = ex.captures();
        if (isCapture(name)) {
            int n = name.charAt(0) - '0';
            return n <= c.groupCount() ? c.group(n) : null;
        }
        return c.named(name);
    }

    /** The first {@code name=value} of a query string, undecoded, as nginx's {@code $arg_NAME}. */
    static @Nullable String arg(@Nullable String query, String name) {
        if (query == null) {
            return null;
        }
        int i = 0;
        while (i <= query.length()) {
            int amp = query.indexOf('&', i);
            int end = amp < 0 ? query.length() : amp;
            int eq = query.indexOf('=', i);
            if (eq > 0 && eq < end && query.regionMatches(true, i, name, 0, name.length()) && eq - i == name.length()) {
                return query.substring(eq + 1, end);
            }
            if (amp < 0) {
                break;
            }
            i = amp + 1;
        }
        return null;
    }

    private static boolean isCapture(String name) {
        return name.length() == 1 && name.charAt(0) >= '0' && name.charAt(0) <= '9';
    }

    private static String stripPort(String host) {
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            return close > 0 ? host.substring(0, close + 1) : host;
        }
        int colon = host.indexOf(':');
        return colon >= 0 ? host.substring(0, colon) : host;
    }

    private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("X-Forwarded-For");
}

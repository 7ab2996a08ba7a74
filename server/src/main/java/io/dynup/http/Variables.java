package io.dynup.http;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import io.dynup.http.route.Captures;
import io.dynup.http.wire.RequestHead;
import io.netty.util.AsciiString;

/**
 * nginx's variables: from the request ({@code $uri $args $arg_NAME $request_uri $request $host $http_NAME
 * $remote_addr $scheme $request_method $server_name $1..$9}, named captures), its answer ({@code $status
 * $body_bytes_sent $bytes_sent $request_time}, the proxy's {@code $upstream_*}), its connection ({@code
 * $connection $connection_requests}) and the clock ({@code $time_local $time_iso8601 $msec}). Unknown names are a
 * configuration error where the value is compiled ({@link ComplexValue}).
 */
public final class Variables {

    private Variables() {
    }

    /** Whether {@code name} (without {@code $}) is a variable this layer knows. */
    public static boolean known(String name) {
        return builtin(name) || name.startsWith("arg_") || name.startsWith("http_") || isCapture(name);
    }

    /**
     * Whether {@code name} is one of the fixed names (not a prefix such as {@code arg_}): nginx refuses to
     * {@code set} those, except the changeable {@code $args}, with {@code the duplicate "name" variable}.
     */
    public static boolean builtin(String name) {
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
            case "request":
            case "status":
            case "request_time":
            case "body_bytes_sent":
            case "bytes_sent":
            case "time_local":
            case "time_iso8601":
            case "msec":
            case "remote_user":
            case "connection":
            case "connection_requests":
            case "upstream_addr":
            case "upstream_status":
            case "upstream_response_time":
                return true;
            default:
                return false;
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
                return ex.methodName();
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
            case "request":
                return r.refCnt() > 0 ? r.startLine() : "";
            case "status":
                return status(ex.status());
            case "request_time":
                return millis((System.nanoTime() - ex.startNanos()) / 1_000_000);
            case "body_bytes_sent":
                return Long.toString(ex.bodyBytesSent());
            case "bytes_sent":
                return Long.toString(ex.bytesSent());
            case "time_local":
                return TIME_LOCAL.format(ZonedDateTime.now());
            case "time_iso8601":
                return TIME_ISO8601.format(ZonedDateTime.now());
            case "msec":
                return millis(System.currentTimeMillis());
            case "connection":
                return Long.toString(ex.connectionNumber());
            case "connection_requests":
                return Integer.toString(ex.connectionRequests());
            case "remote_user":
            case "upstream_addr":
            case "upstream_status":
            case "upstream_response_time":
                // no basic auth; the upstream ones are set on the exchange by the proxy when it ran
                return null;
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

    /** nginx's three-digit {@code $status}: {@code 000} before any response. */
    private static String status(int status) {
        return status >= 100 ? Integer.toString(status)
                : new String(new char[] {'0', (char) ('0' + status / 10 % 10), (char) ('0' + status % 10)});
    }

    /** Milliseconds as nginx prints {@code $msec} and {@code $request_time}: seconds with three decimals. */
    static String millis(long ms) {
        long frac = ms % 1000;
        return ms / 1000 + (frac < 10 ? ".00" : frac < 100 ? ".0" : ".") + frac;
    }

    private static final DateTimeFormatter TIME_LOCAL =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);
    private static final DateTimeFormatter TIME_ISO8601 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx");

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

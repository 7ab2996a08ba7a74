package io.dynup.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.jspecify.annotations.Nullable;

import io.dynup.config.ConfigValues;

/**
 * A {@link HealthCheck} as the run-time APIs show and change it, in ngx_dynamic_healthcheck's keys (its Lua
 * {@code get}/{@code update}): {@code type fall rise timeout interval keepalive [port] command{uri method headers
 * [body] expected{[body] codes}} disabled off disabled_hosts excluded_hosts}. One shape for Lua, the
 * {@code healthcheck_*} handlers and the JSON API, as plain maps, lists, strings and numbers each face encodes.
 *
 * <p>{@code timeout} is milliseconds and {@code interval} seconds, fractional below a second ({@code 0.5}), as
 * the module counts them; strings with nginx's units ({@code "2s"}, {@code "500ms"}) are taken too.
 */
public final class HealthCheckFields {

    /** The top-level keys {@link #parse} takes. */
    public static final String KEYS = "type, fall, rise, timeout, interval, keepalive, port, command, disabled, off, "
                                      + "disabled_hosts, excluded_hosts";
    private static final String COMMAND_KEYS = "uri, method, headers, body, expected";
    private static final String EXPECTED_KEYS = "body, codes";

    /** Bounds the config's {@code check} directive takes too, so that the API and the config agree. */
    static final int MAX_FALL_RISE = 1000;
    static final int MAX_KEEPALIVE = 1_000_000;
    static final long MAX_TIMEOUT_MILLIS = 86_400_000;
    static final long MAX_INTERVAL_MILLIS = 86_400_000;

    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern METHOD = Pattern.compile("[A-Z]{1,20}");
    private static final Pattern DECIMAL = Pattern.compile("\\d{1,9}(\\.\\d{1,3})?");

    private HealthCheckFields() {
    }

    /** The check as the APIs show it: insertion-ordered maps, lists, strings and numbers. */
    public static Map<String, Object> view(HealthCheck c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", c.typeName());
        m.put("fall", c.fall());
        m.put("rise", c.rise());
        m.put("timeout", c.timeout().toMillis());
        long interval = c.interval().toMillis();
        m.put("interval", interval % 1000 == 0 ? (Object) (interval / 1000) : (Object) (interval / 1000.0));
        m.put("keepalive", c.keepalive());
        if (c.port() != 0) {
            m.put("port", c.port());
        }
        Map<String, Object> expected = new LinkedHashMap<>();
        if (c.responseBody() != null) {
            expected.put("body", c.responseBody());
        }
        Map<String, Object> command = new LinkedHashMap<>();
        if (c.type() == HealthCheck.Type.HTTP) {
            command.put("uri", c.uri());
            command.put("method", c.method());
            Map<String, String> headers = new LinkedHashMap<>();
            for (String h : c.requestHeaders()) {
                int eq = h.indexOf('=');
                headers.put(h.substring(0, eq), h.substring(eq + 1));
            }
            command.put("headers", headers);
            expected.put("codes", c.responseCodes());
        }
        if (c.requestBody() != null) {
            command.put("body", c.requestBody());
        }
        if (!expected.isEmpty()) {
            command.put("expected", expected);
        }
        // a plain TCP connect has nothing to send or expect: no command, as in the module
        if (!command.isEmpty()) {
            m.put("command", command);
        }
        m.put("disabled", c.disabled() ? 1 : 0);
        m.put("off", c.off() ? 1 : 0);
        m.put("disabled_hosts", c.disabledHosts());
        m.put("excluded_hosts", c.excludedHosts());
        return m;
    }

    /**
     * A partial change in {@link #view}'s shape: only the keys given change. Everything is validated here, before
     * anything is applied: numbers may be Java numbers or numeric strings, flags {@code true/false/1/0}, an empty
     * string clears a body; unknown keys, wrong types and values out of range fail with the key's path and what
     * was expected, e.g. {@code fall: 0 (expected: an integer 1..1000)} or {@code command.uri: "x" (expected: a
     * path starting with /)}. The change itself is for {@code UpstreamService.updateCheck}.
     */
    public static Result<UnaryOperator<HealthCheck>> parse(Map<String, ?> raw) {
        List<Consumer<HealthCheck.Builder>> steps = new ArrayList<>();
        try {
            Map<String, Object> left = given(raw, "");
            Object type = left.remove("type");
            if (type != null) {
                steps.add(type(type));
            }
            Integer fall = integer(left, "fall", 1, MAX_FALL_RISE);
            if (fall != null) {
                steps.add(b -> b.fall(fall));
            }
            Integer rise = integer(left, "rise", 1, MAX_FALL_RISE);
            if (rise != null) {
                steps.add(b -> b.rise(rise));
            }
            Integer keepalive = integer(left, "keepalive", 1, MAX_KEEPALIVE);
            if (keepalive != null) {
                steps.add(b -> b.keepalive(keepalive));
            }
            Integer port = integer(left, "port", 0, 65535);
            if (port != null) {
                steps.add(b -> b.port(port));
            }
            Duration timeout = time(left, "timeout", false, MAX_TIMEOUT_MILLIS);
            if (timeout != null) {
                steps.add(b -> b.timeout(timeout));
            }
            Duration interval = time(left, "interval", true, MAX_INTERVAL_MILLIS);
            if (interval != null) {
                steps.add(b -> b.interval(interval));
            }
            Boolean off = PeerUpdate.flag(left, "off");
            if (off != null) {
                steps.add(b -> b.off(off));
            }
            Boolean disabled = PeerUpdate.flag(left, "disabled");
            if (disabled != null) {
                steps.add(b -> b.disabled(disabled));
            }
            List<String> disabledHosts = hosts(left, "disabled_hosts");
            if (disabledHosts != null) {
                steps.add(b -> b.disabledHosts(disabledHosts));
            }
            List<String> excludedHosts = hosts(left, "excluded_hosts");
            if (excludedHosts != null) {
                steps.add(b -> b.excludedHosts(excludedHosts));
            }
            Object command = left.remove("command");
            if (command != null) {
                command(object(command, "command"), steps);
            }
            unknown(left, "", KEYS);
        } catch (IllegalArgumentException e) {
            return Result.fail(e.getMessage());
        }
        return Result.ok(check -> {
            HealthCheck.Builder b = check.toBuilder();
            steps.forEach(s -> s.accept(b));
            return b.build();
        });
    }

    private static void command(Map<String, ?> raw, List<Consumer<HealthCheck.Builder>> steps) {
        Map<String, Object> left = given(raw, "command.");
        String uri = string(left, "command.uri", "uri");
        if (uri != null) {
            if (!uri.startsWith("/") || uri.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
                throw invalid("command.uri", uri, "a path starting with /, without spaces");
            }
            steps.add(b -> b.uri(uri));
        }
        String method = string(left, "command.method", "method");
        if (method != null) {
            if (!METHOD.matcher(method).matches()) {
                throw invalid("command.method", method, "an upper-case method such as GET");
            }
            steps.add(b -> b.method(method));
        }
        Object headers = left.remove("headers");
        if (headers != null) {
            List<String> pairs = new ArrayList<>();
            for (Map.Entry<String, ?> h : object(headers, "command.headers").entrySet()) {
                String value = text(h.getValue(), "command.headers." + h.getKey());
                if (!TOKEN.matcher(h.getKey()).matches()) {
                    throw invalid("command.headers", h.getKey(), "header names made of token characters");
                }
                if (value.chars().anyMatch(c -> c < ' ' && c != '\t' || c == 0x7f)) {
                    throw invalid("command.headers." + h.getKey(), value, "a value without control characters");
                }
                pairs.add(h.getKey() + "=" + value);
            }
            steps.add(b -> b.requestHeaders(pairs));
        }
        String body = string(left, "command.body", "body");
        if (body != null) {
            steps.add(b -> b.requestBody(body.isEmpty() ? null : body));
        }
        Object expected = left.remove("expected");
        if (expected != null) {
            expected(object(expected, "command.expected"), steps);
        }
        unknown(left, "command.", COMMAND_KEYS);
    }

    private static void expected(Map<String, ?> raw, List<Consumer<HealthCheck.Builder>> steps) {
        Map<String, Object> left = given(raw, "command.expected.");
        String body = string(left, "command.expected.body", "body");
        if (body != null) {
            try {
                Pattern.compile(body);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("command.expected.body: invalid regex \"" + body + "\": "
                                                   + e.getDescription());
            }
            steps.add(b -> b.responseBody(body.isEmpty() ? null : body));
        }
        Object codes = left.remove("codes");
        if (codes != null) {
            List<Integer> parsed = new ArrayList<>();
            for (Object c : list(codes, "command.expected.codes")) {
                Long n = PeerUpdate.wholeNumber(c);
                if (n == null || n < 100 || n > 599) {
                    throw new IllegalArgumentException("command.expected.codes: " + show(c)
                                                       + " (expected: statuses 100..599)");
                }
                parsed.add(n.intValue());
            }
            steps.add(b -> b.responseCodes(parsed));
        }
        unknown(left, "command.expected.", EXPECTED_KEYS);
    }

    /**
     * The change {@code disable_host} makes: {@code host} (an address or a server as written) joins the
     * {@code disabled_hosts}, or leaves them; nothing changes when it is already so.
     */
    public static UnaryOperator<HealthCheck> disableHost(String host, boolean disable) {
        return c -> {
            if (c.disabledHosts().contains(host) == disable) {
                return c;
            }
            List<String> hosts = new ArrayList<>(c.disabledHosts());
            if (disable) {
                hosts.add(host);
            } else {
                hosts.removeIf(host::equals);
            }
            return c.toBuilder().disabledHosts(hosts).build();
        };
    }

    /**
     * The change a {@code type} makes; the one place that maps the module's type names onto a check. {@code ssl}
     * keeps what is said once connected (an HTTP check becomes HTTPS, a TCP one a TLS handshake), as the module's
     * {@code type=ssl} with or without {@code check_request_uri}.
     */
    private static Consumer<HealthCheck.Builder> type(Object v) {
        if ("ssl".equals(v)) {
            return b -> b.ssl(true);
        }
        for (HealthCheck.Type t : HealthCheck.Type.values()) {
            if (t.name().toLowerCase(Locale.ROOT).equals(v)) {
                return b -> b.type(t).ssl(false);
            }
        }
        throw new IllegalArgumentException("type: " + show(v) + " (expected: tcp, http or ssl)");
    }

    private static @Nullable Integer integer(Map<String, Object> left, String key, int min, int max) {
        Object v = left.remove(key);
        if (v == null) {
            return null;
        }
        Long n = PeerUpdate.wholeNumber(v);
        if (n == null || n < min || n > max) {
            throw new IllegalArgumentException(PeerUpdate.rangeMessage(key, show(v), min, max));
        }
        return n.intValue();
    }

    /**
     * A bare number is seconds ({@code inSeconds}, fractional to the millisecond) or whole milliseconds; a string
     * may also carry nginx's units.
     */
    private static @Nullable Duration time(Map<String, Object> left, String key, boolean inSeconds, long maxMillis) {
        Object v = left.remove(key);
        if (v == null) {
            return null;
        }
        Optional<Duration> d = Optional.empty();
        if (v instanceof Number || v instanceof String s && DECIMAL.matcher(s.trim()).matches()) {
            double n = v instanceof Number num ? num.doubleValue() : Double.parseDouble(((String) v).trim());
            double millis = inSeconds ? n * 1000 : n;
            if (millis == Math.rint(millis) && millis >= 1 && millis <= maxMillis) {
                d = Optional.of(Duration.ofMillis((long) millis));
            }
        } else if (v instanceof String s) {
            d = ConfigValues.parseTime(s.trim()).filter(t -> t.toMillis() >= 1 && t.toMillis() <= maxMillis);
        }
        return d.orElseThrow(() -> new IllegalArgumentException(
                key + ": " + show(v) + " (expected: " + (inSeconds ? "seconds 0.001.." + maxMillis / 1000
                        : "milliseconds 1.." + maxMillis) + ", or a time such as \"500ms\" or \"2s\")"));
    }

    private static @Nullable List<String> hosts(Map<String, Object> left, String key) {
        Object v = left.remove(key);
        if (v == null) {
            return null;
        }
        List<String> hosts = new ArrayList<>();
        for (Object h : list(v, key)) {
            if (!(h instanceof String s) || s.isEmpty()) {
                throw invalid(key, h, "a list of addresses such as \"10.0.0.1:8080\"");
            }
            hosts.add(s);
        }
        return hosts;
    }

    private static @Nullable String string(Map<String, Object> left, String path, String key) {
        Object v = left.remove(key);
        return v == null ? null : text(v, path);
    }

    /** Strings as they are, numbers as Lua prints them ({@code 1}, not {@code 1.0}). */
    private static String text(@Nullable Object v, String path) {
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Number) {
            return show(v);
        }
        throw invalid(path, v, "a string");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, ?> object(Object v, String path) {
        if (v instanceof Map) {
            return (Map<String, ?>) v;
        }
        // an empty Lua table reads as an empty list
        if (v instanceof List<?> l && l.isEmpty()) {
            return Map.of();
        }
        throw invalid(path, v, "a table of named fields");
    }

    private static List<?> list(Object v, String path) {
        if (v instanceof List<?> l) {
            return l;
        }
        if (v instanceof Map<?, ?> m && m.isEmpty()) {
            return List.of();
        }
        throw invalid(path, v, "a list");
    }

    /** A copy to take the keys from; a null value (JSON's) is refused rather than taken for "not given". */
    private static Map<String, Object> given(Map<String, ?> raw, String prefix) {
        Map<String, Object> left = new LinkedHashMap<>(raw);
        for (Map.Entry<String, Object> e : left.entrySet()) {
            if (e.getValue() == null) {
                throw invalid(prefix + e.getKey(), null, "a value");
            }
        }
        return left;
    }

    private static void unknown(Map<String, Object> left, String prefix, String keys) {
        if (!left.isEmpty()) {
            throw new IllegalArgumentException("unknown parameter \"" + prefix + left.keySet().iterator().next()
                                               + "\" (expected: " + keys + ")");
        }
    }

    private static IllegalArgumentException invalid(String path, @Nullable Object v, String expected) {
        return new IllegalArgumentException(path + ": " + show(v) + " (expected: " + expected + ")");
    }

    private static String show(@Nullable Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Map) {
            return "a table";
        }
        if (v instanceof List) {
            return "a list";
        }
        return PeerUpdate.show(v);
    }
}

package io.dynup.model;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.jspecify.annotations.Nullable;

/**
 * An upstream's active health check, the {@code check*} directives of ngx_dynamic_healthcheck: every
 * {@code interval} each peer is probed (a TCP connect, optionally sending {@code requestBody} and matching
 * what comes back, or an HTTP request whose status and body are matched; either over TLS with {@code ssl});
 * {@code fall} consecutive failures make it unhealthy, {@code rise} consecutive passes healthy again.
 *
 * @param port           the port to probe instead of the peer's, or 0 for the peer's own
 * @param keepalive      checks sent on one connection before it is closed; 1 closes after every check
 * @param initialUp      whether a new peer is selectable before its first check ({@code initial=up});
 *                       by default it waits in {@code checking} until it passes once
 * @param requestHeaders {@code name=value} pairs, as written
 * @param responseCodes  statuses that pass; empty means any 2xx or 3xx
 * @param requestBody    the HTTP request's body, or for a TCP check the bytes sent once connected; null sends none
 * @param responseBody   a regular expression the HTTP body, or for a TCP check the bytes received, must contain a
 *                       match of; null passes a TCP check once its request is sent
 * @param off            checks suspended (ngx_dynamic_healthcheck's {@code off=1}): nothing is probed and every
 *                       peer counts as healthy, so that no verdict outlives the checks that made it
 * @param disabled       every peer held out of service whatever checks say ({@code disable=1})
 * @param disabledHosts  peers held out of service, by address or server as written ({@code disable_host})
 * @param excludedHosts  peers never probed and always healthy ({@code check_exclude_host})
 * @param ssl            {@code type=ssl}: the check runs over TLS, the peer's certificate is not verified
 */
public record HealthCheck(Type type, int fall, int rise, Duration interval, Duration timeout, int port,
                          int keepalive, boolean initialUp, String method, String uri, List<String> requestHeaders,
                          @Nullable String requestBody, List<Integer> responseCodes, @Nullable String responseBody,
                          boolean off, boolean disabled, List<String> disabledHosts, List<String> excludedHosts,
                          boolean ssl) {

    /** What a check says to a peer once connected (and, with {@link #ssl}, after the TLS handshake). */
    public enum Type { TCP, HTTP }

    public static final int DEFAULT_FALL = 1;
    public static final int DEFAULT_RISE = 1;
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);

    public HealthCheck {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        requestHeaders = List.copyOf(requestHeaders);
        responseCodes = List.copyOf(responseCodes);
        disabledHosts = List.copyOf(disabledHosts);
        excludedHosts = List.copyOf(excludedHosts);
        if (fall < 1) {
            throw new IllegalArgumentException("fall: " + fall + " (expected: >= 1)");
        }
        if (rise < 1) {
            throw new IllegalArgumentException("rise: " + rise + " (expected: >= 1)");
        }
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval: " + interval.toMillis() + "ms (expected: > 0)");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: " + timeout.toMillis() + "ms (expected: > 0)");
        }
        if (keepalive < 1) {
            throw new IllegalArgumentException("keepalive: " + keepalive + " (expected: >= 1)");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
        }
        if (responseBody != null) {
            try {
                Pattern.compile(responseBody);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("response body: invalid regex \"" + responseBody + "\": "
                                                   + e.getDescription(), e);
            }
        }
        for (int code : responseCodes) {
            if (code < 100 || code > 599) {
                throw new IllegalArgumentException("response code: " + code + " (expected: 100-599)");
            }
        }
    }

    /** The defaults: a TCP connect every 10 seconds, 1 second to answer, one failure or pass to switch. */
    public static HealthCheck defaults() {
        return new HealthCheck(Type.TCP, DEFAULT_FALL, DEFAULT_RISE, DEFAULT_INTERVAL, DEFAULT_TIMEOUT, 0, 1,
                               false, "GET", "/", List.of(), null, List.of(), null, false, false, List.of(),
                               List.of(), false);
    }

    /** The {@code type=} the check directive would say: {@code ssl} for any check over TLS. */
    public String typeName() {
        return ssl ? "ssl" : type.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** A builder starting from this check, for run-time changes of some of its parameters. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Whether the peer is held out of service by {@code disable} or {@code disable_host}. */
    public boolean disables(PeerSpec peer) {
        return disabled || names(disabledHosts, peer);
    }

    /** Whether the peer is left out of the checks ({@code check_exclude_host}). */
    public boolean excludes(PeerSpec peer) {
        return names(excludedHosts, peer);
    }

    /** Whether the peer is probed: checks on, and neither disabled nor excluded. */
    public boolean probes(PeerSpec peer) {
        return !off && !disables(peer) && !excludes(peer);
    }

    private static boolean names(List<String> hosts, PeerSpec peer) {
        for (String h : hosts) {
            if (peer.matches(h)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code status} passes: one of the configured codes, else any 2xx or 3xx. */
    public boolean passes(int status) {
        return responseCodes.isEmpty() ? status >= 200 && status < 400 : responseCodes.contains(status);
    }

    /** Mutable copy of a check's parameters; {@link #build()} validates them as the constructor does. */
    public static final class Builder {
        private Type type;
        private int fall;
        private int rise;
        private Duration interval;
        private Duration timeout;
        private int port;
        private int keepalive;
        private boolean initialUp;
        private String method;
        private String uri;
        private List<String> requestHeaders;
        private @Nullable String requestBody;
        private List<Integer> responseCodes;
        private @Nullable String responseBody;
        private boolean off;
        private boolean disabled;
        private List<String> disabledHosts;
        private List<String> excludedHosts;
        private boolean ssl;

        private Builder(HealthCheck c) {
            type = c.type;
            fall = c.fall;
            rise = c.rise;
            interval = c.interval;
            timeout = c.timeout;
            port = c.port;
            keepalive = c.keepalive;
            initialUp = c.initialUp;
            method = c.method;
            uri = c.uri;
            requestHeaders = c.requestHeaders;
            requestBody = c.requestBody;
            responseCodes = c.responseCodes;
            responseBody = c.responseBody;
            off = c.off;
            disabled = c.disabled;
            disabledHosts = c.disabledHosts;
            excludedHosts = c.excludedHosts;
            ssl = c.ssl;
        }

        public Builder type(Type v) {
            type = v;
            return this;
        }

        public Builder fall(int v) {
            fall = v;
            return this;
        }

        public Builder rise(int v) {
            rise = v;
            return this;
        }

        public Builder interval(Duration v) {
            interval = v;
            return this;
        }

        public Builder timeout(Duration v) {
            timeout = v;
            return this;
        }

        public Builder port(int v) {
            port = v;
            return this;
        }

        public Builder keepalive(int v) {
            keepalive = v;
            return this;
        }

        public Builder initialUp(boolean v) {
            initialUp = v;
            return this;
        }

        public Builder method(String v) {
            method = v;
            return this;
        }

        public Builder uri(String v) {
            uri = v;
            return this;
        }

        public Builder requestHeaders(List<String> v) {
            requestHeaders = v;
            return this;
        }

        public Builder requestBody(@Nullable String v) {
            requestBody = v;
            return this;
        }

        public Builder responseCodes(List<Integer> v) {
            responseCodes = v;
            return this;
        }

        public Builder responseBody(@Nullable String v) {
            responseBody = v;
            return this;
        }

        public Builder off(boolean v) {
            off = v;
            return this;
        }

        public Builder disabled(boolean v) {
            disabled = v;
            return this;
        }

        public Builder disabledHosts(List<String> v) {
            disabledHosts = v;
            return this;
        }

        public Builder excludedHosts(List<String> v) {
            excludedHosts = v;
            return this;
        }

        public Builder ssl(boolean v) {
            ssl = v;
            return this;
        }

        /** @throws IllegalArgumentException naming the parameter out of range */
        public HealthCheck build() {
            return new HealthCheck(type, fall, rise, interval, timeout, port, keepalive, initialUp, method, uri,
                                   requestHeaders, requestBody, responseCodes, responseBody, off, disabled,
                                   disabledHosts, excludedHosts, ssl);
        }
    }
}

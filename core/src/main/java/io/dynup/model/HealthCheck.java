package io.dynup.model;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

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
 * @param ssl            {@code type=ssl}: the check runs over TLS, the peer's certificate is not verified
 */
public record HealthCheck(Type type, int fall, int rise, Duration interval, Duration timeout, int port,
                          int keepalive, boolean initialUp, String method, String uri, List<String> requestHeaders,
                          @Nullable String requestBody, List<Integer> responseCodes, @Nullable String responseBody,
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
        if (fall < 1) {
            throw new IllegalArgumentException("fall: " + fall + " (expected: >= 1)");
        }
        if (rise < 1) {
            throw new IllegalArgumentException("rise: " + rise + " (expected: >= 1)");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
        }
        if (responseBody != null) {
            Pattern.compile(responseBody);
        }
    }

    /** The defaults: a TCP connect every 10 seconds, 1 second to answer, one failure or pass to switch. */
    public static HealthCheck defaults() {
        return new HealthCheck(Type.TCP, DEFAULT_FALL, DEFAULT_RISE, DEFAULT_INTERVAL, DEFAULT_TIMEOUT, 0, 1,
                               false, "GET", "/", List.of(), null, List.of(), null, false);
    }

    /** Whether {@code status} passes: one of the configured codes, else any 2xx or 3xx. */
    public boolean passes(int status) {
        return responseCodes.isEmpty() ? status >= 200 && status < 400 : responseCodes.contains(status);
    }
}

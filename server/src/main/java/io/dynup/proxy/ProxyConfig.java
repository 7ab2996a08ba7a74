package io.dynup.proxy;

import java.util.Set;

import org.jspecify.annotations.Nullable;

import io.dynup.balancer.Balancer;
import io.dynup.http.wire.HeadWriter;
import io.dynup.upstream.Upstream;

/**
 * A proxied location, bound once at load time.
 *
 * @param uri            the URI part of {@code proxy_pass}, replacing the matched {@code prefix}; null = send
 *                       the client's URI unchanged
 * @param keepalive      upstream connections may be reused: HTTP/1.1, {@code Connection ""} and a
 *                       {@code keepalive} cache on the upstream
 * @param tries          {@code proxy_next_upstream_tries}; 0 = unlimited
 * @param triesTimeoutMs {@code proxy_next_upstream_timeout}; 0 = unlimited
 */
record ProxyConfig(Upstream upstream, Balancer balancer, @Nullable String uri, @Nullable String prefix,
                   HeadWriter requestHead, HeadWriter chunkedRequestHead, boolean keepalive, long connectTimeoutMs, long readTimeoutMs,
                   long sendTimeoutMs, Set<NextUpstream> next, int tries, long triesTimeoutMs,
                   byte @Nullable [] prefixBytes) {

    /** {@code prefixBytes}: the location prefix as the bytes of {@code $uri} it matches (UTF-8, as locations are). */
    ProxyConfig(Upstream upstream, Balancer balancer, @Nullable String uri, @Nullable String prefix,
                HeadWriter requestHead, HeadWriter chunkedRequestHead, boolean keepalive, long connectTimeoutMs,
                long readTimeoutMs, long sendTimeoutMs, Set<NextUpstream> next, int tries, long triesTimeoutMs) {
        this(upstream, balancer, uri, prefix, requestHead, chunkedRequestHead, keepalive, connectTimeoutMs,
             readTimeoutMs, sendTimeoutMs, next, tries, triesTimeoutMs,
             prefix == null ? null : prefix.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}

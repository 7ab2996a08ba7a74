/**
 * The byte-level HTTP/1.x wire layer: heads are parsed in place (offsets into the received buffer), bodies are
 * framed without being copied, and only what must change is rewritten, so a proxy forwards the received bytes as
 * slices. nginx 1.22's parser is the reference for what is accepted and which status an error gets.
 *
 * <p>Starting points:
 * <ul>
 *   <li>{@link io.dynup.http.wire.RequestHeadParser} turns client bytes into a
 *       {@link io.dynup.http.wire.RequestHead}, incrementally, with {@link io.dynup.http.wire.HeadLimits};</li>
 *   <li>{@link io.dynup.http.wire.ResponseHeadParser} does the same for upstream responses
 *       ({@link io.dynup.http.wire.ResponseHead});</li>
 *   <li>{@link io.dynup.http.wire.BodyFramer} says how many of the bytes after a head belong to its body
 *       (Content-Length, chunked, until close);</li>
 *   <li>{@link io.dynup.http.wire.HeadWriter} writes the head to forward, with nginx's {@code proxy_set_header}
 *       semantics ({@link io.dynup.http.wire.HeaderValue});</li>
 *   <li>{@link io.dynup.http.wire.WireException} carries a {@link io.dynup.http.wire.WireError}: the status nginx
 *       would answer and the text it would log.</li>
 * </ul>
 *
 * <p>Parsers and framers belong to one connection and are not thread-safe. Heads are reference-counted and
 * recycled: whoever receives one releases it.
 */
@NullMarked
package io.dynup.http.wire;

import org.jspecify.annotations.NullMarked;

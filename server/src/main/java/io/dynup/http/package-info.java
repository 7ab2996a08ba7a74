/**
 * The HTTP server core, as nginx's http core module: listeners ({@link io.dynup.http.HttpServer}), one
 * {@link io.dynup.http.HttpConnection} per client connection parsing requests in place, server and location
 * selection, and the handler SPI ({@link io.dynup.http.HttpModule}, {@link io.dynup.http.ContentHandler},
 * {@link io.dynup.http.HttpExchange}) that the proxy, Lua and admin layers plug into without knowing each other.
 */
@NullMarked
package io.dynup.http;

import org.jspecify.annotations.NullMarked;

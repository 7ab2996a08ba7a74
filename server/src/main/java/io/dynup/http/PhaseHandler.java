package io.dynup.http;

/**
 * One module's step of a request {@link Phase}. It either ends the exchange (responds, or aborts it), or lets
 * the request go on with {@link HttpExchange#proceed()} — at once, or later on the exchange's event loop (a Lua
 * handler that slept). Called on the connection's event loop; it must not block.
 */
@FunctionalInterface
public interface PhaseHandler {

    void handle(HttpExchange exchange);
}

package io.dynup.http;

/**
 * Produces the response of a request in a location (nginx's content phase). Called on the connection's event
 * loop; it must not block, and must end the exchange (now or later) with a response or by closing it.
 */
@FunctionalInterface
public interface ContentHandler {

    void handle(HttpExchange exchange);
}

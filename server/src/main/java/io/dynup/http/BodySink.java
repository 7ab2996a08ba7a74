package io.dynup.http;

import io.netty.buffer.ByteBuf;

/**
 * Receives a request body as the client sends it: raw body bytes, framing included (chunked bodies keep their
 * chunk lines), so they can be forwarded unchanged. The connection reads more only when the sink asks
 * ({@link HttpExchange#demandBody()}): backpressure from the far side reaches the client.
 */
public interface BodySink {

    /** Body bytes; the sink owns {@code bytes} and must release or pass them on. */
    void onBody(ByteBuf bytes);

    /** The body is complete. */
    void onBodyEnd();
}

package io.dynup.http.wire;

/** How the end of a message body is found (RFC 9112 section 6.3, as nginx applies it). */
public enum BodyKind {
    /** No body: the message ends with its head. */
    NONE,
    /** Exactly {@code Content-Length} bytes. */
    CONTENT_LENGTH,
    /** {@code Transfer-Encoding: chunked}: chunks, the last chunk, trailers and an empty line. */
    CHUNKED,
    /** Everything until the connection closes; only responses. */
    UNTIL_CLOSE
}

package io.dynup.http.wire;

import org.jspecify.annotations.Nullable;

/**
 * A message that cannot be accepted: the parser or framer that threw it has been reset, and the connection should
 * answer {@link #status()} (client side) or 502 (upstream side) and close.
 *
 * <p>It carries no stack trace: it is a verdict about peer input, not a bug, and a peer can provoke it at will.
 */
public final class WireException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final WireError error;

    /**
     * @param error the reason
     * @param detail the offending bytes, already quoted and bounded, or {@code null}
     */
    public WireException(WireError error, @Nullable String detail) {
        super(detail == null ? error.message() : error.message() + ": " + detail, null, false, false);
        this.error = error;
    }

    /** The reason. */
    public WireError error() {
        return error;
    }

    /** The status to answer with; shorthand for {@code error().status()}. */
    public int status() {
        return error.status();
    }
}

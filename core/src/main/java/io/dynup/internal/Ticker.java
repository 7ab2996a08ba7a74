package io.dynup.internal;

/**
 * A source of monotonic nanoseconds, injected wherever time decides behaviour ({@code fail_timeout}, DNS
 * refresh) so tests advance a fake clock instead of sleeping.
 */
@FunctionalInterface
public interface Ticker {

    /** Nanoseconds from an arbitrary origin; only differences mean anything. */
    long read();

    /** The JVM's monotonic clock. */
    static Ticker system() {
        return SystemTicker.INSTANCE;
    }

    /** Milliseconds from the same origin as {@link #read()}. */
    default long readMillis() {
        return read() / 1_000_000L;
    }
}

enum SystemTicker implements Ticker {
    INSTANCE;

    @Override
    public long read() {
        return System.nanoTime();
    }
}

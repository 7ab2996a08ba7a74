package io.dynup.testing;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.dynup.internal.Ticker;

/** A ticker tests move by hand, so fail_timeout and refresh intervals pass without sleeping. */
public final class FakeTicker implements Ticker {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);

    @Override
    public long read() {
        return nanos.get();
    }

    public FakeTicker advance(Duration d) {
        nanos.addAndGet(d.toNanos());
        return this;
    }

    public FakeTicker advanceSeconds(long s) {
        return advance(Duration.ofSeconds(s));
    }
}

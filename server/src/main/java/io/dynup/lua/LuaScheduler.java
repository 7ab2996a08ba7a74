package io.dynup.lua;

import java.util.concurrent.TimeUnit;

import io.netty.util.concurrent.EventExecutor;

/**
 * Where a suspended Lua request is resumed: the worker's event loop in production, a manual clock in tests.
 * Tasks must run on the thread that owns the request's {@link LuaVm}.
 */
@FunctionalInterface
public interface LuaScheduler {

    /** Runs {@code task} after {@code delayMillis} (0: as soon as possible, but not from inside this call). */
    void schedule(Runnable task, long delayMillis);

    /** Timers of a Netty event loop: no thread per sleeping request. */
    static LuaScheduler of(EventExecutor loop) {
        return (task, delayMillis) -> {
            if (delayMillis <= 0) {
                loop.execute(task);
            } else {
                loop.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
            }
        };
    }
}

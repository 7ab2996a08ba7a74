package io.dynup.lua;

/**
 * Where a Lua request's response goes, as a stream (the HTTP layer maps it onto an exchange). Called on the
 * VM's thread, in this order: at most one {@link #sendHead}, any number of {@link #write}, then exactly one of
 * {@link #finish} or {@link #abort}.
 */
public interface LuaOutput {

    /** The response head is due (first body output): {@code status} is {@code ngx.status}, 200 by default. */
    void sendHead(int status);

    /** Body bytes (ngx.say / ngx.print); the array is the callee's. */
    void write(byte[] bytes);

    /** The handler suspended (ngx.sleep, ngx.flush, waiting for the body): what was written should go out now. */
    default void suspended() {
    }

    /**
     * The handler ended normally or by {@code ngx.exit}, or failed before any output. If no head was sent, the
     * HTTP layer answers {@code status} itself (nginx's page for it; an empty body for 2xx); else the body ends.
     */
    void finish(int status);

    /**
     * The handler failed after the head was sent: nothing sensible can follow, the connection should close
     * (as nginx does when a Lua thread aborts mid-response).
     */
    void abort();
}

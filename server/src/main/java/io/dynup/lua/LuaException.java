package io.dynup.lua;

/** A Lua chunk failed to compile, or the VM was misused; the message is Lua's (chunk name, line, reason). */
public final class LuaException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public LuaException(String message) {
        super(message);
    }

    public LuaException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.dynup.lua.lib;

/** Raised by a {@link LibFunction} to raise a Lua error with this message (no stack trace is kept). */
public final class LibraryError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public LibraryError(String message) {
        super(message, null, false, false);
    }
}

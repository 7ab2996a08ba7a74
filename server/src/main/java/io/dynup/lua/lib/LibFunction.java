package io.dynup.lua.lib;

import party.iroiro.luajava.Lua;

/** A Java function callable from Lua through {@link LibraryHost#wrap}. */
@FunctionalInterface
public interface LibFunction {

    /**
     * Reads its arguments from {@code lua}'s stack, pushes its results.
     *
     * @return the number of results pushed
     * @throws LibraryError to raise a Lua error with the message
     */
    int call(Lua lua);
}

package io.dynup.lua.lib;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

import party.iroiro.luajava.Lua;
import party.iroiro.luajava.LuaException;

/**
 * A library's Lua half, a resource next to this class. It runs once per VM and receives its Java functions as
 * arguments, keeping them in upvalues only: Lua code never holds a Java object.
 */
final class LuaSource {

    private final String name;
    private final byte[] bytes;

    private LuaSource(String name, byte[] bytes) {
        this.name = name;
        this.bytes = bytes;
    }

    static LuaSource resource(String file) {
        try (InputStream in = LuaSource.class.getResourceAsStream(file)) {
            if (in == null) {
                throw new IllegalStateException("missing Lua library resource " + file);
            }
            return new LuaSource("=dynup." + file.substring(0, file.lastIndexOf('.')), in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs the chunk with the {@code nargs} values on top of the stack as its arguments ({@code ...}) and leaves
     * its one result on the stack.
     */
    void call(Lua lua, int nargs) {
        ByteBuffer buf = ByteBuffer.allocateDirect(bytes.length);
        buf.put(bytes).flip();
        try {
            lua.load(buf, name);
            lua.insert(-nargs - 1);
            lua.pCall(nargs, 1);
        } catch (LuaException e) {
            throw new IllegalStateException("Lua library " + name + " failed to load: " + e.getMessage(), e);
        }
    }
}

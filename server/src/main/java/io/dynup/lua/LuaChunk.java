package io.dynup.lua;

/** A compiled chunk held by one {@link LuaVm} (a registry reference); valid until that VM closes. */
public final class LuaChunk {

    private final LuaVm vm;
    private final String name;
    final int ref;

    LuaChunk(LuaVm vm, String name, int ref) {
        this.vm = vm;
        this.name = name;
        this.ref = ref;
    }

    public LuaVm vm() {
        return vm;
    }

    /** The chunk name as it shows in Lua errors, e.g. {@code content_by_lua(nginx.conf:42)}. */
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return name;
    }
}

package io.dynup.config;

/** What may follow a directive's arguments. */
public enum BlockKind {
    /** A simple directive, ended by {@code ;}. */
    NONE,
    /** A block of child directives, {@code { ... }}, parsed in the spec's child context. */
    BLOCK,
    /**
     * A body kept as raw text, {@code { ... }}, as OpenResty's {@code *_by_lua_block} directives have: braces are
     * matched the way Lua code needs (strings, long strings and comments may contain unbalanced braces).
     */
    RAW
}

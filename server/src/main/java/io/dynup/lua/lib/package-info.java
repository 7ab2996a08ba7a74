/**
 * The Lua libraries OpenResty scripts expect beyond the request API. Starting point: {@link
 * io.dynup.lua.lib.LuaLibraries}, one per configuration, opened into every VM. Each library is a Java half
 * (thin, thread-safe, over shared state such as {@link io.dynup.upstream.UpstreamService}) and, where Lua
 * semantics matter (argument checks, table shapes), a Lua half in a resource next to it that receives the Java
 * functions through {@link io.dynup.lua.lib.LibraryHost#wrap}.
 */
@NullMarked
package io.dynup.lua.lib;

import org.jspecify.annotations.NullMarked;

package io.dynup.lua;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

import io.dynup.config.ConfigException;
import io.dynup.config.Directive;

/**
 * The Lua code of one {@code *_by_lua_block}, {@code *_by_lua} or {@code *_by_lua_file} directive, checked when
 * the configuration loads: a syntax error is a configuration error (OpenResty finds it only at the first
 * request). With {@code lua_code_cache off} a file is read again for every run.
 *
 * @param name   the chunk name as OpenResty gives it: {@code content_by_lua(nginx.conf:42)}, or {@code @path}
 * @param source the code, or null when {@code file} is read at each run
 * @param file   the file of a {@code *_file} directive, or null
 */
record LuaCode(String name, @Nullable String source, @Nullable Path file) {

    /**
     * The code of {@code d}, one of {@code base + "_block" | "_file" | ""}.
     *
     * @param base  the directive name without its suffix, e.g. {@code content_by_lua}
     * @param cache {@code lua_code_cache}: when off, a file is read again for each run
     * @throws ConfigException with Lua's message when the code does not compile or the file cannot be read
     */
    static LuaCode of(Directive d, String base, boolean cache) {
        if (d.name().endsWith("_file")) {
            Path file = d.pos().file().resolveSibling(d.arg(0));
            String source;
            try {
                source = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw ConfigException.at(d.pos(), "failed to load external Lua file \"%s\": cannot open %s",
                                         file, file);
            }
            String name = "@" + file;
            String err = LuaVm.syntaxError(name, source);
            if (err != null) {
                throw ConfigException.at(d.pos(), "failed to load external Lua file \"%s\": %s", file, err);
            }
            return new LuaCode(name, cache ? source : null, file);
        }
        String source = d.hasRawBlock() ? d.rawBlock() : d.arg(0);
        String name = base + "(" + d.pos().file().getFileName() + ":" + d.pos().line() + ")";
        String err = LuaVm.syntaxError(name, source);
        if (err != null) {
            throw ConfigException.at(d.pos(), "failed to load inlined Lua code: %s", err);
        }
        return new LuaCode(name, source, null);
    }

    /** The compiled code on {@code vm} (compiled once per VM unless the file is read each time). */
    LuaChunk chunk(LuaVm vm) {
        return vm.chunk(name, text());
    }

    /** The code to run now. */
    String text() {
        String s = source;
        if (s != null) {
            return s;
        }
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new LuaException("failed to load external Lua file \"" + file + "\": cannot open " + file, e);
        }
    }
}

package io.dynup.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Reads nginx-syntax configuration into a {@link Config}, checking every directive against a {@link DirectiveTable}
 * as nginx's {@code ngx_conf_parse} and {@code ngx_conf_handler} do, with the same error texts and positions.
 *
 * <p>{@code include PATTERN} is resolved relative to the directory of the file that contains it. nginx resolves it
 * against its configuration prefix instead; dynup differs on purpose so that a configuration tree can be moved or
 * tested anywhere and still find its parts. A pattern with {@code *}, {@code ?} or {@code [} is a glob whose matches
 * are read in sorted order (none is fine); a plain name must exist. The included directives are spliced in place of
 * the {@code include}, parsed in its context, each keeping its own file and line. An include that would re-enter a
 * file already being read, or nest deeper than {@value #MAX_INCLUDE_DEPTH}, is an error.
 *
 * <p>Parsing is purely syntactic: arguments are checked for count only, their values are left to the consumers of
 * the {@link Directive} tree (see {@link ConfigValues}).
 */
public final class ConfigParser {

    /** The deepest chain of nested includes accepted. */
    public static final int MAX_INCLUDE_DEPTH = 64;

    private static final String INCLUDE = "include";

    private final DirectiveTable table;
    /** Files being read, innermost first, to catch include cycles. */
    private final Deque<Path> reading = new ArrayDeque<>();

    private ConfigParser(DirectiveTable table) {
        this.table = table;
    }

    /**
     * Parses the configuration file {@code file}, following its includes.
     *
     * @throws ConfigException for any problem, e.g. {@code open() "/abs/nginx.conf" failed (2: No such file or
     *     directory)} or {@code unknown directive "foo" in /abs/nginx.conf:12}
     */
    public static Config parse(Path file, DirectiveTable table) {
        Path abs = file.toAbsolutePath().normalize();
        return new ConfigParser(table).parseMain(abs, ConfigFiles.read(abs, null));
    }

    /**
     * Parses configuration text as if it were the content of {@code pretendFile}: errors name that file and includes
     * are resolved relative to its directory. The file itself need not exist.
     *
     * @throws ConfigException for any problem
     */
    public static Config parseString(String text, Path pretendFile, DirectiveTable table) {
        Path abs = pretendFile.toAbsolutePath().normalize();
        return new ConfigParser(table).parseMain(abs, text.getBytes(StandardCharsets.UTF_8));
    }

    private Config parseMain(Path file, byte[] content) {
        reading.push(identity(file));
        return new Config(file, parseFile(file, content, Context.MAIN));
    }

    private List<Directive> parseFile(Path file, byte[] content, Context context) {
        List<Directive> out = new ArrayList<>();
        parseBody(new ConfigLexer(file, content), context, false, out);
        return out;
    }

    /** Reads directives until the end of the file or, inside a block, its closing brace. */
    private void parseBody(ConfigLexer lexer, Context context, boolean inBlock, List<Directive> out) {
        for (;;) {
            ConfigLexer.Statement st = lexer.next();
            switch (st.terminator()) {
                case BLOCK_END -> {
                    if (!inBlock) {
                        throw new ConfigException("unexpected \"}\"", lexer.here());
                    }
                    return;
                }
                case END_OF_FILE -> {
                    if (inBlock) {
                        throw new ConfigException("unexpected end of file, expecting \"}\"", lexer.here());
                    }
                    return;
                }
                case SEMICOLON, BLOCK_START -> handle(lexer, context, st, out);
            }
        }
    }

    private void handle(ConfigLexer lexer, Context context, ConfigLexer.Statement st, List<Directive> out) {
        String name = st.words().get(0);
        List<String> args = st.words().subList(1, st.words().size());
        // nginx reports directive errors where the directive ends: the line of its ";" or "{".
        SourcePos pos = lexer.here();
        DirectiveSpec spec = table.lookup(name, context).orElseThrow(() -> table.isKnown(name)
                ? ConfigException.at(pos, "\"%s\" directive is not allowed here", name)
                : ConfigException.at(pos, "unknown directive \"%s\"", name));

        boolean opensBlock = st.terminator() == ConfigLexer.Terminator.BLOCK_START;
        if (spec.blockKind() == BlockKind.NONE && opensBlock) {
            throw ConfigException.at(pos, "directive \"%s\" is not terminated by \";\"", name);
        }
        if (spec.blockKind() != BlockKind.NONE && !opensBlock) {
            throw ConfigException.at(pos, "directive \"%s\" has no opening \"{\"", name);
        }
        if (!spec.acceptsArgCount(args.size())) {
            throw ConfigException.at(pos, "invalid number of arguments in \"%s\" directive", name);
        }

        switch (spec.blockKind()) {
            case NONE -> {
                if (name.equals(INCLUDE)) {
                    include(args.get(0), pos, context, out);
                } else {
                    out.add(Directive.simple(name, args, pos));
                }
            }
            case BLOCK -> {
                List<Directive> children = new ArrayList<>();
                Context child = spec.childContext();
                if (child == null) {
                    throw new IllegalStateException("block spec without child context: " + spec);
                }
                parseBody(lexer, child, true, children);
                out.add(new Directive(name, args, children, null, pos));
            }
            case RAW -> out.add(new Directive(name, args, null, lexer.rawLuaBlock(), pos));
        }
    }

    private void include(String pattern, SourcePos pos, Context context, List<Directive> out) {
        Path parent = pos.file().getParent();
        Path dir = parent != null ? parent : pos.file();
        for (Path file : IncludeGlob.expand(pattern, dir)) {
            Path id = identity(file);
            if (reading.contains(id)) {
                throw ConfigException.at(pos, "recursive include of \"%s\"", file);
            }
            if (reading.size() > MAX_INCLUDE_DEPTH) {
                throw ConfigException.at(pos, "too many nested includes (more than %d)", MAX_INCLUDE_DEPTH);
            }
            byte[] content = ConfigFiles.read(file, pos);
            reading.push(id);
            try {
                out.addAll(parseFile(file, content, context));
            } finally {
                reading.pop();
            }
        }
    }

    /** The same file reached by different names (symlinks, "..") must count as one for cycle detection. */
    private static Path identity(Path file) {
        try {
            return file.toRealPath();
        } catch (IOException e) {
            return file;
        }
    }
}

package io.dynup.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One directive of the configuration, immutable: {@code name args;}, {@code name args { children }} or a raw-body
 * directive such as {@code content_by_lua_block { lua code }}.
 *
 * <p>Arguments are the token texts after unquoting and nginx's escape processing; {@code $variables} are kept
 * verbatim. Directives that came from an {@code include} keep the position in the file they were read from.
 *
 * @param name the directive name (the first token)
 * @param args the arguments after the name
 * @param block the children when the directive has a {@code { ... }} block, else {@code null}
 * @param rawBlock the exact text between the braces for a {@link BlockKind#RAW} directive, else {@code null}
 * @param pos where nginx would report an error about this directive: the line holding the {@code ;} or <code>&#123;</code>
 *     that ends it (for the usual one-line directive, simply its line)
 */
public record Directive(
        String name, List<String> args, @Nullable List<Directive> block, @Nullable String rawBlock, SourcePos pos) {

    /** Copies the lists so the tree stays immutable; a directive cannot have both kinds of block. */
    public Directive {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(pos, "pos");
        args = List.copyOf(args);
        block = block == null ? null : List.copyOf(block);
        if (block != null && rawBlock != null) {
            throw new IllegalArgumentException("directive \"" + name + "\" cannot have both a block and a raw block");
        }
    }

    /** A simple directive ({@code name args;}). */
    public static Directive simple(String name, List<String> args, SourcePos pos) {
        return new Directive(name, args, null, null, pos);
    }

    /** Whether this directive has a {@code { ... }} block of child directives. */
    public boolean hasBlock() {
        return block != null;
    }

    /** Whether this directive has a raw body ({@link BlockKind#RAW}). */
    public boolean hasRawBlock() {
        return rawBlock != null;
    }

    /** The child directives, empty when there is no block. */
    public List<Directive> children() {
        List<Directive> b = block;
        return b == null ? List.of() : b;
    }

    /**
     * The {@code i}-th argument, 0-based (so {@code arg(0)} of {@code zone backend 1m} is {@code backend}).
     *
     * @throws IndexOutOfBoundsException if there is no such argument
     */
    public String arg(int i) {
        return args.get(i);
    }

    /** The children named {@code name}, in file order. */
    public List<Directive> all(String name) {
        return Directives.named(children(), name);
    }

    /** The first child named {@code name}, if any. */
    public Optional<Directive> first(String name) {
        return Directives.first(children(), name);
    }
}

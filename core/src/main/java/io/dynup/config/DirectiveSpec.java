package io.dynup.config;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What the parser checks about one directive in a set of contexts: where it may stand, how many arguments it takes
 * and whether a block follows. The same name may have several specs for different contexts ({@code server} is a
 * block in {@code http} but a simple directive in {@code upstream}).
 *
 * <p>The factories keep table entries to one line each, e.g.
 * {@code DirectiveSpec.simple("zone", 1, 2, HTTP_UPSTREAM, STREAM_UPSTREAM)}.
 *
 * @param name the directive name
 * @param contexts the contexts in which this spec applies (not empty)
 * @param minArgs the fewest arguments, not counting the name
 * @param maxArgs the most arguments, {@link #UNBOUNDED} for no limit
 * @param blockKind what follows the arguments
 * @param childContext the context of the children, exactly when {@code blockKind} is {@link BlockKind#BLOCK}
 */
public record DirectiveSpec(
        String name,
        Set<Context> contexts,
        int minArgs,
        int maxArgs,
        BlockKind blockKind,
        @Nullable Context childContext) {

    /**
     * The name of a spec that stands for every name not otherwise declared in its contexts, for blocks whose
     * lines are data rather than directives (nginx's {@code types}, whose block has its own handler).
     */
    public static final String ANY_NAME = "*";

    /** {@link #maxArgs()} for directives that take any number of arguments from {@link #minArgs()} on. */
    public static final int UNBOUNDED = Integer.MAX_VALUE;

    /** Validates the spec and makes {@code contexts} an immutable copy. */
    public DirectiveSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(blockKind, "blockKind");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("empty directive name");
        }
        if (contexts.isEmpty()) {
            throw new IllegalArgumentException("\"" + name + "\" is allowed in no context");
        }
        if (minArgs < 0 || maxArgs < minArgs) {
            throw new IllegalArgumentException(
                    "\"" + name + "\": bad argument range " + minArgs + ".." + maxArgs);
        }
        if ((blockKind == BlockKind.BLOCK) != (childContext != null)) {
            throw new IllegalArgumentException(
                    "\"" + name + "\": a child context is needed exactly for BLOCK directives");
        }
        contexts = Set.copyOf(contexts);
    }

    /** A directive ended by {@code ;}, taking {@code minArgs..maxArgs} arguments, allowed in {@code contexts}. */
    public static DirectiveSpec simple(String name, int minArgs, int maxArgs, Context... contexts) {
        return new DirectiveSpec(name, contextSet(contexts), minArgs, maxArgs, BlockKind.NONE, null);
    }

    /** A block directive whose children are parsed in {@code childContext}, allowed in {@code contexts}. */
    public static DirectiveSpec block(String name, int minArgs, int maxArgs, Context childContext,
            Context... contexts) {
        return new DirectiveSpec(name, contextSet(contexts), minArgs, maxArgs, BlockKind.BLOCK, childContext);
    }

    /** A raw-body directive without arguments, such as {@code content_by_lua_block { ... }}. */
    public static DirectiveSpec raw(String name, Context... contexts) {
        return raw(name, 0, 0, contexts);
    }

    /** A raw-body directive with arguments before the body, such as {@code set_by_lua_block $var { ... }}. */
    public static DirectiveSpec raw(String name, int minArgs, int maxArgs, Context... contexts) {
        return new DirectiveSpec(name, contextSet(contexts), minArgs, maxArgs, BlockKind.RAW, null);
    }

    /** Whether {@code count} arguments (not counting the name) are acceptable. */
    public boolean acceptsArgCount(int count) {
        return count >= minArgs && count <= maxArgs;
    }

    private static Set<Context> contextSet(Context... contexts) {
        if (contexts.length == 0) {
            return Set.of();
        }
        EnumSet<Context> set = EnumSet.noneOf(Context.class);
        for (Context c : contexts) {
            set.add(Objects.requireNonNull(c, "context"));
        }
        return set;
    }
}

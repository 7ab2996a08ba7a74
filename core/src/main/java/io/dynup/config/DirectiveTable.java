package io.dynup.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The directives the parser knows, looked up by name and context. Immutable; build one with {@link #builder()}:
 *
 * <pre>{@code
 * DirectiveTable table = DirectiveTable.builder().addAll(CoreDirectives.ALL).add(mySpec).build();
 * }</pre>
 */
public final class DirectiveTable {

    private final Map<String, List<DirectiveSpec>> byName;

    private DirectiveTable(Map<String, List<DirectiveSpec>> byName) {
        this.byName = byName;
    }

    /** A new, empty builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The spec for {@code name} in {@code context}, if the directive may stand there; else the context's
     * {@link DirectiveSpec#ANY_NAME} spec, if it has one.
     */
    public Optional<DirectiveSpec> lookup(String name, Context context) {
        Optional<DirectiveSpec> named = find(name, context);
        return named.isPresent() ? named : find(DirectiveSpec.ANY_NAME, context);
    }

    private Optional<DirectiveSpec> find(String name, Context context) {
        for (DirectiveSpec spec : byName.getOrDefault(name, List.of())) {
            if (spec.contexts().contains(context)) {
                return Optional.of(spec);
            }
        }
        return Optional.empty();
    }

    /** Whether {@code name} is known in any context (separates "unknown" from "not allowed here"). */
    public boolean isKnown(String name) {
        return byName.containsKey(name);
    }

    /** Every spec, grouped by name in the order names were first added. */
    public List<DirectiveSpec> specs() {
        return byName.values().stream().flatMap(List::stream).toList();
    }

    /** Collects specs; rejects a second spec for a name and context that already has one. */
    public static final class Builder {

        private final Map<String, List<DirectiveSpec>> byName = new LinkedHashMap<>();

        private Builder() {
        }

        /**
         * Adds one spec.
         *
         * @throws IllegalArgumentException if a spec with the same name already covers one of its contexts: the
         *     parser could only ever use one of them, so the other is a mistake in a table
         */
        public Builder add(DirectiveSpec spec) {
            Objects.requireNonNull(spec, "spec");
            List<DirectiveSpec> same = byName.computeIfAbsent(spec.name(), n -> new ArrayList<>());
            for (DirectiveSpec other : same) {
                for (Context c : spec.contexts()) {
                    if (other.contexts().contains(c)) {
                        throw new IllegalArgumentException(
                                "directive \"" + spec.name() + "\" is declared twice for context " + c);
                    }
                }
            }
            same.add(spec);
            return this;
        }

        /** Adds every spec of {@code specs}, in order. */
        public Builder addAll(Collection<DirectiveSpec> specs) {
            specs.forEach(this::add);
            return this;
        }

        /** An immutable table of the specs added so far. */
        public DirectiveTable build() {
            Map<String, List<DirectiveSpec>> copy = new LinkedHashMap<>();
            byName.forEach((name, specs) -> copy.put(name, List.copyOf(specs)));
            return new DirectiveTable(Collections.unmodifiableMap(copy));
        }
    }
}

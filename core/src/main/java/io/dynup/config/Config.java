package io.dynup.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed configuration: the directives of the main context, with {@code include}s already spliced in.
 *
 * @param file the main configuration file (absolute, normalized)
 * @param directives the top-level directives in file order
 */
public record Config(Path file, List<Directive> directives) {

    /** Normalizes the path and copies the list. */
    public Config {
        file = Objects.requireNonNull(file, "file").toAbsolutePath().normalize();
        directives = List.copyOf(directives);
    }

    /** The top-level directives named {@code name}, in file order. */
    public List<Directive> all(String name) {
        return Directives.named(directives, name);
    }

    /** The first top-level directive named {@code name}, if any. */
    public Optional<Directive> first(String name) {
        return Directives.first(directives, name);
    }
}

package io.dynup.config;

import java.util.List;
import java.util.Optional;

/** Lookups shared by {@link Directive} and {@link Config}, which both hold an ordered list of directives. */
final class Directives {

    private Directives() {
    }

    static List<Directive> named(List<Directive> directives, String name) {
        return directives.stream().filter(d -> d.name().equals(name)).toList();
    }

    static Optional<Directive> first(List<Directive> directives, String name) {
        return directives.stream().filter(d -> d.name().equals(name)).findFirst();
    }
}

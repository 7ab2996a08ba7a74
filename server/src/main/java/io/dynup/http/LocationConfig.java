package io.dynup.http;

import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import io.dynup.config.Directive;
import io.dynup.http.route.Location;

/**
 * A location's view of the configuration with nginx's inheritance: a directive set in the location wins, else
 * the enclosing locations', the server's, then the {@code http} block's. Lists ({@code proxy_set_header},
 * {@code allow}/{@code deny}) come whole from the nearest level that has any, as nginx merges arrays.
 */
public final class LocationConfig {

    private final Location location;
    private final Directive http;
    private final HttpServices services;
    private final Set<String> captureNames;

    public LocationConfig(Location location, Directive http, HttpServices services) {
        this(location, http, services, Set.of());
    }

    /**
     * @param captureNames the variables declared in the {@code http} block: the named captures of every regex
     *                     (server names and locations) and the names modules declare ({@code set $name}); nginx
     *                     declares each for the whole block, usable anywhere
     */
    public LocationConfig(Location location, Directive http, HttpServices services, Set<String> captureNames) {
        this.location = location;
        this.http = http;
        this.services = services;
        this.captureNames = Set.copyOf(captureNames);
    }

    public Location location() {
        return location;
    }

    /** The {@code http} block this location belongs to. */
    public Directive http() {
        return http;
    }

    public HttpServices services() {
        return services;
    }

    /** Names of the variables declared in the {@code http} block (named captures, {@code set}): a value may use them. */
    public Set<String> captureNames() {
        return captureNames;
    }

    /** The nearest {@code name} directive, or null. */
    public @Nullable Directive find(String name) {
        List<Directive> all = findAll(name);
        return all.isEmpty() ? null : all.get(all.size() - 1);
    }

    /** Every {@code name} directive of the nearest level that has one, in order; empty if none. */
    public List<Directive> findAll(String name) {
        for (Location l = location; l != null; l = l.parent()) {
            List<Directive> here = l.directive().all(name);
            if (!here.isEmpty()) {
                return here;
            }
        }
        return http.all(name);
    }

    /**
     * The directives named any of {@code names} at the nearest level that has one of them, in configuration
     * order: nginx merges a group such as {@code allow}/{@code deny} as one array.
     */
    public List<Directive> findAllOf(Set<String> names) {
        for (Location l = location; l != null; l = l.parent()) {
            List<Directive> here = of(l.directive(), names);
            if (!here.isEmpty()) {
                return here;
            }
        }
        return of(http, names);
    }

    private static List<Directive> of(Directive block, Set<String> names) {
        return block.children().stream().filter(d -> names.contains(d.name())).toList();
    }

    /** The directive in this location itself (not inherited), or null. */
    public @Nullable Directive own(String name) {
        return location.directive().first(name).orElse(null);
    }
}

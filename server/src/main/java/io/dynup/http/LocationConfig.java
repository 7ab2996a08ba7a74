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
     * @param captureNames the named captures of every regex of the {@code http} block (server names and
     *                     locations): nginx declares each as a variable, usable anywhere
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

    /** Names of the regex captures declared in the {@code http} block: variables a value may use. */
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

    /** The directive in this location itself (not inherited), or null. */
    public @Nullable Directive own(String name) {
        return location.directive().first(name).orElse(null);
    }
}

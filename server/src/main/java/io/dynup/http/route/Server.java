package io.dynup.http.route;

import io.dynup.config.Directive;
import io.dynup.config.SourcePos;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One http {@code server} block as selection sees it: its names, its {@code listen}s and its locations.
 *
 * <p>Servers compare by identity: each stands for one block of the configuration.
 */
public final class Server {

    private final int index;
    private final Directive directive;
    private final List<String> names;
    private final List<ServerName> entries;
    private final List<ListenSpec> listens;
    private final LocationTree locations;
    private final boolean captures;

    Server(int index, Directive directive, List<ServerName> entries, List<ListenSpec> listens,
            LocationTree locations, boolean captures) {
        this.index = index;
        this.directive = Objects.requireNonNull(directive, "directive");
        this.entries = List.copyOf(entries);
        this.names = this.entries.stream().map(ServerName::text).toList();
        this.listens = List.copyOf(listens);
        this.locations = Objects.requireNonNull(locations, "locations");
        this.captures = captures;
    }

    /** The position of this block among the {@code server} blocks given to {@link ServerNames#build}, from 0. */
    public int index() {
        return index;
    }

    /** The {@code server} directive; later layers read their directives from it. */
    public Directive directive() {
        return directive;
    }

    /** Where the block is. */
    public SourcePos pos() {
        return directive.pos();
    }

    /**
     * The names of all {@code server_name} directives in order, as nginx keeps them: lowercased, regexes with their
     * {@code ~}, {@code $hostname} replaced; {@code [""]} when the block has no {@code server_name}.
     */
    public List<String> names() {
        return names;
    }

    /**
     * The primary name, nginx's {@code $server_name}: the first name, without the leading dot of
     * {@code .example.com}; a regex keeps its {@code ~}.
     */
    public String primaryName() {
        String first = names.get(0);
        return first.startsWith(".") ? first.substring(1) : first;
    }

    /** The {@code listen} directives; a block without any listens on {@link ListenSpec#implicit(SourcePos)}. */
    public List<ListenSpec> listens() {
        return listens;
    }

    /** The locations of this server. */
    public LocationTree locations() {
        return locations;
    }

    /**
     * nginx's {@code cscf->captures}: whether the <em>last</em> regex name has capturing groups. A lone server on an
     * address only runs its regex names (to set captures) when this is true.
     */
    boolean captures() {
        return captures;
    }

    List<ServerName> entries() {
        return entries;
    }

    @Override
    public String toString() {
        return "server " + String.join(" ", names.stream().map(n -> n.isEmpty() ? "\"\"" : n).toList())
                + " at " + pos();
    }

    /**
     * One name of {@code server_name}.
     *
     * @param text the name as kept (lowercased; {@code ~pattern} for a regex)
     * @param regex the compiled pattern for a regex name, else {@code null}
     */
    record ServerName(String text, @Nullable PcreRegex regex) {
    }
}

package io.dynup.http.route;

import io.dynup.config.ConfigException;
import io.dynup.config.Directive;
import io.dynup.config.SourcePos;
import io.dynup.http.route.Location.Kind;
import io.dynup.http.route.PcreRegex.ByteStrings;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The locations of one server block and nginx's choice among them for a URI
 * ({@code ngx_http_core_find_location}). Immutable and safe to share between threads.
 *
 * <p>{@link #find(String)} works as nginx does:
 * <ol>
 *   <li>Among the exact ({@code =}) and prefix locations of a level, an exact location equal to the URI wins at
 *       once. Otherwise the longest prefix that the URI starts with is remembered, and the search descends into the
 *       locations nested in it, level by level.</li>
 *   <li>If the longest prefix of a level is {@code ^~}, the regexes <em>of that level</em> are skipped.</li>
 *   <li>Otherwise, coming back up, each level tries its regex locations in configuration order, innermost level
 *       first: regexes nested in the matched prefix before the server-level ones. The first that matches wins (and
 *       its own nested locations are searched in turn).</li>
 *   <li>If no regex matched, the longest prefix stands; if there was none either, the {@linkplain #server() server
 *       node}.</li>
 * </ol>
 * Quirks of nginx kept on purpose (checked against nginx 1.22.1): a {@code ^~} location nested in a prefix location
 * stops only the regexes nested next to it, not the server-level ones; prefix locations nested in a regex location
 * are never matched (nginx builds no prefix tree below a regex location), while regexes nested there are; a request
 * for {@code /dir} when {@code location /dir/} has a {@link #PASS_DIRECTIVES pass directive} and no location
 * {@code /dir} exists is a {@linkplain LocationMatch#autoRedirect() redirect} to {@code /dir/}.
 *
 * <p>Names and URIs compare byte by byte, case-sensitively (nginx on Linux), on the UTF-8 bytes; a URI given as a
 * {@code String} is the decoded path (no query), turned into UTF-8 bytes; {@link #find(byte[])} takes the bytes.
 *
 * <p>{@link #build(Directive)} checks the rules of {@code ngx_http_core_location} and
 * {@code ngx_http_init_locations} with nginx's messages: {@code invalid location modifier "x"}, regex compile
 * errors, {@code location "/y" cannot be inside the exact location "/x"}, {@code ... the named location "@x"},
 * {@code named location "@x" can be on the server level only}, {@code location "/b" is outside location "/a"}
 * and {@code duplicate location "/x"} (the later of the two, like nginx; among the prefix locations nginx builds a
 * tree for, so not below regex locations; duplicate named or regex locations are accepted, the first named one is
 * used).
 */
public final class LocationTree {

    /**
     * Directives that, directly in a location whose name ends with {@code /}, make nginx redirect the name without
     * the slash to it ({@code clcf->auto_redirect}).
     */
    public static final Set<String> PASS_DIRECTIVES = Set.of(
            "proxy_pass", "fastcgi_pass", "uwsgi_pass", "scgi_pass", "memcached_pass", "grpc_pass");

    private static final String LOCATION = "location";

    private static final int DECLINED = 0;
    private static final int OK = 1;
    private static final int AGAIN = 2;
    private static final int DONE = 3;

    private final Node root;
    private final Map<String, Location> named;
    private final List<Location> all;

    private LocationTree(Node root, Map<String, Location> named, List<Location> all) {
        this.root = root;
        this.named = named;
        this.all = all;
    }

    /**
     * Builds the tree of a {@code server} block from its {@code location} directives, nested ones included.
     *
     * @param server the {@code server { ... }} directive
     * @throws ConfigException for the errors nginx reports about locations
     */
    public static LocationTree build(Directive server) {
        Builder b = new Builder(server);
        for (Directive d : server.children()) {
            if (d.name().equals(LOCATION)) {
                b.add(d);
            }
        }
        return b.build();
    }

    /**
     * Builds a tree in nginx's two steps, so that a caller walking a server block can report errors in nginx's
     * order: {@link #add} checks a top-level location and its nested ones as the directive is read, {@link #build}
     * checks for duplicates once the whole {@code http} block has been read.
     */
    static final class Builder {

        private final Node root;
        private final List<Location> all = new ArrayList<>();

        Builder(Directive server) {
            Objects.requireNonNull(server, "server");
            root = new Node(new Location(Kind.SERVER, "", server, null, null, false), "");
        }

        /** Adds a top-level {@code location} of the server, and what is nested in it. */
        void add(Directive location) {
            addLocation(root, location, all);
        }

        LocationTree build() {
            buildStatic(root);
            Map<String, Location> named = new LinkedHashMap<>();
            for (Node child : root.children) {
                if (child.location.kind() == Kind.NAMED) {
                    named.putIfAbsent(child.location.name(), child.location);
                }
            }
            return new LocationTree(root, Collections.unmodifiableMap(named), List.copyOf(all));
        }
    }

    /** The server node: the root, parent of the top-level locations, chosen when nothing matches. */
    public Location server() {
        return root.location;
    }

    /** Every location of the server in configuration order (depth first), without the server node. */
    public List<Location> locations() {
        return all;
    }

    /**
     * The named location {@code name} (with its {@code @}), as for {@code error_page ... @name} or
     * {@code try_files ... @name}.
     */
    public Optional<Location> named(String name) {
        return Optional.ofNullable(named.get(name));
    }

    /**
     * Chooses the location for a URI as nginx does.
     *
     * @param uri the normalized, percent-decoded path, without the query string
     */
    public LocationMatch find(String uri) {
        return new Search(ByteStrings.of(uri), root).run(root);
    }

    /** {@link #find(String)} for a path given as raw bytes (after percent-decoding). */
    public LocationMatch find(byte[] uri) {
        return new Search(ByteStrings.of(uri), root).run(root);
    }

    // ---------------------------------------------------------------------------------------------- building

    private static void addLocation(Node parent, Directive d, List<Location> all) {
        Node node = parse(d, parent);
        parent.children.add(node);
        parent.location.children.add(node.location);
        all.add(node.location);
        for (Directive child : d.children()) {
            if (child.name().equals(LOCATION)) {
                addLocation(node, child, all);
            }
        }
    }

    /** One {@code location} directive: its modifier, then the nesting rules, in nginx's order. */
    private static Node parse(Directive d, Node parent) {
        SourcePos pos = d.pos();
        Kind kind;
        String name;
        if (d.args().size() == 2) {
            String mod = d.arg(0);
            name = d.arg(1);
            kind = switch (mod) {
                case "=" -> Kind.EXACT;
                case "^~" -> Kind.PREFIX_NOREGEX;
                case "~" -> Kind.REGEX;
                case "~*" -> Kind.REGEX_CASELESS;
                default -> throw ConfigException.at(pos, "invalid location modifier \"%s\"", mod);
            };
        } else {
            String arg = d.arg(0);
            if (arg.startsWith("=")) {
                kind = Kind.EXACT;
                name = arg.substring(1);
            } else if (arg.startsWith("^~")) {
                kind = Kind.PREFIX_NOREGEX;
                name = arg.substring(2);
            } else if (arg.startsWith("~*")) {
                kind = Kind.REGEX_CASELESS;
                name = arg.substring(2);
            } else if (arg.startsWith("~")) {
                kind = Kind.REGEX;
                name = arg.substring(1);
            } else {
                kind = arg.startsWith("@") ? Kind.NAMED : Kind.PREFIX;
                name = arg;
            }
        }
        PcreRegex regex = null;
        if (kind == Kind.REGEX || kind == Kind.REGEX_CASELESS) {
            regex = PcreRegex.compile(name, kind == Kind.REGEX_CASELESS, pos);
        }

        Location p = parent.location;
        if (!p.isServer()) {
            if (p.kind() == Kind.EXACT) {
                throw ConfigException.at(pos, "location \"%s\" cannot be inside the exact location \"%s\"",
                        name, p.name());
            }
            if (p.kind() == Kind.NAMED) {
                throw ConfigException.at(pos, "location \"%s\" cannot be inside the named location \"%s\"",
                        name, p.name());
            }
            if (kind == Kind.NAMED) {
                throw ConfigException.at(pos, "named location \"%s\" can be on the server level only", name);
            }
            if (regex == null && !ByteStrings.of(name).startsWith(parent.bytes)) {
                throw ConfigException.at(pos, "location \"%s\" is outside location \"%s\"", name, p.name());
            }
        }

        boolean autoRedirect = (kind == Kind.EXACT || kind == Kind.PREFIX || kind == Kind.PREFIX_NOREGEX)
                && name.endsWith("/")
                && d.children().stream().anyMatch(c -> PASS_DIRECTIVES.contains(c.name()));
        return new Node(new Location(kind, name, d, p, regex, autoRedirect), ByteStrings.of(name));
    }

    /**
     * The prefix tree of {@code node}'s exact and prefix children (nested levels first, as nginx does, so their
     * duplicates are reported first), and its list of regex children.
     */
    private static void buildStatic(Node node) {
        List<Node> statics = new ArrayList<>();
        List<Node> regexes = new ArrayList<>();
        for (Node child : node.children) {
            Kind k = child.location.kind();
            if (child.location.isRegex()) {
                regexes.add(child);
            } else if (k != Kind.NAMED) {
                statics.add(child);
            }
        }
        node.regexes = regexes.toArray(new Node[0]);
        for (Node child : node.children) {
            if (child.location.isRegex()) {
                buildRegexOnly(child);
            }
        }
        if (statics.isEmpty()) {
            return;
        }
        // Sort by name, bytewise; an exact location goes before a prefix one of the same name. Stable.
        statics.sort(Comparator.comparing((Node n) -> n.bytes)
                .thenComparing(n -> n.location.kind() == Kind.EXACT ? 0 : 1));
        for (Node child : statics) {
            buildStatic(child);
        }
        List<Entry> entries = new ArrayList<>();
        for (Node child : statics) {
            Entry last = entries.isEmpty() ? null : entries.get(entries.size() - 1);
            boolean exact = child.location.kind() == Kind.EXACT;
            if (last != null && last.name.equals(child.bytes)) {
                if (exact ? last.exact != null : last.inclusive != null) {
                    throw ConfigException.at(child.location.pos(), "duplicate location \"%s\"",
                            child.location.name());
                }
            } else {
                last = new Entry(child.bytes);
                entries.add(last);
            }
            if (exact) {
                last.exact = child;
            } else {
                last.inclusive = child;
            }
        }
        node.statics = level(entries, 0);
    }

    /** Below a regex location nginx keeps regexes only: nested prefix locations are never looked at. */
    private static void buildRegexOnly(Node node) {
        List<Node> regexes = new ArrayList<>();
        for (Node child : node.children) {
            if (child.location.isRegex()) {
                regexes.add(child);
                buildRegexOnly(child);
            }
        }
        node.regexes = regexes.toArray(new Node[0]);
    }

    /**
     * One level of the prefix tree: entries whose names extend a prefix entry's name go into that entry's subtree
     * ({@code ngx_http_create_locations_list}), compared from {@code prefix} on.
     */
    private static Level level(List<Entry> sorted, int prefix) {
        List<Entry> out = new ArrayList<>();
        int i = 0;
        while (i < sorted.size()) {
            Entry e = sorted.get(i);
            int j = i + 1;
            if (e.inclusive != null) {
                while (j < sorted.size() && sorted.get(j).name.startsWith(e.name)) {
                    j++;
                }
                if (j > i + 1) {
                    e.tree = level(sorted.subList(i + 1, j), e.name.length());
                }
            }
            e.autoRedirect = e.exact != null && e.exact.location.autoRedirect()
                    || e.inclusive != null && e.inclusive.location.autoRedirect();
            out.add(e);
            i = j;
        }
        return new Level(out.toArray(new Entry[0]), prefix);
    }

    // ---------------------------------------------------------------------------------------------- matching

    /** One lookup: the URI and what has been chosen so far (nginx's {@code r->loc_conf} and captures). */
    private static final class Search {

        private final String uri;
        private Node current;
        private Captures captures = Captures.NONE;

        Search(String uri, Node root) {
            this.uri = uri;
            this.current = root;
        }

        LocationMatch run(Node root) {
            int rc = find(root);
            return new LocationMatch(current.location, captures, rc == DONE);
        }

        /** {@code ngx_http_core_find_location} for the locations nested in {@code parent}. */
        private int find(Node parent) {
            int rc = findStatic(parent.statics);
            boolean noregex = false;
            if (rc == AGAIN) {
                noregex = current.location.kind() == Kind.PREFIX_NOREGEX;
                rc = find(current);
            }
            if (rc == OK || rc == DONE) {
                return rc;
            }
            if (!noregex) {
                for (Node r : parent.regexes) {
                    PcreRegex regex = Objects.requireNonNull(r.location.regex());
                    Captures c = regex.match(uri);
                    if (c != null) {
                        current = r;
                        captures = captures.then(c);
                        find(r);
                        return OK;
                    }
                }
            }
            return rc;
        }

        /** {@code ngx_http_core_find_static_location}: a binary search per level of the prefix tree. */
        private int findStatic(@Nullable Level level) {
            int rv = DECLINED;
            Level lv = level;
            levels:
            while (lv != null) {
                int off = lv.prefix;
                int len = uri.length() - off;
                int lo = 0;
                int hi = lv.entries.length - 1;
                while (lo <= hi) {
                    int mid = (lo + hi) >>> 1;
                    Entry e = lv.entries[mid];
                    int nlen = e.name.length() - off;
                    int rc = compare(uri, e.name, off, Math.min(len, nlen));
                    if (rc != 0) {
                        if (rc < 0) {
                            hi = mid - 1;
                        } else {
                            lo = mid + 1;
                        }
                        continue;
                    }
                    if (len > nlen) {
                        if (e.inclusive != null) {
                            current = e.inclusive;
                            rv = AGAIN;
                            lv = e.tree;
                            continue levels;
                        }
                        lo = mid + 1;
                        continue;
                    }
                    if (len == nlen) {
                        if (e.exact != null) {
                            current = e.exact;
                            return OK;
                        }
                        current = Objects.requireNonNull(e.inclusive);
                        return AGAIN;
                    }
                    if (len + 1 == nlen && e.autoRedirect) {
                        current = e.exact != null ? e.exact : Objects.requireNonNull(e.inclusive);
                        rv = DONE;
                    }
                    hi = mid - 1;
                }
                return rv;
            }
            return rv;
        }

        private static int compare(String a, String b, int off, int n) {
            for (int i = off; i < off + n; i++) {
                int d = a.charAt(i) - b.charAt(i);
                if (d != 0) {
                    return d;
                }
            }
            return 0;
        }
    }

    /** A location with what matching needs: its name as bytes, prefix tree and regex list of its children. */
    private static final class Node {

        final Location location;
        final String bytes;
        final List<Node> children = new ArrayList<>();
        @Nullable Level statics;
        Node[] regexes = new Node[0];

        Node(Location location, String bytes) {
            this.location = location;
            this.bytes = bytes;
        }
    }

    /** One name in the prefix tree: the exact and/or prefix location of that name, and longer names below it. */
    private static final class Entry {

        final String name;
        @Nullable Node exact;
        @Nullable Node inclusive;
        boolean autoRedirect;
        @Nullable Level tree;

        Entry(String name) {
            this.name = name;
        }
    }

    /** Sibling entries sorted by name, none a prefix of another prefix entry, compared from {@code prefix} on. */
    private record Level(Entry[] entries, int prefix) {
    }
}

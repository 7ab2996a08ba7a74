package io.dynup.http.route;

import io.dynup.config.Directive;
import io.dynup.config.SourcePos;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One node of a server's location tree: a {@code location} block, or the server block itself at the root (requests
 * that match no location are served at server level, as in nginx).
 *
 * <p>Later layers read their own directives from {@link #directive()} and inherit along {@link #parent()} up to the
 * server node. Nodes compare by identity: each stands for one block of the configuration.
 */
public final class Location {

    /** How a location matches, from its modifier. */
    public enum Kind {
        /** The server block itself: the root of the tree, used when no location matches. */
        SERVER,
        /** {@code location = /uri}: the URI must equal the name. */
        EXACT,
        /** {@code location /prefix}: the longest matching prefix wins, then regexes may still take over. */
        PREFIX,
        /** {@code location ^~ /prefix}: a prefix that, when it is the longest match, stops the regex search. */
        PREFIX_NOREGEX,
        /** {@code location ~ regex}: case-sensitive regex. */
        REGEX,
        /** {@code location ~* regex}: case-insensitive regex. */
        REGEX_CASELESS,
        /** {@code location @name}: never matched by URI, only reached by name (error_page, try_files). */
        NAMED
    }

    private final Kind kind;
    private final String name;
    private final Directive directive;
    private final @Nullable Location parent;
    private final @Nullable PcreRegex regex;
    private final boolean autoRedirect;
    final List<Location> children = new ArrayList<>();
    private final List<Location> childrenView = Collections.unmodifiableList(children);

    Location(Kind kind, String name, Directive directive, @Nullable Location parent, @Nullable PcreRegex regex,
            boolean autoRedirect) {
        this.kind = kind;
        this.name = name;
        this.directive = directive;
        this.parent = parent;
        this.regex = regex;
        this.autoRedirect = autoRedirect;
    }

    /** How this location matches. */
    public Kind kind() {
        return kind;
    }

    /**
     * The name as nginx keeps it: the URI or prefix without its modifier ({@code /images/} for
     * {@code ^~ /images/}), the pattern for regexes, {@code @name} for named locations, empty for the server.
     */
    public String name() {
        return name;
    }

    /** The {@code location} directive (for {@link Kind#SERVER}, the {@code server} directive); read children here. */
    public Directive directive() {
        return directive;
    }

    /** Where the block is, for error messages. */
    public SourcePos pos() {
        return directive.pos();
    }

    /** The enclosing location, or the server node for top-level locations; {@code null} only for the server. */
    public @Nullable Location parent() {
        return parent;
    }

    /** The locations nested directly inside this one, in configuration order. */
    public List<Location> children() {
        return childrenView;
    }

    /** The compiled pattern of a regex location, else {@code null}. */
    public @Nullable PcreRegex regex() {
        return regex;
    }

    /** Whether this is the server node. */
    public boolean isServer() {
        return kind == Kind.SERVER;
    }

    /** Whether this is a regex location ({@code ~} or {@code ~*}). */
    public boolean isRegex() {
        return kind == Kind.REGEX || kind == Kind.REGEX_CASELESS;
    }

    /** Whether this is a prefix location, with or without {@code ^~}. */
    public boolean isPrefix() {
        return kind == Kind.PREFIX || kind == Kind.PREFIX_NOREGEX;
    }

    /**
     * Whether a request for the name without its trailing slash is redirected here with 301 (nginx's
     * {@code auto_redirect}): the name ends with {@code /} and the block has one of
     * {@link LocationTree#PASS_DIRECTIVES}.
     */
    public boolean autoRedirect() {
        return autoRedirect;
    }

    /**
     * The name escaped as nginx escapes it for the {@code Location} header of an {@linkplain #autoRedirect() auto
     * redirect} ({@code ngx_escape_uri} with {@code NGX_ESCAPE_URI}): control characters, space, {@code "},
     * {@code #}, {@code %}, {@code <}, {@code >}, {@code ?}, {@code \}, {@code ^}, {@code `}, <code>{</code>,
     * {@code |}, <code>}</code>, DEL and non-ASCII bytes become {@code %XX}.
     */
    public String escapedName() {
        String bytes = PcreRegex.ByteStrings.of(name);
        StringBuilder sb = new StringBuilder(bytes.length());
        for (int i = 0; i < bytes.length(); i++) {
            char c = bytes.charAt(i);
            if (c <= 0x20 || c >= 0x7f || "\"#%<>?\\^`{|}".indexOf(c) >= 0) {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return switch (kind) {
            case SERVER -> "server at " + pos();
            case EXACT -> "location = " + name;
            case PREFIX -> "location " + name;
            case PREFIX_NOREGEX -> "location ^~ " + name;
            case REGEX -> "location ~ " + name;
            case REGEX_CASELESS -> "location ~* " + name;
            case NAMED -> "location " + name;
        };
    }
}

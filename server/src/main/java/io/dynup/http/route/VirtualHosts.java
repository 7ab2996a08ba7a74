package io.dynup.http.route;

import io.dynup.config.ConfigException;
import io.dynup.http.route.ListenSpec.ListenAddress;
import io.dynup.http.route.PcreRegex.ByteStrings;
import io.dynup.http.route.Server.ServerName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The servers listening on one {@code address:port} and nginx's choice among them by host
 * ({@code ngx_http_find_virtual_server}). Immutable and safe to share between threads.
 *
 * <p>For a host, in this order:
 * <ol>
 *   <li>an exact name, case-insensitively;</li>
 *   <li>the longest leading wildcard: {@code *.example.com} matches {@code www.example.com} and
 *       {@code a.b.example.com}, not {@code example.com}; {@code .example.com} matches all three;</li>
 *   <li>the longest trailing wildcard: {@code www.example.*} matches {@code www.example.com} and
 *       {@code www.example.co.uk};</li>
 *   <li>the regex names, in configuration order (servers in order, names in order), the first that matches; its
 *       captures are returned;</li>
 *   <li>the default server: the one with {@code default_server} on this address, else the first server listening
 *       on it.</li>
 * </ol>
 * An empty host (an HTTP/1.0 request without {@code Host}) only looks for the exact name {@code ""}: a server with
 * {@code server_name ""}, or without {@code server_name} (whose name is {@code ""}), else the default server. A
 * name that another server on the same address already has is ignored with nginx's warning
 * ({@code conflicting server name "x" on 0.0.0.0:80, ignored}), {@code .example.com} counting as both
 * {@code example.com} and {@code *.example.com}. {@code _} is no special name: it simply never matches a real
 * host. As in nginx, names are only looked at when more than one server listens on the address (or the server's
 * last regex name has captures); only then are invalid wildcards such as {@code www.*.com} an error.
 */
public final class VirtualHosts {

    private final ListenAddress address;
    private final ListenSpec options;
    private final List<Server> servers;
    private final Server defaultServer;
    private final boolean named;
    private final Map<String, Server> exact = new HashMap<>();
    private final Map<String, HeadWildcard> head = new HashMap<>();
    private final Map<String, Server> tail = new HashMap<>();
    private final List<RegexName> regexes = new ArrayList<>();

    private record HeadWildcard(Server server, boolean dotForm) {
    }

    private record RegexName(Server server, PcreRegex regex) {
    }

    /**
     * Builds the name tables ({@code ngx_http_server_names}).
     *
     * @param warnings where nginx's warnings about conflicting names go
     * @throws ConfigException {@code invalid server name or wildcard "x" on 0.0.0.0:80}
     */
    VirtualHosts(ListenAddress address, ListenSpec options, List<Server> servers, Server defaultServer,
            List<String> warnings) {
        this.address = address;
        this.options = options;
        this.servers = List.copyOf(servers);
        this.defaultServer = defaultServer;
        this.named = servers.size() > 1 || defaultServer.captures();
        if (named) {
            addNames(warnings);
        }
    }

    private void addNames(List<String> warnings) {
        Set<String> exactTaken = new HashSet<>();
        Set<String> headTaken = new HashSet<>();
        for (Server s : servers) {
            for (ServerName sn : s.entries()) {
                PcreRegex regex = sn.regex();
                if (regex != null) {
                    regexes.add(new RegexName(s, regex));
                    continue;
                }
                String name = ByteStrings.of(sn.text());
                boolean added = switch (classify(name)) {
                    case INVALID -> throw new ConfigException(String.format(
                            "invalid server name or wildcard \"%s\" on %s", sn.text(), address.text()), null);
                    case EXACT -> exactTaken.add(name) && exact.put(name, s) == null;
                    case HEAD_DOT -> {
                        String base = name.substring(1);
                        if (!exactTaken.add(base) || !headTaken.add(base)) {
                            yield false;
                        }
                        head.put(base, new HeadWildcard(s, true));
                        yield true;
                    }
                    case HEAD_STAR -> {
                        String base = name.substring(2);
                        if (!headTaken.add(base)) {
                            yield false;
                        }
                        head.put(base, new HeadWildcard(s, false));
                        yield true;
                    }
                    case TAIL -> tail.putIfAbsent(name.substring(0, name.length() - 2), s) == null;
                };
                if (!added) {
                    warnings.add(String.format("conflicting server name \"%s\" on %s, ignored",
                            sn.text(), address.text()));
                }
            }
        }
    }

    private enum Form { EXACT, HEAD_DOT, HEAD_STAR, TAIL, INVALID }

    /** {@code ngx_hash_add_key} with {@code NGX_HASH_WILDCARD_KEY}: which table a (lowercased) name goes to. */
    private static Form classify(String name) {
        int stars = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '*' && ++stars > 1 || c == '.' && i + 1 < name.length() && name.charAt(i + 1) == '.'
                    || c == 0) {
                return Form.INVALID;
            }
        }
        int len = name.length();
        if (len > 1 && name.charAt(0) == '.') {
            return Form.HEAD_DOT;
        }
        if (len > 2) {
            if (name.startsWith("*.")) {
                return Form.HEAD_STAR;
            }
            if (name.endsWith(".*")) {
                return Form.TAIL;
            }
        }
        return stars > 0 ? Form.INVALID : Form.EXACT;
    }

    /** The address and port, e.g. {@code 0.0.0.0:80}. */
    public ListenAddress address() {
        return address;
    }

    /** The {@code listen} whose socket options apply to this address (the one that set them, else the first). */
    public ListenSpec options() {
        return options;
    }

    /** The servers listening here, in configuration order. */
    public List<Server> servers() {
        return servers;
    }

    /** The server for hosts no name matches: the {@code default_server} one, else the first. */
    public Server defaultServer() {
        return defaultServer;
    }

    /**
     * Chooses the server for a request by its raw {@code Host} header (or the host of an absolute request URI,
     * which nginx prefers).
     *
     * @param rawHost the header value as received, or {@code null} when the request has none (an HTTP/1.1
     *     request without {@code Host} is a 400 in nginx before any of this; that check is the caller's)
     * @return the choice, or empty when the host is invalid ({@link Hosts#normalize}): nginx answers
     *     {@code 400 Bad Request}
     */
    public Optional<ServerMatch> select(@Nullable String rawHost) {
        if (rawHost == null) {
            return Optional.of(find(""));
        }
        return Hosts.normalize(rawHost).map(this::find);
    }

    /**
     * Chooses the server for an already {@linkplain Hosts#normalize normalized} host; {@code ""} for none.
     */
    public ServerMatch find(String host) {
        Objects.requireNonNull(host, "host");
        if (!named) {
            return new ServerMatch(defaultServer, Captures.NONE, host);
        }
        String h = ByteStrings.of(host);
        Server s = exact.get(h);
        if (s != null) {
            return new ServerMatch(s, Captures.NONE, host);
        }
        if (h.isEmpty()) {
            return new ServerMatch(defaultServer, Captures.NONE, host);
        }
        s = findHead(h);
        if (s == null) {
            s = findTail(h);
        }
        if (s != null) {
            return new ServerMatch(s, Captures.NONE, host);
        }
        for (RegexName rn : regexes) {
            Captures c = rn.regex().match(h);
            if (c != null) {
                return new ServerMatch(rn.server(), c, host);
            }
        }
        return new ServerMatch(defaultServer, Captures.NONE, host);
    }

    /** The longest {@code *.base} / {@code .base} that {@code h} is in: label-aligned suffixes, longest first. */
    private @Nullable Server findHead(String h) {
        if (head.isEmpty()) {
            return null;
        }
        HeadWildcard whole = head.get(h);
        if (whole != null && whole.dotForm()) {
            return whole.server();
        }
        for (int dot = h.indexOf('.'); dot >= 0; dot = h.indexOf('.', dot + 1)) {
            HeadWildcard w = head.get(h.substring(dot + 1));
            if (w != null) {
                return w.server();
            }
        }
        return null;
    }

    /** The longest {@code base.*} with {@code h} starting {@code base.}: label-aligned prefixes, longest first. */
    private @Nullable Server findTail(String h) {
        if (tail.isEmpty()) {
            return null;
        }
        for (int dot = h.lastIndexOf('.'); dot > 0; dot = h.lastIndexOf('.', dot - 1)) {
            Server s = tail.get(h.substring(0, dot));
            if (s != null) {
                return s;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "VirtualHosts[" + address.text() + ", " + servers.size() + " servers]";
    }
}

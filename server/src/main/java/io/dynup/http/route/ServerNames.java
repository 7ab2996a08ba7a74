package io.dynup.http.route;

import io.dynup.config.ConfigException;
import io.dynup.config.Directive;
import io.dynup.config.SourcePos;
import io.dynup.http.route.ListenSpec.ListenAddress;
import io.dynup.http.route.Server.ServerName;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The http servers of a configuration, grouped by the addresses they listen on, with nginx's choice of server for
 * a connection and a host. Immutable and safe to share between threads.
 *
 * <p>Build it from the {@code server} blocks of {@code http}, then for each connection pick the
 * {@link VirtualHosts} of its local address and, for each request, the server by host:
 *
 * <pre>{@code
 * ServerNames servers = ServerNames.build(http.all("server"));
 * for (Listener l : servers.listeners()) { bind l.address() ... }
 * VirtualHosts hosts = listener.hostsFor(localAddress);          // per connection
 * Optional<ServerMatch> m = hosts.select(hostHeaderOrNull);     // per request; empty: 400
 * LocationMatch loc = m.get().server().locations().find(path);
 * }</pre>
 *
 * <p>Checks, with nginx's messages: the {@code listen} errors of {@link ListenSpec#parse},
 * {@code a duplicate listen 0.0.0.0:80} (one server twice on an address), {@code duplicate listen options for ...},
 * {@code a duplicate default server for 0.0.0.0:80}, {@code server name "*" is invalid},
 * {@code empty regex in server name "~"}, regex compile errors, and, once all servers are known,
 * {@code invalid server name or wildcard "x" on 0.0.0.0:80}; each server's {@link LocationTree} is built too.
 * nginx's warnings ({@code server name "a/b" has suspicious symbols in file:line},
 * {@code conflicting server name "x" on 0.0.0.0:80, ignored}) are collected in {@link #warnings()}.
 *
 * <p>Errors come in nginx's order: directives as they are read (a location and its nested ones at the
 * {@code location} directive), then duplicate locations server by server, then invalid names address by address;
 * so with several errors the one reported is nginx's first too (for the directives this layer knows).
 */
public final class ServerNames {

    private final List<Server> servers;
    private final List<VirtualHosts> addresses;
    private final List<Listener> listeners;
    private final List<String> warnings;

    private ServerNames(List<Server> servers, List<VirtualHosts> addresses, List<Listener> listeners,
            List<String> warnings) {
        this.servers = List.copyOf(servers);
        this.addresses = List.copyOf(addresses);
        this.listeners = List.copyOf(listeners);
        this.warnings = List.copyOf(warnings);
    }

    /**
     * Builds the servers of {@code http} from its {@code server} blocks, with {@code $hostname} standing for this
     * machine's host name.
     *
     * @param serverBlocks the {@code server { }} directives of the {@code http} block, in order
     * @throws ConfigException for the errors listed in the class comment
     */
    public static ServerNames build(List<Directive> serverBlocks) {
        return build(serverBlocks, localHostname());
    }

    /**
     * Builds the servers with {@code $hostname} in {@code server_name} meaning {@code hostname}.
     *
     * @throws ConfigException for the errors listed in the class comment
     */
    public static ServerNames build(List<Directive> serverBlocks, String hostname) {
        return new Builder(Hosts.lower(hostname)).build(serverBlocks);
    }

    /** Every server, in configuration order. */
    public List<Server> servers() {
        return servers;
    }

    /** Every {@code address:port} configuration, grouped by port in order of first use, wildcard last per port. */
    public List<VirtualHosts> addresses() {
        return addresses;
    }

    /** The sockets to open, as nginx would bind them. */
    public List<Listener> listeners() {
        return listeners;
    }

    /** nginx's configuration warnings, worded as nginx's, in the order nginx gives them. */
    public List<String> warnings() {
        return warnings;
    }

    /**
     * The servers for a connection whose local (server-side) address is {@code local}: the configuration for that
     * exact address and port, else the port's wildcard; empty when nothing listens there.
     */
    public Optional<VirtualHosts> hostsFor(InetSocketAddress local) {
        InetAddress ip = local.getAddress();
        @Nullable VirtualHosts wildcard = null;
        for (VirtualHosts v : addresses) {
            InetSocketAddress a = v.address().address();
            if (a.getPort() != local.getPort() || (a.getAddress() instanceof Inet4Address)
                    != (ip instanceof Inet4Address)) {
                continue;
            }
            if (a.getAddress().equals(ip)) {
                return Optional.of(v);
            }
            if (v.address().wildcard()) {
                wildcard = v;
            }
        }
        return Optional.ofNullable(wildcard);
    }

    /** This machine's name as {@code gethostname()} gives it, which nginx uses for {@code $hostname}. */
    static String localHostname() {
        try {
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).trim();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall back to Java's idea
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** One {@code address:port} while servers are being added ({@code ngx_http_conf_addr_t}). */
    private static final class AddrConf {

        final ListenAddress address;
        ListenSpec options;
        /** Indexes of the servers, in the order they started listening here. */
        final List<Integer> servers = new ArrayList<>();
        int defaultServer;
        boolean explicitDefault;

        AddrConf(ListenAddress address, ListenSpec options, int first) {
            this.address = address;
            this.options = options;
            this.defaultServer = first;
            this.explicitDefault = options.defaultServer();
            servers.add(first);
        }
    }

    private static final class Builder {

        private final String hostname;
        private final Map<String, List<AddrConf>> ports = new LinkedHashMap<>();
        private final List<String> warnings = new ArrayList<>();

        Builder(String hostname) {
            this.hostname = hostname;
        }

        ServerNames build(List<Directive> serverBlocks) {
            // nginx's order: every directive as read, then the location trees of each server, then the names.
            List<PendingServer> pending = new ArrayList<>();
            for (Directive block : serverBlocks) {
                pending.add(server(pending.size(), block));
            }
            List<Server> servers = new ArrayList<>();
            for (PendingServer p : pending) {
                servers.add(new Server(servers.size(), p.block(), p.names(), p.listens(), p.locations().build(),
                        p.captures()));
            }
            List<VirtualHosts> addresses = new ArrayList<>();
            List<Listener> listeners = new ArrayList<>();
            for (List<AddrConf> addrs : ports.values()) {
                // ngx_http_cmp_conf_addrs: explicitly bound addresses first, the wildcard last; stable otherwise.
                addrs.sort(Comparator.comparingInt(a -> a.address.wildcard() ? 2 : a.options.bind() ? 0 : 1));
                List<VirtualHosts> port = new ArrayList<>();
                for (AddrConf a : addrs) {
                    port.add(new VirtualHosts(a.address, a.options, a.servers.stream().map(servers::get).toList(),
                            servers.get(a.defaultServer), warnings));
                }
                addresses.addAll(port);
                listeners.addAll(listeners(addrs, port));
            }
            return new ServerNames(servers, addresses, listeners, warnings);
        }

        /** {@code ngx_http_init_listening}: with a wildcard, unbound addresses share its socket. */
        private static List<Listener> listeners(List<AddrConf> addrs, List<VirtualHosts> hosts) {
            List<Listener> out = new ArrayList<>();
            boolean wildcard = addrs.get(addrs.size() - 1).address.wildcard();
            List<VirtualHosts> shared = new ArrayList<>();
            for (int i = 0; i < addrs.size(); i++) {
                AddrConf a = addrs.get(i);
                boolean own = !wildcard || a.options.bind() || i == addrs.size() - 1;
                if (!own) {
                    shared.add(hosts.get(i));
                    continue;
                }
                List<VirtualHosts> served = new ArrayList<>(shared);
                served.add(hosts.get(i));
                shared.clear();
                out.add(new Listener(a.address, a.options.reuseport(), a.options.backlog(), served));
            }
            return out;
        }

        /** A server block read, its locations not yet checked for duplicates. */
        private record PendingServer(Directive block, List<ServerName> names, List<ListenSpec> listens,
                LocationTree.Builder locations, boolean captures) {
        }

        /** Reads one server block's directives in order, as nginx's handlers do. */
        private PendingServer server(int index, Directive block) {
            List<ListenSpec> listens = new ArrayList<>();
            List<ServerName> names = new ArrayList<>();
            LocationTree.Builder locations = new LocationTree.Builder(block);
            boolean captures = false;
            for (Directive d : block.children()) {
                switch (d.name()) {
                    case "listen" -> {
                        ListenSpec spec = ListenSpec.parse(d);
                        listens.add(spec);
                        addListen(index, spec);
                    }
                    case "server_name" -> {
                        for (String arg : d.args()) {
                            ServerName sn = serverName(arg, d.pos());
                            names.add(sn);
                            PcreRegex regex = sn.regex();
                            if (regex != null) {
                                captures = regex.groupCount() > 0;
                            }
                        }
                    }
                    case "location" -> locations.add(d);
                    default -> {
                    }
                }
            }
            if (names.isEmpty()) {
                names.add(new ServerName("", null));
            }
            if (listens.isEmpty()) {
                ListenSpec spec = ListenSpec.implicit(block.pos());
                listens.add(spec);
                addListen(index, spec);
            }
            return new PendingServer(block, names, listens, locations, captures);
        }

        /** {@code ngx_http_add_listen}, {@code ngx_http_add_addresses}, {@code ngx_http_add_server}. */
        private void addListen(int server, ListenSpec spec) {
            for (ListenAddress la : spec.addresses()) {
                InetSocketAddress sa = la.address();
                String key = (sa.getAddress() instanceof Inet4Address ? "4:" : "6:") + sa.getPort();
                List<AddrConf> addrs = ports.computeIfAbsent(key, k -> new ArrayList<>());
                AddrConf conf = null;
                for (AddrConf a : addrs) {
                    if (a.address.address().getAddress().equals(sa.getAddress())) {
                        conf = a;
                        break;
                    }
                }
                if (conf == null) {
                    addrs.add(new AddrConf(la, spec, server));
                    continue;
                }
                if (conf.servers.contains(server)) {
                    throw ConfigException.at(spec.pos(), "a duplicate listen %s", conf.address.text());
                }
                conf.servers.add(server);
                if (spec.socketOptions()) {
                    if (conf.options.socketOptions()) {
                        throw ConfigException.at(spec.pos(), "duplicate listen options for %s", conf.address.text());
                    }
                    conf.options = spec;
                }
                if (spec.defaultServer()) {
                    if (conf.explicitDefault) {
                        throw ConfigException.at(spec.pos(), "a duplicate default server for %s",
                                conf.address.text());
                    }
                    conf.explicitDefault = true;
                    conf.defaultServer = server;
                }
            }
        }

        /** One argument of {@code server_name} ({@code ngx_http_core_server_name}). */
        private ServerName serverName(String arg, SourcePos pos) {
            char ch = arg.isEmpty() ? 0 : arg.charAt(0);
            if (ch == '*' && (arg.length() < 3 || arg.charAt(1) != '.') || ch == '.' && arg.length() < 2) {
                throw ConfigException.at(pos, "server name \"%s\" is invalid", arg);
            }
            if (arg.indexOf('/') >= 0) {
                warnings.add(String.format("server name \"%s\" has suspicious symbols in %s", arg, pos));
            }
            if (ch != '~') {
                String name = arg.equalsIgnoreCase("$hostname") ? hostname : arg;
                return new ServerName(Hosts.lower(name), null);
            }
            if (arg.length() == 1) {
                throw ConfigException.at(pos, "empty regex in server name \"%s\"", arg);
            }
            String pattern = arg.substring(1);
            boolean caseless = false;
            for (int i = 0; i < pattern.length(); i++) {
                char c = pattern.charAt(i);
                if (c >= 'A' && c <= 'Z') {
                    caseless = true;
                    break;
                }
            }
            return new ServerName(arg, PcreRegex.compile(pattern, caseless, pos));
        }
    }

}

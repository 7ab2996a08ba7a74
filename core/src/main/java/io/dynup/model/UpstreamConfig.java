package io.dynup.model;

import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dynup.config.Config;
import io.dynup.config.ConfigException;
import io.dynup.config.ConfigValues;
import io.dynup.config.Directive;

/**
 * Binds the {@code upstream} blocks of a parsed configuration to {@link UpstreamSpec}s, with nginx's rules
 * and words ({@code ngx_http_upstream_server}, the balancing modules, {@code zone}, {@code keepalive}):
 * {@code invalid parameter "weight=0"}, {@code balancing method does not support parameter "backup"},
 * {@code host not found in upstream "x"}, {@code duplicate upstream "x"}, each with the file and line.
 *
 * <p>Host names are resolved here, once, at load time (the caller is not an event loop). Where dynup differs:
 * an upstream with a {@code zone} may have no servers (it is filled at run time, as in NGINX Plus), and a
 * {@code backup} that the final balancing method cannot use is an error instead of being ignored.
 */
public final class UpstreamConfig {

    private static final Logger logger = LoggerFactory.getLogger(UpstreamConfig.class);

    /** nginx's NGX_HTTP_UPSTREAM_* capability flags: which server parameters the method accepts. */
    private static final int WEIGHT = 1;
    private static final int MAX_FAILS = 2;
    private static final int FAIL_TIMEOUT = 4;
    private static final int DOWN = 8;
    private static final int BACKUP = 16;
    private static final int MAX_CONNS = 32;
    private static final int ALL = WEIGHT | MAX_FAILS | FAIL_TIMEOUT | DOWN | BACKUP | MAX_CONNS;
    private static final int NO_BACKUP = ALL & ~BACKUP;

    private UpstreamConfig() {
    }

    /** Every {@code upstream} of the {@code http} and {@code stream} blocks, in config order. */
    public static List<UpstreamSpec> bind(Config config, HostResolver resolver) {
        List<UpstreamSpec> out = new ArrayList<>();
        Map<UpstreamKind, Set<String>> names = new EnumMap<>(UpstreamKind.class);
        Map<String, String> stateFiles = new HashMap<>();
        for (UpstreamKind kind : UpstreamKind.values()) {
            names.put(kind, new HashSet<>());
            for (Directive block : config.all(kind.configName())) {
                for (Directive up : block.all("upstream")) {
                    if (!names.get(kind).add(up.arg(0))) {
                        throw ConfigException.at(up.pos(), "duplicate upstream \"%s\"", up.arg(0));
                    }
                    UpstreamSpec spec = bindUpstream(up, kind, resolver);
                    String owner = spec.state() == null ? null : stateFiles.putIfAbsent(spec.state(), spec.name());
                    if (owner != null) {
                        throw ConfigException.at(up.pos(), "state file \"%s\" is already used by upstream \"%s\"",
                                                 spec.state(), owner);
                    }
                    out.add(spec);
                }
            }
        }
        return out;
    }

    private static UpstreamSpec bindUpstream(Directive up, UpstreamKind kind, HostResolver resolver) {
        String zone = null;
        Balancing balancing = Balancing.ROUND_ROBIN;
        boolean methodSet = false;
        int flags = ALL;
        int keepalive = 0;
        Duration keepaliveTimeout = UpstreamSpec.DEFAULT_KEEPALIVE_TIMEOUT;
        int keepaliveRequests = UpstreamSpec.DEFAULT_KEEPALIVE_REQUESTS;
        Duration dnsUpdate = null;
        String state = null;
        List<PeerSpec> peers = new ArrayList<>();
        Directive firstBackup = null;
        HealthCheck check = HealthChecks.bind(up);

        for (Directive d : up.children()) {
            switch (d.name()) {
                case "zone":
                    if (d.arg(0).isEmpty()) {
                        throw ConfigException.at(d.pos(), "invalid zone name \"%s\"", d.arg(0));
                    }
                    if (d.args().size() == 2 && ConfigValues.parseSize(d.arg(1)).isEmpty()) {
                        throw ConfigException.at(d.pos(), "invalid zone size \"%s\"", d.arg(1));
                    }
                    zone = d.arg(0);
                    break;
                case "server":
                    List<PeerSpec> added = bindServer(d, kind, flags, resolver);
                    if (firstBackup == null && !added.isEmpty() && added.get(0).backup()) {
                        firstBackup = d;
                    }
                    peers.addAll(added);
                    break;
                case "keepalive":
                    keepalive = positive(d);
                    break;
                case "keepalive_timeout":
                    keepaliveTimeout = ConfigValues.parseTime(d.arg(0)).orElseThrow(
                            () -> ConfigException.at(d.pos(), "\"%s\" directive invalid value", d.name()));
                    break;
                case "keepalive_requests":
                    keepaliveRequests = ConfigValues.parseInt(d.arg(0)).orElseThrow(
                            () -> ConfigException.at(d.pos(), "\"%s\" directive invalid number", d.name()));
                    break;
                case "dns_update":
                    dnsUpdate = ConfigValues.parseTime(d.arg(0)).filter(t -> !t.isZero()).orElseThrow(
                            () -> ConfigException.at(d.pos(), "\"%s\" directive invalid value", d.name()));
                    break;
                case "state":
                    // as nginx resolves relative paths: from the file that holds the directive
                    state = d.pos().file().resolveSibling(d.arg(0)).toAbsolutePath().normalize().toString();
                    break;
                case "least_conn":
                case "ip_hash":
                case "hash":
                case "random":
                    if (methodSet) {
                        logger.warn("load balancing method redefined in {}", d.pos());
                    }
                    methodSet = true;
                    balancing = method(d);
                    flags = balancing.method().supportsBackup() ? ALL : NO_BACKUP;
                    break;
                default:
                    // the directive table admitted it for another layer (e.g. health checks); not ours
                    break;
            }
        }
        if (firstBackup != null && !balancing.method().supportsBackup()) {
            throw ConfigException.at(firstBackup.pos(), "balancing method does not support parameter \"backup\"");
        }
        if (peers.isEmpty() && zone == null) {
            throw ConfigException.at(up.pos(), "no servers are inside upstream");
        }
        return new UpstreamSpec(up.arg(0), kind, zone, balancing, keepalive, keepaliveTimeout, keepaliveRequests,
                                dnsUpdate, peers, up.pos(), state, check);
    }

    private static Balancing method(Directive d) {
        List<String> args = d.args();
        switch (d.name()) {
            case "least_conn":
                return Balancing.LEAST_CONN;
            case "ip_hash":
                return Balancing.IP_HASH;
            case "hash":
                if (args.size() == 2 && !args.get(1).equals("consistent")) {
                    throw ConfigException.at(d.pos(), "invalid parameter \"%s\"", args.get(1));
                }
                return Balancing.hash(args.get(0), args.size() == 2);
            default:
                if (!args.isEmpty() && !args.get(0).equals("two")) {
                    throw ConfigException.at(d.pos(), "invalid parameter \"%s\"", args.get(0));
                }
                if (args.size() == 2 && !args.get(1).equals("least_conn")) {
                    throw ConfigException.at(d.pos(), "invalid parameter \"%s\"", args.get(1));
                }
                return Balancing.random(!args.isEmpty());
        }
    }

    /** nginx's {@code ngx_http_upstream_server}: parameters first, then the address. */
    private static List<PeerSpec> bindServer(Directive d, UpstreamKind kind, int flags, HostResolver resolver) {
        int weight = PeerSpec.DEFAULT_WEIGHT;
        int maxFails = PeerSpec.DEFAULT_MAX_FAILS;
        int failTimeout = PeerSpec.DEFAULT_FAIL_TIMEOUT;
        int maxConns = PeerSpec.DEFAULT_MAX_CONNS;
        boolean backup = false;
        boolean down = false;
        List<String> args = d.args();
        for (int i = 1; i < args.size(); i++) {
            String a = args.get(i);
            if (a.startsWith("weight=")) {
                require(d, flags, WEIGHT, a);
                weight = number(d, a, 7, 1, PeerSpec.MAX_WEIGHT);
            } else if (a.startsWith("max_conns=")) {
                require(d, flags, MAX_CONNS, a);
                maxConns = number(d, a, 10, 0, PeerSpec.MAX_MAX_CONNS);
            } else if (a.startsWith("max_fails=")) {
                require(d, flags, MAX_FAILS, a);
                maxFails = number(d, a, 10, 0, PeerSpec.MAX_MAX_FAILS);
            } else if (a.startsWith("fail_timeout=")) {
                require(d, flags, FAIL_TIMEOUT, a);
                long seconds = ConfigValues.parseSeconds(a.substring(13)).map(Duration::getSeconds).orElse(-1L);
                if (seconds < 0 || seconds > PeerSpec.MAX_FAIL_TIMEOUT) {
                    throw invalidParameter(d, a);
                }
                failTimeout = (int) seconds;
            } else if (a.equals("backup")) {
                require(d, flags, BACKUP, a);
                backup = true;
            } else if (a.equals("down")) {
                require(d, flags, DOWN, a);
                down = true;
            } else {
                throw invalidParameter(d, a);
            }
        }
        String text = args.get(0);
        Result<ServerAddress> parsed = ServerAddress.parse(text);
        if (!parsed.ok()) {
            throw ConfigException.at(d.pos(), "%s in upstream \"%s\"", parsed.error(), text);
        }
        ServerAddress address = parsed.get();
        if (kind == UpstreamKind.STREAM && address.unixPath() == null && !hasPort(text)) {
            throw ConfigException.at(d.pos(), "no port in upstream \"%s\"", text);
        }
        SocketAddress[] resolved;
        try {
            resolved = address.resolve(resolver);
        } catch (UnknownHostException e) {
            throw ConfigException.at(d.pos(), "host not found in upstream \"%s\"", text);
        }
        List<PeerSpec> out = new ArrayList<>(resolved.length);
        for (SocketAddress sa : resolved) {
            out.add(new PeerSpec(text, ServerAddress.nameOf(sa), sa, weight, maxFails, failTimeout, maxConns,
                                 backup, down));
        }
        return out;
    }

    private static boolean hasPort(String text) {
        int close = text.lastIndexOf(']');
        return text.indexOf(':', close + 1) >= 0;
    }

    private static void require(Directive d, int flags, int flag, String arg) {
        if ((flags & flag) == 0) {
            throw ConfigException.at(d.pos(), "balancing method does not support parameter \"%s\"", arg);
        }
    }

    private static int number(Directive d, String arg, int prefix, int min, int max) {
        OptionalInt n = ConfigValues.parseInt(arg.substring(prefix));
        if (n.isEmpty() || n.getAsInt() < min || n.getAsInt() > max) {
            throw invalidParameter(d, arg);
        }
        return n.getAsInt();
    }

    private static int positive(Directive d) {
        OptionalInt n = ConfigValues.parseInt(d.arg(0));
        if (n.isEmpty() || n.getAsInt() == 0) {
            throw ConfigException.at(d.pos(), "invalid value \"%s\" in \"%s\" directive", d.arg(0), d.name());
        }
        return n.getAsInt();
    }

    private static ConfigException invalidParameter(Directive d, String arg) {
        return ConfigException.at(d.pos(), "invalid parameter \"%s\"", arg);
    }
}

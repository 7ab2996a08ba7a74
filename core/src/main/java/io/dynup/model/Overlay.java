package io.dynup.model;

import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * The run-time changes of one upstream over its configuration: one {@link Entry} per peer that differs from
 * its config line, each remembering the config parameters it was made against. {@link #of} computes it from
 * the config and the current peers; {@link #applyTo} replays it on a (possibly edited) config, where a peer
 * whose config line changed since the entry was made takes the config's values (docs/STATE.md).
 */
public final class Overlay {

    public static final Overlay EMPTY = new Overlay(List.of());

    private final List<Entry> entries;
    private final Map<Key, Entry> byKey = new HashMap<>();

    /** Entries in peer order: run-time additions where they stand in their tier, then removals. */
    public Overlay(List<Entry> entries) {
        this.entries = List.copyOf(entries);
        for (Entry e : this.entries) {
            if (byKey.put(e.key(), e) != null) {
                throw new IllegalArgumentException("peer: " + e.key() + " (expected: one entry per peer)");
            }
        }
    }

    /** How a peer is recognised across config edits and restarts: its server text and resolved address. */
    public record Key(String server, String name) {

        public static Key of(PeerSpec spec) {
            return new Key(spec.server(), spec.name());
        }

        @Override
        public String toString() {
            return server.equals(name) ? server : server + " (" + name + ')';
        }
    }

    /**
     * One peer's difference from the config.
     *
     * @param base the config line's parameters when the change was made; null for a peer added at run time
     * @param peer the run-time parameters; null for a config peer removed at run time
     */
    public record Entry(Key key, @Nullable PeerSpec base, @Nullable PeerSpec peer) {

        public Entry {
            Objects.requireNonNull(key, "key");
            if (base == null && peer == null) {
                throw new IllegalArgumentException("entry " + key + " (expected: a base, a peer or both)");
            }
        }

        public boolean added() {
            return base == null;
        }

        public boolean removed() {
            return peer == null;
        }

        /**
         * The entry as one line of text, the state file's and the query API's form:
         * {@code added|changed|removed SERVER addr=NAME [weight=.. max_fails=.. fail_timeout=.. max_conns=..
         * [backup] [down]] [base=weight=..,max_fails=..,fail_timeout=..,max_conns=..[,backup][,down]]}.
         */
        public String line() {
            StringBuilder sb = new StringBuilder(added() ? "added" : removed() ? "removed" : "changed");
            sb.append(' ').append(escape(key.server())).append(" addr=").append(escape(key.name()));
            if (peer != null) {
                sb.append(' ').append(parameters(peer, ' '));
            }
            if (base != null) {
                sb.append(" base=").append(parameters(base, ','));
            }
            return sb.toString();
        }

        /** The same entry: same peer, same parameters on both sides (addresses aside). */
        public boolean sameAs(Entry o) {
            return key.equals(o.key) && sameParameters(base, o.base) && sameParameters(peer, o.peer);
        }
    }

    /** What replaying an overlay gives: the peers, and the entries the config overruled. */
    public record Applied(List<PeerSpec> peers, List<Entry> overruled) {
    }

    /** The difference between {@code config} and {@code current}, entries in {@code current}'s order. */
    public static Overlay of(List<PeerSpec> config, List<PeerSpec> current) {
        Map<Key, PeerSpec> configured = new LinkedHashMap<>();
        for (PeerSpec c : config) {
            configured.putIfAbsent(Key.of(c), c);
        }
        List<Entry> entries = new ArrayList<>();
        Set<Key> present = new HashSet<>();
        for (PeerSpec p : current) {
            Key k = Key.of(p);
            if (!present.add(k)) {
                continue;
            }
            PeerSpec c = configured.get(k);
            if (c == null || !sameParameters(c, p)) {
                entries.add(new Entry(k, c, p));
            }
        }
        for (Map.Entry<Key, PeerSpec> c : configured.entrySet()) {
            if (!present.contains(c.getKey())) {
                entries.add(new Entry(c.getKey(), c.getValue(), null));
            }
        }
        return entries.isEmpty() ? EMPTY : new Overlay(entries);
    }

    /**
     * The peers of {@code config} with this overlay replayed: additions first in their tier (in entry order),
     * then the config peers in config order with their run-time parameters or without the removed ones.
     */
    public Applied applyTo(List<PeerSpec> config) {
        Set<Key> configured = new HashSet<>();
        for (PeerSpec c : config) {
            configured.add(Key.of(c));
        }
        List<PeerSpec> peers = new ArrayList<>();
        List<Entry> overruled = new ArrayList<>();
        for (Entry e : entries) {
            if (e.added()) {
                if (configured.contains(e.key())) {
                    overruled.add(e);
                } else {
                    peers.add(e.peer());
                }
            }
        }
        for (PeerSpec c : config) {
            Entry e = byKey.get(Key.of(c));
            if (e == null || e.added()) {
                peers.add(c);
            } else if (!sameParameters(e.base(), c)) {
                overruled.add(e);
                peers.add(c);
            } else if (!e.removed()) {
                PeerSpec p = e.peer();
                peers.add(new PeerSpec(c.server(), c.name(), c.address(), p.weight(), p.maxFails(), p.failTimeout(),
                                       p.maxConns(), p.backup(), p.down()));
            }
        }
        return new Applied(peers, overruled);
    }

    /**
     * Reads a line written by {@link Entry#line()}. A literal address gets its socket address back; a host
     * name that was still unresolved stays so (dns_update resolves it).
     */
    public static Result<Entry> parseLine(String line) {
        String[] t = line.trim().split(" +");
        if (t.length < 3 || !t[2].startsWith("addr=")) {
            return Result.fail("expected \"added|changed|removed SERVER addr=NAME ...\"");
        }
        String verb = t[0];
        Key key = new Key(unescape(t[1]), unescape(t[2].substring(5)));
        Map<String, String> params = new LinkedHashMap<>();
        String base = null;
        for (int i = 3; i < t.length; i++) {
            if (t[i].startsWith("base=")) {
                base = t[i].substring(5);
            } else {
                int eq = t[i].indexOf('=');
                params.put(eq < 0 ? t[i] : t[i].substring(0, eq), eq < 0 ? "" : t[i].substring(eq + 1));
            }
        }
        boolean wantsPeer = !verb.equals("removed");
        boolean wantsBase = !verb.equals("added");
        if (!verb.equals("added") && !verb.equals("changed") && !verb.equals("removed")) {
            return Result.fail("unknown entry \"" + verb + "\" (expected: added, changed or removed)");
        }
        if (wantsBase != (base != null) || wantsPeer == params.isEmpty()) {
            return Result.fail("\"" + verb + "\" entry " + (wantsBase ? "needs" : "takes no") + " base= and "
                               + (wantsPeer ? "needs" : "takes no") + " parameters");
        }
        try {
            PeerSpec peerSpec = wantsPeer ? spec(key, params) : null;
            PeerSpec baseSpec = null;
            if (base != null) {
                Map<String, String> b = new LinkedHashMap<>();
                for (String kv : base.split(",")) {
                    int eq = kv.indexOf('=');
                    b.put(eq < 0 ? kv : kv.substring(0, eq), eq < 0 ? "" : kv.substring(eq + 1));
                }
                baseSpec = spec(key, b);
            }
            return Result.ok(new Entry(key, baseSpec, peerSpec));
        } catch (IllegalArgumentException e) {
            return Result.fail(e.getMessage());
        }
    }

    public List<Entry> entries() {
        return entries;
    }

    public @Nullable Entry entry(Key key) {
        return byKey.get(key);
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Weight, max_fails, fail_timeout, max_conns, backup and down: what a config line sets. */
    public static boolean sameParameters(@Nullable PeerSpec a, @Nullable PeerSpec b) {
        if (a == null || b == null) {
            return a == b;
        }
        return a.weight() == b.weight() && a.maxFails() == b.maxFails() && a.failTimeout() == b.failTimeout()
               && a.maxConns() == b.maxConns() && a.backup() == b.backup() && a.down() == b.down();
    }

    private static String parameters(PeerSpec p, char sep) {
        return "weight=" + p.weight() + sep + "max_fails=" + p.maxFails() + sep + "fail_timeout=" + p.failTimeout()
               + sep + "max_conns=" + p.maxConns() + (p.backup() ? sep + "backup" : "")
               + (p.down() ? sep + "down" : "");
    }

    private static PeerSpec spec(Key key, Map<String, String> params) {
        Map<String, String> left = new LinkedHashMap<>(params);
        int weight = number(left, "weight");
        int maxFails = number(left, "max_fails");
        int failTimeout = number(left, "fail_timeout");
        int maxConns = number(left, "max_conns");
        boolean backup = flag(left, "backup");
        boolean down = flag(left, "down");
        if (!left.isEmpty()) {
            throw new IllegalArgumentException("invalid parameter \"" + left.keySet().iterator().next() + "\"");
        }
        SocketAddress address = null;
        ServerAddress name = ServerAddress.parse(key.name()).value();
        if (name != null && name.isLiteral()) {
            try {
                address = name.resolve(host -> {
                    throw new UnknownHostException(host);
                })[0];
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("invalid address \"" + key.name() + "\"", e);
            }
        }
        return new PeerSpec(key.server(), key.name(), address, weight, maxFails, failTimeout, maxConns, backup, down);
    }

    private static int number(Map<String, String> params, String name) {
        String v = params.remove(name);
        if (v == null || !v.matches("\\d{1,9}")) {
            throw new IllegalArgumentException(name + ": " + v + " (expected: a number)");
        }
        return Integer.parseInt(v);
    }

    private static boolean flag(Map<String, String> params, String name) {
        String v = params.remove(name);
        if (v != null && !v.isEmpty()) {
            throw new IllegalArgumentException("invalid parameter \"" + name + '=' + v + "\"");
        }
        return v != null;
    }

    /** Keeps one token per field: whitespace, commas and '%' in an address are written as %XX. */
    public static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c == '%' || c == ',' || c == 0x7f) {
                sb.append('%').append(String.format(Locale.ROOT, "%02X", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    public static String unescape(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && isHex(s, i + 1) && isHex(s, i + 2)) {
                sb.append((char) Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static boolean isHex(String s, int i) {
        return Character.digit(s.charAt(i), 16) >= 0;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Overlay) || ((Overlay) o).entries.size() != entries.size()) {
            return false;
        }
        for (int i = 0; i < entries.size(); i++) {
            if (!entries.get(i).sameAs(((Overlay) o).entries.get(i))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return byKey.keySet().hashCode();
    }

    @Override
    public String toString() {
        return "Overlay{" + entries.size() + " entries}";
    }
}

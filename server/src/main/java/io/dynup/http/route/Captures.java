package io.dynup.http.route;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The groups regexes captured for a request: nginx's {@code $1} .. {@code $9} and named-capture variables.
 * Immutable.
 *
 * <p>As in nginx, a group that did not take part in the match, or a number beyond the pattern's groups, reads as
 * the empty string. Group 0 is the whole match. Values are decoded as UTF-8 by {@link #group(int)} and
 * {@link #named(String)} and available as raw bytes through {@link #groupBytes(int)} (a group can cut a multi-byte
 * character in two: PCRE without UTF works on bytes).
 *
 * <p>nginx keeps numbered groups from the last regex that matched but named groups as variables that stay set once a
 * regex set them; {@link #then(Captures)} combines two matches that way (a {@code server_name} regex, then a
 * location regex).
 */
public final class Captures {

    /** No captures: every group reads as empty. */
    public static final Captures NONE = new Captures("", new int[0], Map.of());

    private final String subject;
    private final int[] offsets;
    /** Named groups: name to value as a byte string, in order of first setting. */
    private final Map<String, String> named;

    private Captures(String subject, int[] offsets, Map<String, String> named) {
        this.subject = subject;
        this.offsets = offsets;
        this.named = named;
    }

    /** The captures of one match of {@code subject}; {@code offsets} as start/end pairs, -1 for unset groups. */
    static Captures of(String subject, int[] offsets, Map<String, Integer> names) {
        Map<String, String> named = new LinkedHashMap<>();
        names.forEach((name, g) -> named.put(name, raw(subject, offsets, g)));
        return new Captures(subject, offsets, Collections.unmodifiableMap(named));
    }

    /**
     * What a request has after {@code later} matched on top of this: the numbered groups of {@code later} (unless it
     * is {@link #NONE}, which changes nothing), and the named groups of both, {@code later}'s winning.
     */
    public Captures then(Captures later) {
        if (later.isEmpty()) {
            return this;
        }
        if (named.isEmpty()) {
            return later;
        }
        Map<String, String> merged = new LinkedHashMap<>(named);
        merged.putAll(later.named);
        return new Captures(later.subject, later.offsets, Collections.unmodifiableMap(merged));
    }

    /** How many numbered groups the last regex has (0 for {@link #NONE} and patterns without groups). */
    public int groupCount() {
        return Math.max(0, offsets.length / 2 - 1);
    }

    /** Whether no regex matched at all (no group 0, no named group). */
    public boolean isEmpty() {
        return offsets.length == 0 && named.isEmpty();
    }

    /** Group {@code n} as text; empty when the group did not match or does not exist. */
    public String group(int n) {
        return PcreRegex.ByteStrings.text(raw(subject, offsets, n));
    }

    /** Group {@code n} as the bytes of the subject it covers; empty when unset or absent. */
    public byte[] groupBytes(int n) {
        return raw(subject, offsets, n).getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * A named group as text: empty when the group did not take part in the match, {@code null} when no regex that
     * matched has a group of that name.
     */
    public @Nullable String named(String name) {
        String v = named.get(name);
        return v == null ? null : PcreRegex.ByteStrings.text(v);
    }

    /** The names of the named groups set so far. */
    public Set<String> names() {
        return named.keySet();
    }

    private static String raw(String subject, int[] offsets, int n) {
        if (n < 0 || 2 * n + 1 >= offsets.length || offsets[2 * n] < 0) {
            return "";
        }
        return subject.substring(offsets[2 * n], offsets[2 * n + 1]);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Captures[");
        String sep = "";
        for (int g = 0; 2 * g + 1 < offsets.length; g++) {
            sb.append(sep).append('$').append(g).append('=').append(group(g));
            sep = ", ";
        }
        for (String name : named.keySet()) {
            sb.append(sep).append(name).append('=').append(named(name));
            sep = ", ";
        }
        return sb.append(']').toString();
    }
}

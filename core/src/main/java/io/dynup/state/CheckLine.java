package io.dynup.state;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32;

import org.jspecify.annotations.Nullable;

import io.dynup.model.HealthCheck;
import io.dynup.model.HealthCheckFields;
import io.dynup.model.Overlay;
import io.dynup.model.Result;

/**
 * The {@code check} entry of a state file: the whole check tuned at run time, as {@link HealthCheckFields#view}
 * flattened to {@code key=value} words ({@code command.uri=/health}, {@code command.headers.Host=a},
 * {@code disabled_hosts=a,b}), and {@code base=} the fingerprint of the configured check it was made against,
 * so that a config whose check directives were edited since wins (docs/STATE.md).
 */
record CheckLine(String line, String base, UnaryOperator<HealthCheck> change) {

    /** Back to the configured check. */
    static final String CONFIG = "check config";

    private static final String HEADERS = "command.headers";
    private static final Set<String> LISTS = Set.of("disabled_hosts", "excluded_hosts", "command.expected.codes");

    /** The line for {@code check} over {@code configured}; null when it is the configured check (nothing tuned). */
    static @Nullable String of(@Nullable HealthCheck configured, @Nullable HealthCheck check) {
        if (check == null || check.equals(configured)) {
            return null;
        }
        StringBuilder sb = new StringBuilder("check base=").append(fingerprint(configured));
        flatten(sb, "", HealthCheckFields.view(check));
        return sb.toString();
    }

    /**
     * What the fields of the checks that the run-time APIs cannot change (and a change of the check directives
     * at all) are compared by: the configured check's CRC-32, {@code none} without one.
     */
    static String fingerprint(@Nullable HealthCheck configured) {
        if (configured == null) {
            return "none";
        }
        CRC32 crc = new CRC32();
        crc.update(configured.toString().getBytes(StandardCharsets.UTF_8));
        return String.format(Locale.ROOT, "%08x", crc.getValue());
    }

    static Result<CheckLine> parse(String line) {
        String[] t = line.trim().split(" +");
        if (t.length < 2 || !t[1].startsWith("base=")) {
            return Result.fail("expected \"check base=FINGERPRINT KEY=VALUE...\"");
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 2; i < t.length; i++) {
            int eq = t[i].indexOf('=');
            if (eq <= 0) {
                return Result.fail("check: \"" + t[i] + "\" (expected: KEY=VALUE)");
            }
            String key = t[i].substring(0, eq);
            String raw = t[i].substring(eq + 1);
            if (LISTS.contains(key)) {
                List<String> items = new ArrayList<>();
                for (String s : raw.isEmpty() ? new String[0] : raw.split(",", -1)) {
                    items.add(Overlay.unescape(s));
                }
                put(fields, key, items);
            } else if (key.equals(HEADERS) && raw.isEmpty()) {
                put(fields, key, new LinkedHashMap<String, Object>());
            } else if (key.startsWith(HEADERS + '.')) {
                nested(nested(fields, "command"), "headers").put(key.substring(HEADERS.length() + 1),
                                                                  Overlay.unescape(raw));
            } else {
                put(fields, key, Overlay.unescape(raw));
            }
        }
        Result<UnaryOperator<HealthCheck>> change = HealthCheckFields.parse(fields);
        return change.ok() ? Result.ok(new CheckLine(line, t[1].substring(5), change.get()))
                : Result.fail("check: " + change.error());
    }

    private static void flatten(StringBuilder sb, String prefix, Map<String, Object> fields) {
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            String key = prefix + e.getKey();
            if (e.getValue() instanceof Map<?, ?> m) {
                if (m.isEmpty()) {
                    sb.append(' ').append(key).append('=');
                }
                @SuppressWarnings("unchecked")
                Map<String, Object> inner = (Map<String, Object>) m;
                flatten(sb, key + '.', inner);
            } else if (e.getValue() instanceof List<?> l) {
                sb.append(' ').append(key).append('=');
                for (int i = 0; i < l.size(); i++) {
                    sb.append(i == 0 ? "" : ",").append(Overlay.escape(String.valueOf(l.get(i))));
                }
            } else {
                sb.append(' ').append(key).append('=').append(Overlay.escape(String.valueOf(e.getValue())));
            }
        }
    }

    /** Puts {@code value} at a dotted path of plain keys ({@code command.expected.body}). */
    private static void put(Map<String, Object> fields, String key, Object value) {
        Map<String, Object> at = fields;
        String[] path = key.split("\\.", -1);
        for (int i = 0; i < path.length - 1; i++) {
            at = nested(at, path[i]);
        }
        at.put(path[path.length - 1], value);
    }

    private static Map<String, Object> nested(Map<String, Object> fields, String key) {
        if (fields.get(key) instanceof Map<?, ?> m) {
            @SuppressWarnings("unchecked")
            Map<String, Object> inner = (Map<String, Object>) m;
            return inner;
        }
        // a damaged line may have put a word here: the object replaces it, parse() judges what is left
        Map<String, Object> inner = new LinkedHashMap<>();
        fields.put(key, inner);
        return inner;
    }
}

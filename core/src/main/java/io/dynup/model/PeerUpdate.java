package io.dynup.model;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A change to a peer's parameters: only the fields that are set change. Built from untyped input (a Lua
 * table, query arguments, JSON) by {@link #parse}, which validates everything before anything is applied,
 * so a rejected update changes nothing.
 */
public record PeerUpdate(@Nullable Integer weight, @Nullable Integer maxFails, @Nullable Integer failTimeout,
                         @Nullable Integer maxConns, @Nullable Boolean down) {

    public static final PeerUpdate NONE = new PeerUpdate(null, null, null, null, null);

    /** The keys {@link #parse} accepts, in the reference module's spelling. */
    public static final String KEYS = "weight, max_fails, fail_timeout, max_conns, down";

    public PeerUpdate {
        checkOptional("weight", weight, 1, PeerSpec.MAX_WEIGHT);
        checkOptional("max_fails", maxFails, 0, PeerSpec.MAX_MAX_FAILS);
        checkOptional("fail_timeout", failTimeout, 0, PeerSpec.MAX_FAIL_TIMEOUT);
        checkOptional("max_conns", maxConns, 0, PeerSpec.MAX_MAX_CONNS);
    }

    public static PeerUpdate down(boolean down) {
        return new PeerUpdate(null, null, null, null, down);
    }

    public boolean isEmpty() {
        return equals(NONE);
    }

    /** {@code spec} with this update's fields applied. */
    public PeerSpec applyTo(PeerSpec spec) {
        PeerSpec s = spec;
        if (weight != null) {
            s = s.withWeight(weight);
        }
        if (maxFails != null) {
            s = s.withMaxFails(maxFails);
        }
        if (failTimeout != null) {
            s = s.withFailTimeout(failTimeout);
        }
        if (maxConns != null) {
            s = s.withMaxConns(maxConns);
        }
        if (down != null) {
            s = s.withDown(down);
        }
        return s;
    }

    /**
     * Validates untyped parameters. Numbers may be Java numbers or numeric strings ({@code "7"}) and must be
     * whole; {@code down} takes {@code true/1/"1"} (down) or {@code false/0/"0"} (up). Unknown keys, wrong
     * types and out-of-range values are rejected with a message naming the field and the expected range,
     * e.g. {@code weight: 2.9 (expected: an integer 1..1000000)}.
     */
    public static Result<PeerUpdate> parse(Map<String, ?> raw) {
        Map<String, Object> left = new LinkedHashMap<>(raw);
        try {
            Integer weight = integer(left, "weight", 1, PeerSpec.MAX_WEIGHT);
            Integer maxFails = integer(left, "max_fails", 0, PeerSpec.MAX_MAX_FAILS);
            Integer failTimeout = integer(left, "fail_timeout", 0, PeerSpec.MAX_FAIL_TIMEOUT);
            Integer maxConns = integer(left, "max_conns", 0, PeerSpec.MAX_MAX_CONNS);
            Boolean down = flag(left, "down");
            if (!left.isEmpty()) {
                return Result.fail("unknown parameter \"" + left.keySet().iterator().next()
                                   + "\" (expected: " + KEYS + ")");
            }
            return Result.ok(new PeerUpdate(weight, maxFails, failTimeout, maxConns, down));
        } catch (IllegalArgumentException e) {
            return Result.fail(e.getMessage());
        }
    }

    static String rangeMessage(String field, Object value, long min, long max) {
        return field + ": " + value + " (expected: an integer " + min + ".." + max + ")";
    }

    private static @Nullable Integer integer(Map<String, Object> left, String key, int min, int max) {
        Object v = left.remove(key);
        if (v == null) {
            return null;
        }
        Long n = wholeNumber(v);
        if (n == null || n < min || n > max) {
            throw new IllegalArgumentException(rangeMessage(key, show(v), min, max));
        }
        return n.intValue();
    }

    static @Nullable Boolean flag(Map<String, ?> left, String key) {
        Object v = left.remove(key);
        if (v == null) {
            return null;
        }
        if (v instanceof Boolean) {
            return (Boolean) v;
        }
        Long n = wholeNumber(v);
        if (n != null && (n == 0 || n == 1)) {
            return n == 1;
        }
        throw new IllegalArgumentException(key + ": " + show(v) + " (expected: true, false, 1 or 0)");
    }

    /** The value as a whole number, or null when it is not one (2.9, "abc", a table). */
    static @Nullable Long wholeNumber(Object v) {
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? (long) d : null;
        }
        if (v instanceof String) {
            String s = ((String) v).trim();
            if (s.matches("[+-]?\\d{1,15}")) {
                return Long.parseLong(s);
            }
        }
        return null;
    }

    /** A value as the user wrote it: 2.9 stays 2.9, 7.0 (a Lua integer) shows as 7, strings quoted. */
    static String show(Object v) {
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
        }
        if (v instanceof String) {
            return "\"" + v + "\"";
        }
        if (v instanceof Number || v instanceof Boolean) {
            return v.toString();
        }
        return "a " + v.getClass().getSimpleName();
    }

    private static void checkOptional(String field, @Nullable Integer value, int min, int max) {
        if (value != null && (value < min || value > max)) {
            throw new IllegalArgumentException(rangeMessage(field, value, min, max));
        }
    }
}

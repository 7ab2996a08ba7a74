package io.dynup.model;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The balancing method of an upstream, as its directive declares it: round robin (no directive),
 * {@code least_conn}, {@code ip_hash}, {@code hash KEY [consistent]}, {@code random [two]}.
 *
 * @param hashKey the unevaluated key of {@code hash}, e.g. {@code $request_uri}; null for other methods
 */
public record Balancing(Method method, @Nullable String hashKey, boolean consistent, boolean two) {

    /** nginx's balancing modules. */
    public enum Method {
        ROUND_ROBIN, LEAST_CONN, IP_HASH, HASH, RANDOM;

        /** nginx refuses {@code backup} with the hash family and random (they have no backup tier). */
        public boolean supportsBackup() {
            return this == ROUND_ROBIN || this == LEAST_CONN;
        }
    }

    public static final Balancing ROUND_ROBIN = new Balancing(Method.ROUND_ROBIN, null, false, false);
    public static final Balancing LEAST_CONN = new Balancing(Method.LEAST_CONN, null, false, false);
    public static final Balancing IP_HASH = new Balancing(Method.IP_HASH, null, false, false);

    public Balancing {
        Objects.requireNonNull(method, "method");
        if ((method == Method.HASH) != (hashKey != null)) {
            throw new IllegalArgumentException("hashKey: " + hashKey + " (expected: set only for hash)");
        }
    }

    public static Balancing hash(String key, boolean consistent) {
        return new Balancing(Method.HASH, key, consistent, false);
    }

    public static Balancing random(boolean two) {
        return new Balancing(Method.RANDOM, null, false, two);
    }

    /** The directive that selects this method, as it would be written in the config. */
    @Override
    public String toString() {
        switch (method) {
            case ROUND_ROBIN: return "round_robin";
            case LEAST_CONN: return "least_conn";
            case IP_HASH: return "ip_hash";
            case HASH: return "hash " + hashKey + (consistent ? " consistent" : "");
            default: return "random" + (two ? " two" : "");
        }
    }
}

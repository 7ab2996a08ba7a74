package io.dynup.admin;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import io.dynup.config.ConfigValues;
import io.dynup.model.PeerUpdate;
import io.dynup.model.Result;
import io.dynup.model.ServerAddress;
import io.dynup.upstream.Peer;
import io.dynup.upstream.PeerOperation;

/**
 * Reads the JSON API's server objects into the service's operations, with NGINX Plus's field names and error
 * codes: {@code server}, {@code weight}, {@code max_conns}, {@code max_fails}, {@code fail_timeout} (seconds
 * or a time such as {@code "10s"}), {@code backup}, {@code down}. Any other field is refused by name
 * ({@code UpstreamConfFormatError}, as Plus does for unknown parameters); so is a nested object or list.
 */
final class ServerFields {

    /** The fields {@link PeerUpdate#parse} takes, with the Plus code of a bad value. */
    private static final Map<String, String> PARAMETERS = Map.of(
            "weight", "UpstreamBadWeight",
            "max_conns", "UpstreamBadMaxConns",
            "max_fails", "UpstreamBadMaxFails",
            "fail_timeout", "UpstreamBadFailTimeout",
            "down", "UpstreamConfFormatError");

    private static final List<String> POST_FIELDS =
            List.of("server", "weight", "max_conns", "max_fails", "fail_timeout", "backup", "down");
    private static final List<String> PATCH_FIELDS =
            List.of("id", "server", "weight", "max_conns", "max_fails", "fail_timeout", "backup", "down");
    private static final List<String> UPDATE_FIELDS =
            List.of("id", "weight", "max_conns", "max_fails", "fail_timeout", "down");

    private ServerFields() {
    }

    /** A POST body (or a batch's add): {@code server} is required. */
    static PeerOperation.Add add(@Nullable Object json) {
        Map<String, @Nullable Object> fields = object(json);
        checkKnown(fields, POST_FIELDS);
        Object server = fields.get("server");
        if (server == null) {
            throw formatError("missing \"server\" argument");
        }
        if (!(server instanceof String) || ((String) server).isEmpty()) {
            throw badAddress("server: " + show(server) + " (expected: an address such as \"10.0.0.1:8080\")");
        }
        String address = (String) server;
        Result<ServerAddress> parsed = ServerAddress.parse(address);
        if (!parsed.ok()) {
            throw badAddress("server \"" + address + "\": " + parsed.error());
        }
        return new PeerOperation.Add(address, flag(fields, "backup"), parameters(fields));
    }

    /**
     * A PATCH body for {@code current}: {@code id}, {@code server} and {@code backup} may be given only with
     * their current values (a tool may send back what it read); anything else is Plus's
     * {@code UpstreamServerImmutable}.
     */
    static PeerOperation.Update patch(@Nullable Object json, Peer current) {
        Map<String, @Nullable Object> fields = object(json);
        checkKnown(fields, PATCH_FIELDS);
        immutable(fields, "id", current.id());
        immutable(fields, "server", current.server());
        immutable(fields, "backup", current.backup());
        return new PeerOperation.Update(current.id(), parameters(fields));
    }

    /** A batch's update: the peer's {@code id} and the parameters to change. */
    static PeerOperation.Update update(Map<String, @Nullable Object> fields) {
        checkKnown(fields, UPDATE_FIELDS);
        return new PeerOperation.Update(id(fields), parameters(fields));
    }

    /** A batch's remove: the peer's {@code id}. */
    static PeerOperation.Remove remove(Map<String, @Nullable Object> fields) {
        checkKnown(fields, List.of("id"));
        return new PeerOperation.Remove(id(fields));
    }

    @SuppressWarnings("unchecked")
    static Map<String, @Nullable Object> object(@Nullable Object json) {
        if (!(json instanceof Map)) {
            throw formatError("expected a JSON object, got " + show(json));
        }
        Map<String, @Nullable Object> fields = (Map<String, @Nullable Object>) json;
        for (Map.Entry<String, @Nullable Object> e : fields.entrySet()) {
            if (e.getValue() instanceof Map || e.getValue() instanceof List) {
                throw formatError("nested object or list in \"" + e.getKey() + "\"");
            }
        }
        return fields;
    }

    private static void checkKnown(Map<String, @Nullable Object> fields, List<String> known) {
        for (String name : fields.keySet()) {
            if (!known.contains(name)) {
                throw formatError("unknown parameter \"" + name + "\" (expected: " + String.join(", ", known)
                                  + ")");
            }
        }
    }

    private static long id(Map<String, @Nullable Object> fields) {
        Object id = fields.get("id");
        if (id instanceof Integer || id instanceof Long) {
            return ((Number) id).longValue();
        }
        throw new ApiException(400, "UpstreamBadServerId", "id: " + show(id) + " (expected: a server id)");
    }

    private static boolean flag(Map<String, @Nullable Object> fields, String name) {
        Object v = fields.get(name);
        if (v == null && !fields.containsKey(name)) {
            return false;
        }
        if (v instanceof Boolean) {
            return (Boolean) v;
        }
        throw formatError(name + ": " + show(v) + " (expected: true or false)");
    }

    private static void immutable(Map<String, @Nullable Object> fields, String name, Object current) {
        if (!fields.containsKey(name)) {
            return;
        }
        Object v = fields.get(name);
        boolean same = v instanceof Number && current instanceof Long
                ? ((Number) v).longValue() == (Long) current : current.equals(v);
        if (!same) {
            throw new ApiException(400, "UpstreamServerImmutable",
                                   name + ": " + show(v) + " cannot be changed (it is " + show(current) + ")");
        }
    }

    /** The parameter fields as a validated update; a bad value answers with its field's Plus code. */
    private static PeerUpdate parameters(Map<String, @Nullable Object> fields) {
        Map<String, Object> raw = new LinkedHashMap<>();
        for (String name : PARAMETERS.keySet()) {
            if (fields.containsKey(name)) {
                Object v = fields.get(name);
                if (v == null) {
                    throw new ApiException(400, PARAMETERS.get(name), name + ": null (expected: a value)");
                }
                raw.put(name, name.equals("fail_timeout") ? seconds(v) : v);
            }
        }
        Result<PeerUpdate> update = PeerUpdate.parse(raw);
        if (!update.ok()) {
            String error = update.error();
            String field = error.substring(0, Math.max(0, error.indexOf(':')));
            throw new ApiException(400, PARAMETERS.getOrDefault(field, "UpstreamConfFormatError"), error);
        }
        return update.get();
    }

    /** {@code "10s"}, {@code "1m"} as nginx reads times, to seconds; numbers go on as they are. */
    private static Object seconds(Object v) {
        if (!(v instanceof String)) {
            return v;
        }
        Optional<Duration> d = ConfigValues.parseSeconds((String) v);
        if (d.isEmpty() || d.get().getSeconds() > Integer.MAX_VALUE) {
            throw new ApiException(400, "UpstreamBadFailTimeout", "fail_timeout: " + show(v)
                                   + " (expected: a time such as \"10s\" or a number of seconds)");
        }
        return d.get().getSeconds();
    }

    static String show(@Nullable Object v) {
        return v instanceof String ? '"' + (String) v + '"' : String.valueOf(v);
    }

    static ApiException formatError(String text) {
        return new ApiException(400, "UpstreamConfFormatError", text);
    }

    private static ApiException badAddress(String text) {
        return new ApiException(400, "UpstreamBadAddress", text);
    }
}

package io.dynup.http.route;

import java.util.Objects;

/**
 * The server chosen for a request.
 *
 * @param server the server block
 * @param captures the groups of the regex {@code server_name} that matched (nginx's {@code $1}.. and named
 *     variables, until a location regex replaces them), else {@link Captures#NONE}
 * @param host the normalized host the choice was made for ({@link Hosts#normalize}); empty when the request had
 *     none
 */
public record ServerMatch(Server server, Captures captures, String host) {

    /** Checks for nulls. */
    public ServerMatch {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(captures, "captures");
        Objects.requireNonNull(host, "host");
    }
}

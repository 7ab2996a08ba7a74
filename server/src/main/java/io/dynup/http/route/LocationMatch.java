package io.dynup.http.route;

import java.util.Objects;

/**
 * The outcome of {@link LocationTree#find(String)}.
 *
 * @param location the chosen location; the server node ({@link Location#isServer()}) when none matched
 * @param captures what the regex locations that matched captured: numbered groups of the last one (a regex
 *     without groups leaves {@code $1} empty), named groups of all of them (nginx 1.22.1 keeps named captures as
 *     variables); {@link Captures#NONE} when no regex location matched. For the request's variables combine with
 *     the server's: {@code serverMatch.captures().then(locationMatch.captures())}
 * @param autoRedirect nginx's {@code NGX_DONE}: the URI is the name of an {@linkplain Location#autoRedirect()
 *     auto-redirect} location minus its trailing slash, so the answer is {@code 301} with
 *     {@code Location: <location.escapedName()>[?args]}; no regex was tried
 */
public record LocationMatch(Location location, Captures captures, boolean autoRedirect) {

    /** Checks for nulls. */
    public LocationMatch {
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(captures, "captures");
    }
}

package io.dynup.proxy;

import org.jspecify.annotations.Nullable;

/** The cases of {@code proxy_next_upstream} in which a request moves on to the next peer. */
enum NextUpstream {
    ERROR, TIMEOUT, INVALID_HEADER, HTTP_500, HTTP_502, HTTP_503, HTTP_504, HTTP_403, HTTP_404, HTTP_429,
    NON_IDEMPOTENT;

    static @Nullable NextUpstream of(String word) {
        for (NextUpstream n : values()) {
            if (n.name().equalsIgnoreCase(word)) {
                return n;
            }
        }
        return null;
    }

    /** The case a response status falls in, or null when no case names it. */
    static @Nullable NextUpstream forStatus(int status) {
        switch (status) {
            case 500: return HTTP_500;
            case 502: return HTTP_502;
            case 503: return HTTP_503;
            case 504: return HTTP_504;
            case 403: return HTTP_403;
            case 404: return HTTP_404;
            case 429: return HTTP_429;
            default: return null;
        }
    }

    /** nginx counts a next-upstream case toward max_fails unless it is a 403, 404 or 429. */
    boolean countsAsFailure() {
        return this != HTTP_403 && this != HTTP_404 && this != HTTP_429;
    }
}

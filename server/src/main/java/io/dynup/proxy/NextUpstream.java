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

    /** The status the client gets when this case ends the request (ngx_http_upstream_next). */
    int status() {
        switch (this) {
            case TIMEOUT:
            case HTTP_504:
                return 504;
            case HTTP_500:
                return 500;
            case HTTP_503:
                return 503;
            case HTTP_403:
                return 403;
            case HTTP_404:
                return 404;
            case HTTP_429:
                return 429;
            default:
                return 502;
        }
    }

    /**
     * nginx counts a next-upstream case toward max_fails unless it is a 403 or 404 (ngx_http_upstream_next frees
     * the peer with NGX_PEER_NEXT for those two only; a listed http_429 is an unsuccessful attempt).
     */
    boolean countsAsFailure() {
        return this != HTTP_403 && this != HTTP_404;
    }
}

package io.dynup.http;

/**
 * The request phases before content where modules may act, in the order nginx runs them: rewrite
 * ({@code set}, {@code rewrite_by_lua*}) then access ({@code allow}/{@code deny}, {@code access_by_lua*}).
 * Content ({@link ContentHandler}) and log ({@link LogHandler}) have their own hooks.
 */
public enum Phase {
    REWRITE,
    ACCESS
}

package io.dynup.http;

/**
 * nginx's log phase: runs once when an exchange ends, finished or aborted, after its last byte was handed to
 * the connection ({@code access_log}, {@code log_by_lua*}). It cannot change the response; it must not block.
 */
@FunctionalInterface
public interface LogHandler {

    void log(HttpExchange exchange);
}

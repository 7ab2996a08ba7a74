package io.dynup.config;

import static io.dynup.config.Context.EVENTS;
import static io.dynup.config.Context.HTTP;
import static io.dynup.config.Context.HTTP_LOCATION;
import static io.dynup.config.Context.HTTP_SERVER;
import static io.dynup.config.Context.HTTP_UPSTREAM;
import static io.dynup.config.Context.MAIN;
import static io.dynup.config.Context.STREAM;
import static io.dynup.config.Context.STREAM_SERVER;
import static io.dynup.config.Context.STREAM_UPSTREAM;
import static io.dynup.config.DirectiveSpec.UNBOUNDED;
import static io.dynup.config.DirectiveSpec.block;
import static io.dynup.config.DirectiveSpec.simple;

import java.util.List;

/**
 * The directives core itself understands: the one place they are declared. Other modules declare theirs in their
 * own lists and combine them with {@link DirectiveTable#builder()}.
 */
public final class CoreDirectives {

    /** Every core directive spec. */
    public static final List<DirectiveSpec> ALL = List.of(
            // Allowed everywhere, as nginx's NGX_ANY_CONF; values() so contexts added later are covered too.
            simple("include", 1, 1, Context.values()),

            simple("worker_processes", 1, 1, MAIN),
            simple("error_log", 1, 2, MAIN, HTTP, HTTP_SERVER, HTTP_LOCATION, STREAM, STREAM_SERVER),
            simple("pid", 1, 1, MAIN),
            block("events", 0, 0, EVENTS, MAIN),
            simple("worker_connections", 1, 1, EVENTS),
            block("http", 0, 0, HTTP, MAIN),
            block("stream", 0, 0, STREAM, MAIN),

            block("upstream", 1, 1, HTTP_UPSTREAM, HTTP),
            block("upstream", 1, 1, STREAM_UPSTREAM, STREAM),
            block("server", 0, 0, HTTP_SERVER, HTTP),
            block("server", 0, 0, STREAM_SERVER, STREAM),

            simple("zone", 1, 2, HTTP_UPSTREAM, STREAM_UPSTREAM),
            simple("server", 1, UNBOUNDED, HTTP_UPSTREAM, STREAM_UPSTREAM),
            simple("keepalive", 1, 1, HTTP_UPSTREAM),
            simple("keepalive_timeout", 1, 1, HTTP_UPSTREAM),
            simple("keepalive_requests", 1, 1, HTTP_UPSTREAM),
            simple("least_conn", 0, 0, HTTP_UPSTREAM, STREAM_UPSTREAM),
            simple("ip_hash", 0, 0, HTTP_UPSTREAM),
            simple("hash", 1, 2, HTTP_UPSTREAM, STREAM_UPSTREAM),
            simple("random", 0, 2, HTTP_UPSTREAM, STREAM_UPSTREAM),
            simple("dns_update", 1, 1, HTTP_UPSTREAM, STREAM_UPSTREAM),
            simple("state", 1, 1, HTTP_UPSTREAM, STREAM_UPSTREAM),
            // active health checks (io.dynup.model.HealthChecks), in the words of ngx_dynamic_healthcheck
            simple("check", 0, UNBOUNDED, HTTP_UPSTREAM, STREAM_UPSTREAM),
            simple("check_request_uri", 2, 2, HTTP_UPSTREAM, STREAM_UPSTREAM),
            simple("check_request_headers", 1, UNBOUNDED, HTTP_UPSTREAM, STREAM_UPSTREAM),
            simple("check_request_body", 1, 1, HTTP_UPSTREAM, STREAM_UPSTREAM),
            simple("check_response_codes", 1, UNBOUNDED, HTTP_UPSTREAM, STREAM_UPSTREAM),
            simple("check_response_body", 1, 1, HTTP_UPSTREAM, STREAM_UPSTREAM),
            simple("check_disable_host", 1, 1, HTTP_UPSTREAM, STREAM_UPSTREAM),
            simple("check_exclude_host", 1, 1, HTTP_UPSTREAM, STREAM_UPSTREAM));

    private CoreDirectives() {
    }

    /** A table of just the core directives. */
    public static DirectiveTable table() {
        return DirectiveTable.builder().addAll(ALL).build();
    }
}

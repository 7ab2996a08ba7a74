package io.dynup.http;

import java.util.List;

import org.jspecify.annotations.Nullable;

import io.dynup.config.Context;
import io.dynup.config.DirectiveSpec;
import io.dynup.http.route.HttpDirectives;
import io.dynup.http.route.Location;

/**
 * The http core's own directives: server selection ({@code listen}, {@code server_name}, {@code location}),
 * connection settings, {@code default_type} and {@code types} ({@link ContentTypes}), {@code error_page}
 * (applied by {@link HttpExchange}).
 * Directives of nginx's process model are accepted so existing configs load.
 */
public final class CoreHttpModule implements HttpModule {

    private static final Context[] HSL = {Context.HTTP, Context.HTTP_SERVER, Context.HTTP_LOCATION};

    @Override
    public List<DirectiveSpec> directives() {
        List<DirectiveSpec> specs = new java.util.ArrayList<>(HttpDirectives.ALL);
        specs.addAll(List.of(
                DirectiveSpec.simple("default_type", 1, 1, HSL),
                DirectiveSpec.block("types", 0, 0, Context.HTTP_TYPES, HSL),
                DirectiveSpec.simple(DirectiveSpec.ANY_NAME, 0, DirectiveSpec.UNBOUNDED, Context.HTTP_TYPES),
                DirectiveSpec.simple("error_page", 2, DirectiveSpec.UNBOUNDED, HSL),
                DirectiveSpec.simple("recursive_error_pages", 1, 1, HSL),
                DirectiveSpec.simple("keepalive_timeout", 1, 2, HSL),
                DirectiveSpec.simple("keepalive_requests", 1, 1, HSL),
                DirectiveSpec.simple("client_header_timeout", 1, 1, Context.HTTP, Context.HTTP_SERVER),
                DirectiveSpec.simple("client_body_timeout", 1, 1, HSL),
                DirectiveSpec.simple("client_max_body_size", 1, 1, HSL),
                DirectiveSpec.simple("sendfile", 1, 1, HSL),
                DirectiveSpec.simple("tcp_nopush", 1, 1, HSL),
                DirectiveSpec.simple("tcp_nodelay", 1, 1, HSL),
                DirectiveSpec.simple("server_tokens", 1, 1, HSL),
                DirectiveSpec.simple("daemon", 1, 1, Context.MAIN),
                DirectiveSpec.simple("master_process", 1, 1, Context.MAIN),
                DirectiveSpec.simple("user", 1, 2, Context.MAIN),
                DirectiveSpec.simple("worker_rlimit_nofile", 1, 1, Context.MAIN),
                DirectiveSpec.simple("multi_accept", 1, 1, Context.EVENTS),
                DirectiveSpec.simple("use", 1, 1, Context.EVENTS),
                DirectiveSpec.simple("client_body_temp_path", 1, 4, HSL),
                DirectiveSpec.simple("proxy_temp_path", 1, 4, HSL),
                DirectiveSpec.simple("fastcgi_temp_path", 1, 4, HSL),
                DirectiveSpec.simple("uwsgi_temp_path", 1, 4, HSL),
                DirectiveSpec.simple("scgi_temp_path", 1, 4, HSL)));
        return specs;
    }

    @Override
    public @Nullable ContentHandler contentHandler(Location location, LocationConfig config) {
        return null;
    }
}

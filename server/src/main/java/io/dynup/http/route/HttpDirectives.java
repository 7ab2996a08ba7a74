package io.dynup.http.route;

import static io.dynup.config.Context.HTTP_LOCATION;
import static io.dynup.config.Context.HTTP_SERVER;
import static io.dynup.config.DirectiveSpec.UNBOUNDED;
import static io.dynup.config.DirectiveSpec.block;
import static io.dynup.config.DirectiveSpec.simple;

import io.dynup.config.DirectiveSpec;
import java.util.List;

/**
 * The directives of server and location selection, with nginx's contexts and argument counts
 * ({@code ngx_http_core_commands}). {@code server} itself ({@code http} → {@code server}) is core's, in
 * {@link io.dynup.config.CoreDirectives}. Combine with {@link io.dynup.config.DirectiveTable#builder()}:
 *
 * <pre>{@code
 * DirectiveTable table = DirectiveTable.builder()
 *         .addAll(CoreDirectives.ALL).addAll(HttpDirectives.ALL).build();
 * }</pre>
 */
public final class HttpDirectives {

    /** {@code listen}, {@code server_name} and {@code location}. */
    public static final List<DirectiveSpec> ALL = List.of(
            simple("listen", 1, UNBOUNDED, HTTP_SERVER),
            simple("server_name", 1, UNBOUNDED, HTTP_SERVER),
            block("location", 1, 2, HTTP_LOCATION, HTTP_SERVER, HTTP_LOCATION));

    private HttpDirectives() {
    }
}

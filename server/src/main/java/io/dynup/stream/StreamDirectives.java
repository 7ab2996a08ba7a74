package io.dynup.stream;

import static io.dynup.config.Context.STREAM;
import static io.dynup.config.Context.STREAM_SERVER;
import static io.dynup.config.Context.STREAM_UPSTREAM;
import static io.dynup.config.DirectiveSpec.UNBOUNDED;
import static io.dynup.config.DirectiveSpec.simple;

import java.util.List;

import io.dynup.config.DirectiveSpec;

/**
 * The stream directives dynup understands, in nginx's contexts: {@code ngx_stream_core_module}'s
 * {@code listen}, {@code ngx_stream_proxy_module}'s {@code proxy_*}, {@code ngx_stream_access_module}'s
 * {@code allow}/{@code deny}, and the maintained dynamic-upstream module's {@code disconnect_*} flags.
 */
public final class StreamDirectives {

    public static final List<DirectiveSpec> ALL = List.of(
            simple("listen", 1, UNBOUNDED, STREAM_SERVER),
            simple("proxy_pass", 1, 1, STREAM_SERVER),
            simple("proxy_connect_timeout", 1, 1, STREAM, STREAM_SERVER),
            simple("proxy_timeout", 1, 1, STREAM, STREAM_SERVER),
            simple("proxy_next_upstream", 1, 1, STREAM, STREAM_SERVER),
            simple("proxy_next_upstream_tries", 1, 1, STREAM, STREAM_SERVER),
            simple("proxy_next_upstream_timeout", 1, 1, STREAM, STREAM_SERVER),
            simple("allow", 1, 1, STREAM, STREAM_SERVER),
            simple("deny", 1, 1, STREAM, STREAM_SERVER),
            simple("disconnect_backup_if_primary_up", 0, 0, STREAM_UPSTREAM),
            simple("disconnect_if_market_down", 0, 0, STREAM_UPSTREAM),
            simple("disconnect_on_exiting", 0, 0, STREAM_UPSTREAM));

    private StreamDirectives() {
    }
}

package io.dynup.http;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.jspecify.annotations.Nullable;

import io.dynup.config.ConfigException;
import io.dynup.config.Context;
import io.dynup.config.Directive;
import io.dynup.config.DirectiveSpec;
import io.dynup.http.route.HttpDirectives;
import io.dynup.http.route.Location;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/**
 * The http core's own directives: server selection ({@code listen}, {@code server_name}, {@code location}),
 * connection settings, {@code default_type}, and {@code return}, which answers from the configuration.
 * Directives of nginx's process model are accepted so existing configs load.
 */
public final class CoreHttpModule implements HttpModule {

    private static final Context[] HSL = {Context.HTTP, Context.HTTP_SERVER, Context.HTTP_LOCATION};

    @Override
    public List<DirectiveSpec> directives() {
        List<DirectiveSpec> specs = new java.util.ArrayList<>(HttpDirectives.ALL);
        specs.addAll(List.of(
                DirectiveSpec.simple("return", 1, 2, Context.HTTP_SERVER, Context.HTTP_LOCATION),
                DirectiveSpec.simple("default_type", 1, 1, HSL),
                DirectiveSpec.simple("keepalive_timeout", 1, 2, HSL),
                DirectiveSpec.simple("keepalive_requests", 1, 1, HSL),
                DirectiveSpec.simple("client_header_timeout", 1, 1, Context.HTTP, Context.HTTP_SERVER),
                DirectiveSpec.simple("client_body_timeout", 1, 1, HSL),
                DirectiveSpec.simple("client_max_body_size", 1, 1, HSL),
                DirectiveSpec.simple("access_log", 1, DirectiveSpec.UNBOUNDED, HSL),
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
        Directive ret = config.own("return");
        if (ret == null) {
            return null;
        }
        Directive type = config.find("default_type");
        return new Return(ret, type == null ? "text/plain" : type.arg(0), config.captureNames());
    }

    /**
     * nginx's {@code return}: {@code return CODE [TEXT]}, {@code return CODE URL} for redirects,
     * {@code return URL} (302).
     */
    static final class Return implements ContentHandler {

        private final int status;
        private final @Nullable ComplexValue value;
        private final String contentType;

        Return(Directive d, String contentType, java.util.Set<String> namedCaptures) {
            this.contentType = contentType;
            String first = d.arg(0);
            if (d.args().size() == 1 && (first.startsWith("http://") || first.startsWith("https://")
                                          || first.startsWith("$scheme"))) {
                status = 302;
                value = ComplexValue.compile(first, d, namedCaptures);
                return;
            }
            int code;
            try {
                code = Integer.parseInt(first);
            } catch (NumberFormatException e) {
                throw ConfigException.at(d.pos(), "invalid return code \"%s\"", first);
            }
            if (code < 0 || code > 999) {
                throw ConfigException.at(d.pos(), "invalid return code \"%s\"", first);
            }
            status = code;
            value = d.args().size() == 2 ? ComplexValue.compile(d.arg(1), d, namedCaptures) : null;
        }

        @Override
        public void handle(HttpExchange ex) {
            if (status == 444) {
                ex.abort();
                return;
            }
            // as nginx's ngx_http_send_response: the body is discarded first, and a broken one is the answer
            // (an error status goes out as an error page, which does not wait for the body)
            int bad = status < 400 ? ex.discardBody() : 0;
            if (bad != 0) {
                ex.respondError(bad);
                return;
            }
            boolean redirect = status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
            if (redirect && value != null) {
                ex.respond(status, "text/html", value.evaluate(ex), StatusLines.errorPage(ex.alloc(), status));
                return;
            }
            if (value == null) {
                if (status >= 400) {
                    ex.respondError(status);
                } else {
                    ex.respond(status, null, ex.alloc().buffer(0));
                }
                return;
            }
            String text = value.evaluate(ex);
            ByteBuf body = ByteBufUtil.encodeString(ex.alloc(), java.nio.CharBuffer.wrap(text), StandardCharsets.UTF_8);
            ex.respond(status, contentType, body);
        }

        @Override
        public String toString() {
            return "return " + status;
        }
    }
}

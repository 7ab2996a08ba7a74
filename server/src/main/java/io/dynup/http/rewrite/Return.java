package io.dynup.http.rewrite;

import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import io.dynup.config.ConfigException;
import io.dynup.config.Directive;
import io.dynup.http.ComplexValue;
import io.dynup.http.ContentTypes;
import io.dynup.http.HttpExchange;
import io.dynup.http.StatusLines;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/**
 * nginx's {@code return}: {@code return CODE [TEXT]}, {@code return CODE URL} for redirects,
 * {@code return URL} (302). It answers in the rewrite phase, so the access phase ({@code allow}/{@code deny})
 * never sees the request, as in nginx.
 */
final class Return {

    private final int status;
    private final @Nullable ComplexValue value;
    private final ContentTypes contentTypes;

    Return(Directive d, ContentTypes contentTypes, Set<String> declared) {
        this.contentTypes = contentTypes;
        String first = d.arg(0);
        if (d.args().size() == 1 && (first.startsWith("http://") || first.startsWith("https://")
                                      || first.startsWith("$scheme"))) {
            status = 302;
            value = ComplexValue.compile(first, d, declared);
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
        value = d.args().size() == 2 ? ComplexValue.compile(d.arg(1), d, declared) : null;
    }

    void handle(HttpExchange ex) {
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
        ByteBuf body = ByteBufUtil.encodeString(ex.alloc(), CharBuffer.wrap(text), StandardCharsets.UTF_8);
        // nginx's ngx_http_send_response types the text by the extension of $uri, as it would a file
        ex.respond(status, contentTypes.forPath(ex.path()), body);
    }

    @Override
    public String toString() {
        return "return " + status;
    }
}

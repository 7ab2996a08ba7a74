package io.dynup.admin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import io.dynup.config.ConfigException;
import io.dynup.config.Context;
import io.dynup.config.Directive;
import io.dynup.config.DirectiveSpec;
import io.dynup.http.BodySink;
import io.dynup.http.ContentHandler;
import io.dynup.http.HttpExchange;
import io.dynup.http.HttpModule;
import io.dynup.http.LocationConfig;
import io.dynup.http.route.Location;
import io.dynup.http.wire.BodyFramer;
import io.dynup.http.wire.WireException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.AsciiString;

/**
 * {@code upstream_api [write=on|off];}: the NGINX Plus-shaped JSON API for upstreams ({@link UpstreamApi}) in a
 * location, read-only unless {@code write=on}. Paths are taken after the location's prefix, so
 * {@code location /api/ { upstream_api; }} serves {@code /api/9/http/upstreams}; in a regex location the whole
 * URI path is the API path. Request bodies are collected up to {@link UpstreamApi#MAX_BODY} (413 past it).
 */
public final class UpstreamApiModule implements HttpModule {

    private static final AsciiString IF_MATCH = AsciiString.cached("If-Match");

    @Override
    public List<DirectiveSpec> directives() {
        return List.of(DirectiveSpec.simple("upstream_api", 0, 1, Context.HTTP_LOCATION));
    }

    @Override
    public @Nullable ContentHandler contentHandler(Location location, LocationConfig config) {
        Directive d = config.own("upstream_api");
        if (d == null) {
            return null;
        }
        boolean write = false;
        if (!d.args().isEmpty()) {
            String arg = d.arg(0);
            if (!arg.equals("write=on") && !arg.equals("write=off")) {
                throw ConfigException.at(d.pos(), "invalid parameter \"%s\"", arg);
            }
            write = arg.equals("write=on");
        }
        UpstreamApi api = new UpstreamApi(config.services().upstreams(), config.services().balancers().ticker(),
                                          System::currentTimeMillis, write);
        String prefix = location.isPrefix() || location.kind() == Location.Kind.EXACT ? location.name() : "";
        return ex -> handle(ex, api, prefix);
    }

    private static void handle(HttpExchange ex, UpstreamApi api, String prefix) {
        String path = new String(ex.path(), StandardCharsets.UTF_8);
        String rest = path.startsWith(prefix) ? path.substring(prefix.length()) : path;
        String method = ex.request().methodName();
        String ifMatch = ex.request().headerValue(IF_MATCH);
        if (!ex.bodyPending()) {
            reply(ex, api.handle(method, rest, ifMatch, new byte[0]));
            return;
        }
        if (ex.request().contentLength() > UpstreamApi.MAX_BODY) {
            reply(ex, api.error(tooLarge()));
            return;
        }
        ex.readBody(new Collector(ex, body -> reply(ex, api.handle(method, rest, ifMatch, body)),
                                  e -> reply(ex, api.error(e))));
    }

    private static ApiException tooLarge() {
        return new ApiException(413, "BodyTooLarge", "request body is larger than " + UpstreamApi.MAX_BODY
                                + " bytes");
    }

    private static void reply(HttpExchange ex, UpstreamApi.Response r) {
        if (r.etag() >= 0) {
            ex.addHeader("ETag", "\"" + r.etag() + '"');
        }
        ex.respond(r.status(), "application/json", Unpooled.wrappedBuffer(r.json()));
    }

    /** Gathers the payload (chunk framing removed), bounded; answers once, at its end or past the bound. */
    private static final class Collector implements BodySink {

        private final HttpExchange ex;
        private final Consumer<byte[]> onComplete;
        private final Consumer<ApiException> onError;
        private final BodyFramer framer = BodyFramer.forRequests();
        private final ByteArrayOutputStream payload = new ByteArrayOutputStream();
        private boolean done;

        Collector(HttpExchange ex, Consumer<byte[]> onComplete,
                  Consumer<ApiException> onError) {
            this.ex = ex;
            this.onComplete = onComplete;
            this.onError = onError;
            framer.start(ex.request());
        }

        @Override
        public void onBody(ByteBuf bytes) {
            try {
                if (done) {
                    return;
                }
                for (int n = framer.nextSegment(bytes); n > 0; n = framer.nextSegment(bytes)) {
                    if (framer.segmentIsData()) {
                        bytes.readBytes(payload, n);
                    } else {
                        bytes.skipBytes(n);
                    }
                }
                if (payload.size() > UpstreamApi.MAX_BODY) {
                    done = true;
                    onError.accept(tooLarge());
                    return;
                }
                ex.demandBody();
            } catch (WireException e) {
                // the connection checks the framing first; this is only a second line
                done = true;
                onError.accept(new ApiException(400, "BodyReadError", "invalid request body"));
            } catch (IOException e) {
                throw new UncheckedIOException(e); // a byte array does not fail to write
            } finally {
                bytes.release();
            }
        }

        @Override
        public void onBodyEnd() {
            if (!done) {
                done = true;
                onComplete.accept(payload.toByteArray());
            }
        }
    }
}

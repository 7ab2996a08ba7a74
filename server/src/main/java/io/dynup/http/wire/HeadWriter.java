package io.dynup.http.wire;

import static io.dynup.http.wire.MessageHead.LINE_END;
import static io.dynup.http.wire.MessageHead.NAME;
import static io.dynup.http.wire.MessageHead.NAME_END;
import static io.dynup.http.wire.MessageHead.STRIDE;
import static io.dynup.http.wire.MessageHead.VALUE;
import static io.dynup.http.wire.MessageHead.VALUE_END;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Writes the head to forward: the start line, the headers this writer sets, then the received headers minus the
 * ones it removes or sets, then the empty line, in the order nginx's proxy module writes them.
 *
 * <p>Received headers are copied from the received bytes by offset: runs of consecutive lines already in the form
 * {@code Name: value CRLF} go out in one copy, other lines are rewritten into that form (bare LF and extra spaces
 * are normalized, as nginx re-serializes every header).
 *
 * <p>A writer is immutable and shared, built once per configuration (a location's {@code proxy_set_header}s):
 * <pre>{@code
 * HeadWriter upstreamRequests = HeadWriter.nginxProxyDefaults("backend")
 *         .httpVersion11()
 *         .set("Connection", "")                  // keep upstream connections alive
 *         .set("X-Forwarded-For", HeaderValue.proxyAddXForwardedFor())
 *         .build();
 * upstreamRequests.writeRequest(out, head, null, clientAddress);
 * }</pre>
 * Body framing headers ({@code Content-Length}, {@code Transfer-Encoding}) pass through unchanged, because the body
 * is forwarded as received (nginx sets its own, since it re-frames the body it has read).
 */
public final class HeadWriter {

    private static final byte[] HTTP_10_LINE_END = " HTTP/1.0\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HTTP_11_LINE_END = " HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] STATUS_LINE_START = "HTTP/1.1 ".getBytes(StandardCharsets.US_ASCII);
    private static final short COLON_SPACE = (':' << 8) | ' ';

    private final AsciiString[] setNames;
    private final HeaderValue[] setValues;
    private final NameSet skipped;
    private final byte[] requestLineEnd;
    private final boolean forRequests;

    private HeadWriter(Builder b) {
        List<AsciiString> names = new ArrayList<>();
        List<HeaderValue> values = new ArrayList<>();
        for (int i = 0; i < b.names.size(); i++) {
            HeaderValue v = b.values.get(i);
            if (v instanceof HeaderValue.Constant && ((HeaderValue.Constant) v).value.isEmpty()) {
                continue; // only removes
            }
            names.add(b.names.get(i));
            values.add(v);
        }
        this.setNames = names.toArray(new AsciiString[0]);
        this.setValues = values.toArray(new HeaderValue[0]);
        this.skipped = new NameSet(b.names);
        this.requestLineEnd = b.http10 ? HTTP_10_LINE_END : HTTP_11_LINE_END;
        this.forRequests = b.forRequests;
    }

    /** A builder for request heads sent upstream, starting empty and with {@code HTTP/1.1}. */
    public static Builder forRequests() {
        return new Builder(true);
    }

    /** A builder for response heads sent to clients, starting empty. */
    public static Builder forResponses() {
        return new Builder(false);
    }

    /**
     * A request builder with nginx's proxy defaults (ngx_http_proxy_headers): {@code Host: proxyHost},
     * {@code Connection: close}, no {@code TE}, {@code Keep-Alive}, {@code Expect} or {@code Upgrade}, and
     * {@code HTTP/1.0} ({@code proxy_http_version}'s default).
     *
     * @param proxyHost nginx's {@code $proxy_host}: the host and port of the {@code proxy_pass} URL
     */
    public static Builder nginxProxyDefaults(CharSequence proxyHost) {
        return forRequests()
                .http10()
                .set("Host", proxyHost)
                .set("Connection", "close")
                .remove("TE")
                .remove("Keep-Alive")
                .remove("Expect")
                .remove("Upgrade");
    }

    /**
     * A response builder that drops what nginx never passes to clients: the hop-by-hop {@code Connection} and
     * {@code Keep-Alive}, and its default {@code proxy_hide_header}s ({@code Date}, {@code Server}, {@code X-Pad},
     * {@code X-Accel-*}). Add the proxy's own {@code Connection} (keep-alive or close, per client connection),
     * {@code Server} and {@code Date} with {@link Builder#set}.
     */
    public static Builder nginxResponseDefaults() {
        Builder b = forResponses().remove("Connection").remove("Keep-Alive");
        for (String name : new String[] {"Date", "Server", "X-Pad", "X-Accel-Expires", "X-Accel-Redirect",
                "X-Accel-Limit-Rate", "X-Accel-Buffering", "X-Accel-Charset"}) {
            b.remove(name);
        }
        return b;
    }

    /**
     * Writes a request head.
     *
     * @param out where to write
     * @param head the received head
     * @param uri the URI to send, ASCII only (percent-encoded); {@code null} sends the received one as nginx does
     *     for {@code proxy_pass} without a URI part (path and query; an absolute-form target loses scheme and host)
     * @param remoteAddr the client address for {@link HeaderValue#remoteAddr()} and
     *     {@link HeaderValue#proxyAddXForwardedFor()}
     */
    public void writeRequest(ByteBuf out, RequestHead head, @Nullable CharSequence uri, AsciiString remoteAddr) {
        writeRequest(out, head, null, uri, remoteAddr);
    }

    /**
     * As {@link #writeRequest(ByteBuf, RequestHead, CharSequence, AsciiString)}, with {@code method} (ASCII) in
     * place of the received one unless null (nginx's error_page makes a request GET).
     */
    public void writeRequest(ByteBuf out, RequestHead head, @Nullable CharSequence method, @Nullable CharSequence uri,
                             AsciiString remoteAddr) {
        ByteBuf src = head.content();
        if (method != null) {
            writeAscii(out, method);
        } else {
            out.writeBytes(src, 0, head.methodEnd);
        }
        out.writeByte(' ');
        if (uri != null) {
            writeAscii(out, uri);
        } else {
            if (head.emptyPathInUri) {
                out.writeByte('/');
            }
            out.writeBytes(src, head.uriStart, head.uriEnd - head.uriStart);
        }
        out.writeBytes(requestLineEnd);
        writeHeaders(out, head, remoteAddr);
    }

    /**
     * Writes a response head: {@code HTTP/1.1}, then the status code and reason as received (as nginx does), then
     * the headers.
     *
     * @throws IllegalStateException if this writer was built for requests
     */
    public void writeResponse(ByteBuf out, ResponseHead head) {
        if (forRequests) {
            throw new IllegalStateException("a request writer cannot write responses");
        }
        ByteBuf src = head.content();
        out.writeBytes(STATUS_LINE_START);
        out.writeBytes(src, head.statusStart, head.statusLineEnd - head.statusStart);
        out.writeShort(Ascii.CRLF);
        writeHeaders(out, head, AsciiString.EMPTY_STRING);
    }

    private void writeHeaders(ByteBuf out, MessageHead head, AsciiString remoteAddr) {
        for (int i = 0; i < setNames.length; i++) {
            int mark = out.writerIndex();
            HeaderValue.writeAscii(out, setNames[i]);
            out.writeShort(COLON_SPACE);
            int valueStart = out.writerIndex();
            setValues[i].write(out, head, remoteAddr);
            if (out.writerIndex() == valueStart) {
                out.writerIndex(mark); // an empty value leaves the header out
            } else {
                out.writeShort(Ascii.CRLF);
            }
        }
        writeReceivedHeaders(out, head);
        out.writeShort(Ascii.CRLF);
    }

    private void writeReceivedHeaders(ByteBuf out, MessageHead head) {
        ByteBuf src = head.bytes;
        int[] off = head.offsets;
        int runStart = -1;
        int runEnd = -1;
        for (int i = 0, o = 0; i < head.headerCount; i++, o += STRIDE) {
            int nameStart = off[o + NAME];
            int nameEnd = off[o + NAME_END];
            if (skipped.contains(src, nameStart, nameEnd - nameStart)) {
                continue;
            }
            int valueStart = off[o + VALUE];
            int valueEnd = off[o + VALUE_END];
            int lineEnd = off[o + LINE_END];
            if (valueStart == nameEnd + 2 && src.getByte(nameEnd + 1) == ' ' && lineEnd == valueEnd + 2
                    && src.getByte(valueEnd) == Ascii.CR) {
                // Already "Name: value\r\n": extend the run of lines copied in one go.
                if (nameStart != runEnd) {
                    if (runStart >= 0) {
                        out.writeBytes(src, runStart, runEnd - runStart);
                    }
                    runStart = nameStart;
                }
                runEnd = lineEnd;
                continue;
            }
            if (runStart >= 0) {
                out.writeBytes(src, runStart, runEnd - runStart);
                runStart = -1;
                runEnd = -1;
            }
            out.writeBytes(src, nameStart, nameEnd - nameStart);
            out.writeShort(COLON_SPACE);
            out.writeBytes(src, valueStart, valueEnd - valueStart);
            out.writeShort(Ascii.CRLF);
        }
        if (runStart >= 0) {
            out.writeBytes(src, runStart, runEnd - runStart);
        }
    }

    private static void writeAscii(ByteBuf out, CharSequence s) {
        if (s instanceof AsciiString) {
            HeaderValue.writeAscii(out, (AsciiString) s);
        } else {
            ByteBufUtil.writeAscii(out, s);
        }
    }

    /** Collects the headers to set and remove; {@code set} with an empty value removes, like nginx. */
    public static final class Builder {
        private final boolean forRequests;
        private final List<AsciiString> names = new ArrayList<>();
        private final List<HeaderValue> values = new ArrayList<>();
        private boolean http10;

        private Builder(boolean forRequests) {
            this.forRequests = forRequests;
        }

        /**
         * Sets a header to a constant; an empty value removes it. Replaces an earlier {@code set} or
         * {@code remove} of the same name (case-insensitively), keeping its place.
         */
        public Builder set(CharSequence name, CharSequence value) {
            return set(name, HeaderValue.of(value));
        }

        /**
         * Sets a header to a value computed per message; the received headers of that name are dropped, and the
         * header is left out when the value comes out empty. Replaces an earlier entry of the same name.
         */
        public Builder set(CharSequence name, HeaderValue value) {
            Objects.requireNonNull(value, "value");
            AsciiString n = checkName(name);
            if (!forRequests && value.needsRequest()) {
                throw new IllegalArgumentException("value: " + value + " (expected: a constant or supplied value"
                        + " in a response writer)");
            }
            for (int i = 0; i < names.size(); i++) {
                if (names.get(i).contentEqualsIgnoreCase(n)) {
                    names.set(i, n);
                    values.set(i, value);
                    return this;
                }
            }
            names.add(n);
            values.add(value);
            return this;
        }

        /** Drops received headers of this name. */
        public Builder remove(CharSequence name) {
            return set(name, "");
        }

        /** Sends {@code HTTP/1.0} in the request line (nginx's default {@code proxy_http_version}). */
        public Builder http10() {
            http10 = true;
            return this;
        }

        /** Sends {@code HTTP/1.1} in the request line, needed for keep-alive upstream connections. */
        public Builder httpVersion11() {
            http10 = false;
            return this;
        }

        /** The writer. */
        public HeadWriter build() {
            return new HeadWriter(this);
        }

        private static AsciiString checkName(CharSequence name) {
            Objects.requireNonNull(name, "name");
            if (name.length() == 0) {
                throw new IllegalArgumentException("name: \"\" (expected: a header name)");
            }
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (c >= 0x80 || !Ascii.NAME[c] && c != '_') {
                    throw new IllegalArgumentException("name: \"" + name + "\" (expected: A-Z a-z 0-9 - _)");
                }
            }
            return AsciiString.of(name);
        }
    }
}

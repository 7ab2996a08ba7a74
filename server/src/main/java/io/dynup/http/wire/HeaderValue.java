package io.dynup.http.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.util.AsciiString;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The value of a header that {@link HeadWriter} adds: a constant, or one of the nginx variables a proxy sets headers
 * from. A value that comes out empty for a message leaves the header out, as with nginx's
 * {@code proxy_set_header}.
 */
public abstract class HeaderValue {

    private static final byte[] COMMA_SPACE = {',', ' '};
    private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("X-Forwarded-For");

    HeaderValue() {
    }

    /** A constant value; empty means "remove the header". */
    public static HeaderValue of(CharSequence value) {
        return new Constant(AsciiString.of(Objects.requireNonNull(value, "value")));
    }

    /**
     * nginx's {@code $http_<name>}: the value of the request's first header called {@code name}; empty when
     * absent. For example {@code Upgrade: $http_upgrade} for WebSocket.
     */
    public static HeaderValue requestHeader(CharSequence name) {
        return new RequestHeader(AsciiString.of(Objects.requireNonNull(name, "name")));
    }

    /**
     * nginx's {@code $host}: the request-line host, else the {@code Host} header's host, lower-cased and without
     * port; else {@code serverName} (nginx uses the server's name).
     */
    public static HeaderValue host(CharSequence serverName) {
        return new Host(AsciiString.of(Objects.requireNonNull(serverName, "serverName")));
    }

    /** nginx's {@code $remote_addr}: the client address given to {@link HeadWriter#writeRequest}. */
    public static HeaderValue remoteAddr() {
        return RemoteAddr.INSTANCE;
    }

    /**
     * nginx's {@code $proxy_add_x_forwarded_for}: the request's {@code X-Forwarded-For} values joined with ", ",
     * then ", " and the client address; only the client address when there are none.
     */
    public static HeaderValue proxyAddXForwardedFor() {
        return ForwardedFor.INSTANCE;
    }

    /**
     * A value computed per message, e.g. a cached {@code Date}; called on the writing thread for every message.
     */
    public static HeaderValue supplied(Supplier<? extends CharSequence> supplier) {
        return new Supplied(Objects.requireNonNull(supplier, "supplier"));
    }

    /** Whether this value needs a request (and so cannot be used when writing responses). */
    boolean needsRequest() {
        return true;
    }

    /** Writes the value bytes (no CRLF); writing nothing leaves the header out. */
    abstract void write(ByteBuf out, MessageHead head, AsciiString remoteAddr);

    static void writeAscii(ByteBuf out, AsciiString s) {
        out.writeBytes(s.array(), s.arrayOffset(), s.length());
    }

    static final class Constant extends HeaderValue {
        final AsciiString value;

        Constant(AsciiString value) {
            this.value = value;
        }

        @Override
        boolean needsRequest() {
            return false;
        }


        @Override
        void write(ByteBuf out, MessageHead head, AsciiString remoteAddr) {
            writeAscii(out, value);
        }

        @Override
        public String toString() {
            return '"' + value.toString() + '"';
        }
    }

    private static final class RequestHeader extends HeaderValue {
        private final AsciiString name;

        RequestHeader(AsciiString name) {
            this.name = name;
        }


        @Override
        void write(ByteBuf out, MessageHead head, AsciiString remoteAddr) {
            int i = head.indexOf(name);
            if (i >= 0) {
                out.writeBytes(head.bytes, head.valueOffset(i), head.valueLength(i));
            }
        }

        @Override
        public String toString() {
            return "$http_" + name.toLowerCase().toString().replace('-', '_');
        }
    }

    private static final class Host extends HeaderValue {
        private final AsciiString serverName;

        Host(AsciiString serverName) {
            this.serverName = serverName;
        }


        @Override
        void write(ByteBuf out, MessageHead head, AsciiString remoteAddr) {
            RequestHead r = (RequestHead) head;
            if (!r.hasHost()) {
                writeAscii(out, serverName);
                return;
            }
            ByteBuf src = r.bytes;
            for (int i = r.hostOffset(), end = i + r.hostLength(); i < end; i++) {
                out.writeByte(Ascii.lower(src.getByte(i) & 0xff));
            }
        }

        @Override
        public String toString() {
            return "$host";
        }
    }

    private static final class RemoteAddr extends HeaderValue {
        static final RemoteAddr INSTANCE = new RemoteAddr();


        @Override
        void write(ByteBuf out, MessageHead head, AsciiString remoteAddr) {
            writeAscii(out, remoteAddr);
        }

        @Override
        public String toString() {
            return "$remote_addr";
        }
    }

    private static final class ForwardedFor extends HeaderValue {
        static final ForwardedFor INSTANCE = new ForwardedFor();


        @Override
        void write(ByteBuf out, MessageHead head, AsciiString remoteAddr) {
            boolean first = true;
            for (int i = head.indexOf(X_FORWARDED_FOR); i >= 0; i = head.indexOf(X_FORWARDED_FOR, i + 1)) {
                if (!first) {
                    out.writeBytes(COMMA_SPACE);
                }
                out.writeBytes(head.bytes, head.valueOffset(i), head.valueLength(i));
                first = false;
            }
            if (!remoteAddr.isEmpty()) {
                if (!first) {
                    out.writeBytes(COMMA_SPACE);
                }
                writeAscii(out, remoteAddr);
            }
        }

        @Override
        public String toString() {
            return "$proxy_add_x_forwarded_for";
        }
    }

    private static final class Supplied extends HeaderValue {
        private final Supplier<? extends CharSequence> supplier;

        Supplied(Supplier<? extends CharSequence> supplier) {
            this.supplier = supplier;
        }

        @Override
        boolean needsRequest() {
            return false;
        }


        @Override
        void write(ByteBuf out, MessageHead head, AsciiString remoteAddr) {
            CharSequence value = supplier.get();
            if (value instanceof AsciiString) {
                writeAscii(out, (AsciiString) value);
            } else {
                ByteBufUtil.writeAscii(out, value);
            }
        }

        @Override
        public String toString() {
            return "supplied";
        }
    }
}

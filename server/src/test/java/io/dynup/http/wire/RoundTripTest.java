package io.dynup.http.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.util.AsciiString;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Random valid messages, pipelined, serialized with random line ends, spacing and chunking, then cut at random
 * places and fed through parser and framer as a connection would: every head must come out as generated, the
 * forwarded body bytes must be exactly the body bytes sent, and the payload (chunk framing dropped) exactly the
 * payload. A head rewritten by HeadWriter must parse back to the same head.
 */
class RoundTripTest extends WireTestSupport {

    private static final int ROUNDS = 300;

    /** Composite cumulations under paranoid leak tracking are slow; fewer rounds still cut them everywhere. */
    private static int rounds(Kind kind) {
        return kind == Kind.COMPOSITE ? ROUNDS / 3 : ROUNDS;
    }
    private static final String TOKEN = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-";
    private static final String PATH = "abcxyzABC0123456789-._~!$&'()*+,;=:@";
    private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "PURGE",
        "MKCOL", "X-CUSTOM_M"};
    private static final String[] RESERVED = {"host", "connection", "content-length", "transfer-encoding", "expect",
        "if-modified-since", "if-unmodified-since", "if-match", "if-none-match", "content-range", "if-range",
        "authorization"};

    /** One generated message: what was sent, and what parsing it must give. */
    private static final class Message {
        final ByteArrayOutputStream wire = new ByteArrayOutputStream();
        String startLine = "";
        String uri = "";
        @Nullable String query;
        int minor;
        int status;
        final List<String> headers = new ArrayList<>();
        BodyKind body = BodyKind.NONE;
        long contentLength = -1;
        boolean keepAlive;
        @Nullable String host;
        byte[] bodyBytes = new byte[0];
        byte[] payload = new byte[0];
    }

    private static void write(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String random(Random r, String alphabet, int min, int max) {
        int len = min + r.nextInt(max - min + 1);
        StringBuilder sb = new StringBuilder(len);
        for (int i = 0; i < len; i++) {
            sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    /** A header value as nginx keeps it: no leading or trailing spaces, anything else but NUL, CR and LF. */
    private static String value(Random r) {
        int len = r.nextInt(30);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < len; i++) {
            int kind = r.nextInt(10);
            char c = kind < 7 ? (char) (0x21 + r.nextInt(0x5e)) : kind == 7 ? ' ' : kind == 8 ? '\t'
                    : (char) (0x80 + r.nextInt(0x80));
            sb.append(c);
        }
        return sb.toString().strip().replaceAll("^ +| +$", "");
    }

    private static String eol(Random r, boolean lf) {
        return lf ? "\n" : "\r\n";
    }

    private static void headers(Random r, Message m, boolean lf) {
        int n = r.nextInt(12);
        for (int i = 0; i < n; i++) {
            String name = random(r, TOKEN, 1, 20);
            if (List.of(RESERVED).contains(name.toLowerCase(Locale.ROOT))) {
                continue;
            }
            String v = value(r);
            write(m.wire, name + ":" + " ".repeat(r.nextInt(3)) + v + (v.isEmpty() ? "" : " ".repeat(r.nextInt(3)))
                    + eol(r, lf));
            m.headers.add(name + ": [" + v + "]");
        }
    }

    private static void header(Message m, String name, String value, boolean lf) {
        write(m.wire, name + ": " + value + (lf ? "\n" : "\r\n"));
        m.headers.add(name + ": [" + value + "]");
    }

    /** Serializes the body, chunked with random chunk sizes, hex case, extensions and trailers when asked. */
    private static void body(Random r, Message m, boolean lf) {
        byte[] payload = new byte[m.body == BodyKind.NONE || r.nextInt(4) == 0 ? 0 : r.nextInt(600)];
        r.nextBytes(payload);
        m.payload = payload;
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        if (m.body == BodyKind.CONTENT_LENGTH || m.body == BodyKind.UNTIL_CLOSE) {
            b.writeBytes(payload);
        } else if (m.body == BodyKind.CHUNKED) {
            int i = 0;
            while (i < payload.length) {
                int size = Math.min(payload.length - i, 1 + r.nextInt(200));
                String hex = Integer.toHexString(size);
                hex = "0".repeat(r.nextInt(3)) + (r.nextBoolean() ? hex.toUpperCase(Locale.ROOT) : hex);
                String ext = r.nextInt(4) == 0 ? ";ext" + r.nextInt(9) + "=\"v\"" : r.nextInt(8) == 0 ? " " : "";
                write(b, hex + ext + eol(r, lf));
                b.write(payload, i, size);
                write(b, eol(r, lf));
                i += size;
            }
            write(b, "0" + (r.nextInt(4) == 0 ? ";last" : "") + eol(r, lf));
            for (int t = r.nextInt(3); t > 0; t--) {
                write(b, "X-Trailer-" + t + ": " + value(r) + eol(r, lf));
            }
            write(b, eol(r, lf));
        }
        m.bodyBytes = b.toByteArray();
        m.wire.writeBytes(m.bodyBytes);
    }

    private static Message request(Random r) {
        Message m = new Message();
        boolean lf = r.nextInt(4) == 0;
        String method = METHODS[r.nextInt(METHODS.length)];
        StringBuilder path = new StringBuilder();
        for (int s = r.nextInt(4); s >= 0; s--) {
            path.append('/').append(random(r, PATH, 0, 12));
        }
        String query = r.nextBoolean() ? random(r, PATH + "/?", 0, 20) : null;
        m.uri = path + (query == null ? "" : "?" + query);
        m.query = query;
        m.minor = r.nextInt(5) == 0 ? 0 : 1;
        m.startLine = method + " " + m.uri + " HTTP/1." + m.minor;
        write(m.wire, "\r\n".repeat(r.nextInt(8) == 0 ? 1 : 0) + m.startLine + eol(r, lf));
        if (m.minor == 1 || r.nextBoolean()) {
            m.host = random(r, "abcdefghij", 1, 10) + ".example";
            header(m, "Host", m.host + (r.nextBoolean() ? ":8080" : ""), lf);
        }
        headers(r, m, lf);
        m.keepAlive = m.minor == 1;
        if (r.nextInt(4) == 0) {
            m.keepAlive = r.nextBoolean();
            header(m, "Connection", m.keepAlive ? "keep-alive" : "Upgrade, close", lf);
        }
        int kind = r.nextInt(3);
        if (kind == 1 || kind == 2 && m.minor == 0) {
            m.body = BodyKind.CONTENT_LENGTH;
        } else if (kind == 2) {
            m.body = BodyKind.CHUNKED;
            header(m, "Transfer-Encoding", r.nextBoolean() ? "chunked" : "Chunked", lf);
        }
        headers(r, m, lf);
        if (m.body == BodyKind.CONTENT_LENGTH) {
            // the length header goes last: the body is generated after the headers
            int at = m.wire.size();
            body(r, m, lf);
            byte[] all = m.wire.toByteArray();
            m.wire.reset();
            m.wire.write(all, 0, at);
            m.contentLength = m.payload.length;
            header(m, "Content-Length", Long.toString(m.contentLength), lf);
            write(m.wire, eol(r, lf));
            m.wire.writeBytes(m.bodyBytes);
        } else {
            write(m.wire, eol(r, lf));
            body(r, m, lf);
        }
        return m;
    }

    private static String expected(Message m) {
        StringBuilder sb = new StringBuilder()
                .append(m.startLine).append(" uri=").append(m.uri).append(" query=").append(m.query)
                .append(" host=").append(m.host).append(" keepAlive=").append(m.keepAlive)
                .append(" body=").append(m.body).append(' ').append(m.contentLength);
        for (String h : m.headers) {
            sb.append("\n  ").append(h);
        }
        return sb.toString();
    }

    private static String actual(RequestHead h) {
        StringBuilder sb = new StringBuilder()
                .append(h.startLine()).append(" uri=").append(h.uri()).append(" query=").append(h.query())
                .append(" host=").append(h.host()).append(" keepAlive=").append(h.keepAlive())
                .append(" body=").append(h.bodyKind()).append(' ').append(h.contentLength());
        for (int i = 0; i < h.headerCount(); i++) {
            sb.append("\n  ").append(h.headerName(i)).append(": [").append(h.headerValue(i)).append(']');
        }
        return sb.toString();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void randomPipelinedRequestsSurviveRandomCuts(Kind kind) {
        HeadWriter w11 = HeadWriter.forRequests().build();
        HeadWriter w10 = HeadWriter.forRequests().http10().build();
        for (int round = 0; round < rounds(kind); round++) {
            long seed = round * 7919L + kind.ordinal();
            Random r = new Random(seed);
            List<Message> messages = new ArrayList<>();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            for (int n = 1 + r.nextInt(4); n > 0; n--) {
                Message m = request(r);
                messages.add(m);
                all.writeBytes(m.wire.toByteArray());
            }
            byte[] data = all.toByteArray();
            RequestHeadParser parser = new RequestHeadParser(HeadLimits.NGINX_REQUEST);
            BodyFramer framer = BodyFramer.forRequests();
            int index = 0;
            @Nullable RequestHead head = null;
            ByteArrayOutputStream forwarded = new ByteArrayOutputStream();
            boolean dechunk = false;
            try (Cumulation c = new Cumulation(kind)) {
                int at = 0;
                while (at < data.length) {
                    int piece = Math.min(data.length - at, r.nextInt(3) == 0 ? 1 + r.nextInt(3) : 1 + r.nextInt(200));
                    ByteBuf in = c.append(data, at, piece);
                    at += piece;
                    while (true) {
                        if (head == null) {
                            head = parser.parse(in);
                            if (head == null) {
                                break;
                            }
                            Message m = messages.get(index);
                            assertThat(actual(head)).as("seed %d message %d", seed, index).isEqualTo(expected(m));
                            rewriteAndReparse(head, head.minorVersion() == 0 ? w10 : w11, seed);
                            framer.start(head);
                            forwarded.reset();
                            dechunk = r.nextBoolean();
                        }
                        int n;
                        if (dechunk) {
                            n = framer.nextSegment(in);
                            ByteBuf slice = in.readRetainedSlice(n);
                            if (framer.segmentIsData()) {
                                forwarded.writeBytes(bytesOf(slice));
                            }
                            slice.release();
                        } else {
                            n = framer.frame(in);
                            ByteBuf slice = in.readRetainedSlice(n);
                            forwarded.writeBytes(bytesOf(slice));
                            slice.release();
                        }
                        if (!framer.isComplete()) {
                            if (n == 0 || !in.isReadable()) {
                                break;
                            }
                            continue;
                        }
                        Message m = messages.get(index);
                        assertThat(forwarded.toByteArray()).as("seed %d message %d body", seed, index)
                                .isEqualTo(dechunk ? m.payload : m.bodyBytes);
                        assertThat(framer.payloadBytes()).isEqualTo(m.payload.length);
                        head.release();
                        head = null;
                        index++;
                    }
                }
            } finally {
                if (head != null) {
                    head.release();
                }
            }
            assertThat(index).as("seed %d: messages parsed", seed).isEqualTo(messages.size());
        }
    }

    private static byte[] bytesOf(ByteBuf b) {
        byte[] out = new byte[b.readableBytes()];
        b.getBytes(b.readerIndex(), out);
        return out;
    }

    /** The head HeadWriter makes from a parsed head parses to the same method, URI and headers. */
    private void rewriteAndReparse(RequestHead head, HeadWriter writer, long seed) {
        ByteBuf out = out();
        writer.writeRequest(out, head, null, AsciiString.EMPTY_STRING);
        RequestHeadParser again = new RequestHeadParser(HeadLimits.NGINX_REQUEST);
        RequestHead copy = again.parse(out);
        try {
            assertThat(copy).isNotNull();
            assertThat(out.isReadable()).isFalse();
            assertThat(actual(copy)).as("seed %d rewritten", seed).isEqualTo(actual(head));
        } finally {
            copy.release();
            out.release();
        }
    }

    private static Message response(Random r, boolean last, boolean headRequest) {
        Message m = new Message();
        boolean lf = r.nextInt(4) == 0;
        int[] statuses = {100, 103, 200, 200, 200, 201, 204, 301, 304, 404, 500, 502};
        m.status = statuses[r.nextInt(statuses.length)];
        m.minor = r.nextInt(6) == 0 ? 0 : 1;
        m.startLine = "HTTP/1." + m.minor + " " + m.status + (r.nextBoolean() ? " Reason " + r.nextInt(9) : "");
        write(m.wire, m.startLine + eol(r, lf));
        headers(r, m, lf);
        boolean noBody = m.status < 200 || m.status == 204 || m.status == 304 || headRequest;
        int kind = r.nextInt(last ? 4 : 3);
        if (kind == 1) {
            m.contentLength = r.nextInt(600);
            header(m, "Content-Length", Long.toString(m.contentLength), lf);
            m.body = noBody ? BodyKind.NONE : BodyKind.CONTENT_LENGTH;
        } else if (kind == 2) {
            header(m, "Transfer-Encoding", "chunked", lf);
            m.body = noBody ? BodyKind.NONE : BodyKind.CHUNKED;
        } else {
            m.body = noBody ? BodyKind.NONE : kind == 3 ? BodyKind.UNTIL_CLOSE : BodyKind.CONTENT_LENGTH;
            if (m.body == BodyKind.CONTENT_LENGTH) {
                m.contentLength = 0;
                header(m, "Content-Length", "0", lf);
            }
        }
        headers(r, m, lf);
        write(m.wire, eol(r, lf));
        if (m.body == BodyKind.CONTENT_LENGTH) {
            byte[] payload = new byte[(int) m.contentLength];
            r.nextBytes(payload);
            m.payload = payload;
            m.bodyBytes = payload;
            m.wire.writeBytes(payload);
        } else if (m.body != BodyKind.NONE) {
            body(r, m, lf);
        }
        return m;
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void randomResponsesSurviveRandomCuts(Kind kind) {
        for (int round = 0; round < rounds(kind); round++) {
            long seed = round * 104729L + kind.ordinal();
            Random r = new Random(seed);
            boolean headRequest = r.nextInt(5) == 0;
            List<Message> messages = new ArrayList<>();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            int count = 1 + r.nextInt(4);
            for (int n = 0; n < count; n++) {
                Message m = response(r, n == count - 1, headRequest);
                messages.add(m);
                all.writeBytes(m.wire.toByteArray());
                if (m.body == BodyKind.UNTIL_CLOSE) {
                    break;
                }
            }
            byte[] data = all.toByteArray();
            ResponseHeadParser parser = new ResponseHeadParser(HeadLimits.NGINX_RESPONSE);
            BodyFramer framer = BodyFramer.forResponses();
            int index = 0;
            @Nullable ResponseHead head = null;
            ByteArrayOutputStream forwarded = new ByteArrayOutputStream();
            try (Cumulation c = new Cumulation(kind)) {
                int at = 0;
                while (at < data.length) {
                    int piece = Math.min(data.length - at, 1 + r.nextInt(r.nextBoolean() ? 4 : 300));
                    ByteBuf in = c.append(data, at, piece);
                    at += piece;
                    while (true) {
                        if (head == null) {
                            head = parser.parse(in);
                            if (head == null) {
                                break;
                            }
                            Message m = messages.get(index);
                            assertThat(head.startLine()).as("seed %d", seed).isEqualTo(m.startLine);
                            assertThat(head.status()).isEqualTo(m.status);
                            assertThat(head.bodyKind(headRequest)).as("seed %d", seed).isEqualTo(m.body);
                            framer.start(head, headRequest);
                            forwarded.reset();
                        }
                        int n = framer.frame(in);
                        ByteBuf slice = in.readRetainedSlice(n);
                        forwarded.writeBytes(bytesOf(slice));
                        slice.release();
                        if (!framer.isComplete()) {
                            break;
                        }
                        assertThat(forwarded.toByteArray()).as("seed %d response %d", seed, index)
                                .isEqualTo(messages.get(index).bodyBytes);
                        head.release();
                        head = null;
                        index++;
                    }
                }
                if (head != null) {
                    // the last response is read until the upstream closes
                    assertThat(framer.endOfInput()).isTrue();
                    assertThat(forwarded.toByteArray()).isEqualTo(messages.get(index).bodyBytes);
                    head.release();
                    head = null;
                    index++;
                }
            } finally {
                if (head != null) {
                    head.release();
                }
            }
            assertThat(index).as("seed %d: responses parsed", seed).isEqualTo(messages.size());
        }
    }
}

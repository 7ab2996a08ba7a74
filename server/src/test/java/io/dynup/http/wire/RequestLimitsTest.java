package io.dynup.http.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.netty.buffer.ByteBuf;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * nginx's {@code large_client_header_buffers 4 8k}: each bound exactly reached is accepted, one byte more is
 * refused with nginx's status, and the refusal comes as soon as that byte arrives, not at the end of the line.
 */
class RequestLimitsTest extends WireTestSupport {

    private static final int K8 = 8192;

    private final RequestHeadParser parser = new RequestHeadParser(HeadLimits.NGINX_REQUEST);

    /** Parses; returns the head's length, or -1 when more bytes are needed; throws on refusal. */
    private int parse(RequestHeadParser p, String request) {
        ByteBuf in = buf(Kind.DIRECT, bytes(request));
        try {
            @Nullable RequestHead h = p.parse(in);
            if (h == null) {
                return -1;
            }
            int length = h.length();
            h.release();
            return length;
        } finally {
            in.release();
        }
    }

    private WireError refusal(RequestHeadParser p, String request) {
        WireException e = catchThrowableOfType(WireException.class, () -> parse(p, request));
        assertThat(e).as("refused").isNotNull();
        p.reset();
        return e.error();
    }

    /** A request line of exactly {@code length} bytes, CRLF included. */
    private static String requestLine(int length) {
        return "GET /" + "a".repeat(length - "GET / HTTP/1.1\r\n".length()) + " HTTP/1.1\r\n";
    }

    /** A header line of exactly {@code length} bytes, CRLF included. */
    private static String headerLine(String name, int length) {
        return name + ": " + "v".repeat(length - name.length() - 4) + "\r\n";
    }

    @Test
    void requestLineUpTo8kIsAcceptedAndOneByteMoreIs414() {
        String end = "Host: h\r\n\r\n";
        assertThat(parse(parser, requestLine(K8) + end)).isEqualTo(K8 + end.length());
        assertThat(refusal(parser, requestLine(K8 + 1) + end)).isEqualTo(WireError.URI_TOO_LONG);
        assertThat(WireError.URI_TOO_LONG.status()).isEqualTo(414);
        // with a bare LF the line is one byte shorter for the same URI
        String lf = requestLine(K8 + 1).replace("\r\n", "\n");
        assertThat(parse(parser, lf + end)).isEqualTo(K8 + end.length());
    }

    @Test
    void tooLongRequestLineIsRefusedAsSoonAsTheByteBeyondArrives() {
        String line = requestLine(K8 + 100);
        assertThat(parse(parser, line.substring(0, K8))).isEqualTo(-1);
        parser.reset();
        assertThat(refusal(parser, line.substring(0, K8 + 1))).isEqualTo(WireError.URI_TOO_LONG);
    }

    @Test
    void emptyLinesBeforeTheRequestLineDoNotCount() {
        String request = "\r\n".repeat(5000) + requestLine(K8) + "Host: h\r\n\r\n";
        assertThat(parse(parser, request)).isEqualTo(K8 + 11);
    }

    @Test
    void headerLineUpTo8kIsAcceptedAndOneByteMoreIsRequestHeaderTooLarge() {
        String start = "GET / HTTP/1.1\r\nHost: h\r\n";
        assertThat(parse(parser, start + headerLine("Cookie", K8) + "\r\n")).isPositive();
        assertThat(refusal(parser, start + headerLine("Cookie", K8 + 1) + "\r\n"))
                .isEqualTo(WireError.HEADER_LINE_TOO_LONG);
        assertThat(WireError.HEADER_LINE_TOO_LONG.status()).isEqualTo(400);
        assertThat(WireError.HEADER_LINE_TOO_LONG.nginxCode()).isEqualTo(494);
        // refused while the line is still open
        String open = start + headerLine("Cookie", K8 + 50);
        assertThat(refusal(parser, open.substring(0, start.length() + K8 + 1)))
                .isEqualTo(WireError.HEADER_LINE_TOO_LONG);
    }

    @Test
    void headUpTo32kIsAcceptedAndOneByteMoreIsRequestHeaderTooLarge() {
        String exact = headOf(4 * K8);
        assertThat(exact).hasSize(4 * K8);
        assertThat(parse(parser, exact)).isEqualTo(4 * K8);
        assertThat(refusal(parser, headOf(4 * K8 + 1))).isEqualTo(WireError.REQUEST_TOO_LARGE);
        assertThat(WireError.REQUEST_TOO_LARGE.nginxCode()).isEqualTo(494);
    }

    /** A head of exactly {@code length} bytes made of header lines no longer than 8k. */
    private static String headOf(int length) {
        StringBuilder sb = new StringBuilder("GET / HTTP/1.1\r\nHost: h\r\n");
        int left = length - sb.length() - 2;
        for (int i = 0; left > 0; i++) {
            int line = Math.min(left, K8);
            if (left - line > 0 && left - line < 10) {
                line -= 10; // keep the last line long enough for a name
            }
            sb.append(headerLine("X-" + i, line));
            left -= line;
        }
        return sb.append("\r\n").toString();
    }

    @Test
    void atMost100HeadersAreKept() {
        String start = "GET / HTTP/1.1\r\nHost: h\r\n";
        StringBuilder headers = new StringBuilder();
        for (int i = 1; i < 100; i++) {
            headers.append("X-").append(i).append(": v\r\n");
        }
        assertThat(parse(parser, start + headers + "\r\n")).isPositive();
        assertThat(refusal(parser, start + headers + "X-100: v\r\n\r\n")).isEqualTo(WireError.TOO_MANY_HEADERS);
        // lines nginx ignores are not kept, so they do not count
        assertThat(parse(parser, start + headers + "X_Ignored: v\r\n\r\n")).isPositive();
    }

    @Test
    void smallLimitsAreCheckedTheSameWay() {
        HeadLimits small = new HeadLimits(20, 10, 40, 2);
        RequestHeadParser p = new RequestHeadParser(small);
        assertThat(parse(p, "GET /1234 HTTP/1.0\r\n\r\n")).isEqualTo(22); // request line of 20
        assertThat(refusal(p, "GET /12345 HTTP/1.0\r\n\r\n")).isEqualTo(WireError.URI_TOO_LONG);
        assertThat(parse(p, "GET / HTTP/1.0\r\nA: 12345\r\n\r\n")).isPositive(); // header line of 10
        assertThat(refusal(p, "GET / HTTP/1.0\r\nA: 123456\r\n\r\n")).isEqualTo(WireError.HEADER_LINE_TOO_LONG);
        assertThat(parse(p, "GET / HTTP/1.0\r\nA: 1\r\nB: 1\r\n\r\n")).isPositive();
        assertThat(refusal(p, "GET / HTTP/1.0\r\nA: 1\r\nB: 1\r\nC: 1\r\n\r\n"))
                .isEqualTo(WireError.TOO_MANY_HEADERS);
        // 18 + 10 + 10 + 2 = 40 fits; 19 + 10 + 10 + 2 = 41 does not
        assertThat(parse(p, "GET /ab HTTP/1.0\r\nA: 12345\r\nB: 12345\r\n\r\n")).isEqualTo(40);
        assertThat(refusal(p, "GET /abc HTTP/1.0\r\nA: 12345\r\nB: 12345\r\n\r\n"))
                .isEqualTo(WireError.REQUEST_TOO_LARGE);
    }

    @Test
    void limitsMustBePositive() {
        assertThatThrownBy(() -> new HeadLimits(0, 1, 1, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxStartLine: 0 (expected: > 0)");
        assertThatThrownBy(() -> new HeadLimits(1, 1, 1, -1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxHeaders: -1 (expected: > 0)");
    }
}

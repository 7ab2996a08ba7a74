package io.dynup.http.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.netty.buffer.ByteBuf;
import io.netty.util.AsciiString;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Upstream response heads: framing rules, keep-alive, nginx's leniencies and the refusals that are 502s. */
class ResponseHeadParserTest extends WireTestSupport {

    private final ResponseHeadParser parser = new ResponseHeadParser(HeadLimits.NGINX_RESPONSE);

    private ResponseHead parse(Kind kind, String response) {
        ByteBuf in = buf(kind, bytes(response));
        try {
            ResponseHead head = parser.parse(in);
            assertThat(head).as("parsed from %s", response).isNotNull();
            return head;
        } finally {
            in.release();
        }
    }

    private ResponseHead parse(String response) {
        return parse(Kind.DIRECT, response);
    }

    @Test
    void parsesAStatusLineAndHeaders() {
        ResponseHead h = parse("HTTP/1.1 200 OK\r\nContent-Length: 12\r\nContent-Type: text/plain\r\n\r\n");
        try {
            assertThat(h.status()).isEqualTo(200);
            assertThat(h.reason()).isEqualTo("OK");
            assertThat(h.isHttp11()).isTrue();
            assertThat(h.contentLength()).isEqualTo(12);
            assertThat(h.bodyKind(false)).isEqualTo(BodyKind.CONTENT_LENGTH);
            assertThat(h.bodyKind(true)).isEqualTo(BodyKind.NONE);
            assertThat(h.keepAlive()).isTrue();
            assertThat(h.reusable(false)).isTrue();
            assertThat(h.headerValue(AsciiString.of("content-type"))).isEqualTo("text/plain");
            assertThat(h.startLine()).isEqualTo("HTTP/1.1 200 OK");
            assertThat(h.content().toString(h.statusOffset(), h.statusLineEnd() - h.statusOffset(),
                    java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("200 OK");
        } finally {
            h.release();
        }
    }

    static Stream<Arguments> framing() {
        return Stream.of(
                // status line, request was HEAD, expected body kind, expected reusable
                Arguments.of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", false, BodyKind.CHUNKED, true),
                Arguments.of("HTTP/1.1 200 OK\r\n\r\n", false, BodyKind.UNTIL_CLOSE, false),
                Arguments.of("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", false, BodyKind.CONTENT_LENGTH, true),
                Arguments.of("HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n", false, BodyKind.NONE, true),
                Arguments.of("HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n", false,
                        BodyKind.NONE, true),
                Arguments.of("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", true, BodyKind.NONE, true),
                Arguments.of("HTTP/1.1 200 OK\r\n\r\n", true, BodyKind.NONE, true),
                Arguments.of("HTTP/1.1 100 Continue\r\n\r\n", false, BodyKind.NONE, true),
                Arguments.of("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\n", false,
                        BodyKind.CONTENT_LENGTH, false),
                Arguments.of("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: Upgrade, Close\r\n\r\n", false,
                        BodyKind.CONTENT_LENGTH, false),
                // nginx never keeps an HTTP/1.0 upstream connection, keep-alive or not
                Arguments.of("HTTP/1.0 200 OK\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\n", false,
                        BodyKind.CONTENT_LENGTH, false));
    }

    @ParameterizedTest
    @MethodSource("framing")
    void framesBodiesLikeNginx(String response, boolean headRequest, BodyKind kind, boolean reusable) {
        ResponseHead h = parse(response);
        try {
            assertThat(h.bodyKind(headRequest)).isEqualTo(kind);
            assertThat(h.reusable(headRequest)).isEqualTo(reusable);
        } finally {
            h.release();
        }
    }

    @Test
    void informationalHeadsComeOneAtATime() {
        ByteBuf in = buf("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        ResponseHead first = parser.parse(in);
        ResponseHead second = parser.parse(in);
        ResponseHead last = parser.parse(in);
        try {
            assertThat(first.isInformational()).isTrue();
            assertThat(first.status()).isEqualTo(100);
            assertThat(second.status()).isEqualTo(103);
            assertThat(second.headerValue(AsciiString.of("Link"))).isEqualTo("</s.css>");
            assertThat(last.isInformational()).isFalse();
            assertThat(string(in)).isEqualTo("ok");
        } finally {
            first.release();
            second.release();
            last.release();
            in.release();
        }
    }

    @Test
    void switchingProtocolsEndsHttpOnTheConnection() {
        ResponseHead h = parse("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
        try {
            assertThat(h.isSwitchingProtocols()).isTrue();
            assertThat(h.bodyKind(false)).isEqualTo(BodyKind.NONE);
        } finally {
            h.release();
        }
    }

    static Stream<Arguments> acceptedLikeNginx() {
        return Stream.of(
                Arguments.of("HTTP/1.1 200\r\n\r\n",
                        "200 reason= HTTP/1.1 keepAlive=true body=UNTIL_CLOSE -1 length=16"),
                Arguments.of("HTTP/1.1 403.1 Forbidden\r\n\r\n",
                        "403 reason=1 Forbidden HTTP/1.1 keepAlive=true body=UNTIL_CLOSE -1 length=28"),
                Arguments.of("HTTP/1.1  404  Not\u0001Found \r\n\r\n",
                        "404 reason= Not\u0001Found  HTTP/1.1 keepAlive=true body=UNTIL_CLOSE -1 length=29"),
                Arguments.of("HTTP/1.0 200 OK\nX_Under: 1\nX.Dot: 2\nNoColon\n\n",
                        "200 reason=OK HTTP/1.0 keepAlive=false body=UNTIL_CLOSE -1 length=45\n"
                                + "  X_Under: [1]\n  X.Dot: [2]\n  NoColon: []"),
                // IIS's repeated status line inside the headers is skipped
                Arguments.of("HTTP/1.1 200 OK\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n",
                        "200 reason=OK HTTP/1.1 keepAlive=true body=CONTENT_LENGTH 1 length=55\n"
                                + "  Content-Length: [1]"),
                Arguments.of("HTTP/1.1 599 Odd\r\nTransfer-Encoding: CHUNKED\r\n\r\n",
                        "599 reason=Odd HTTP/1.1 keepAlive=true body=CHUNKED -1 length=48\n"
                                + "  Transfer-Encoding: [CHUNKED]"));
    }

    @ParameterizedTest
    @MethodSource("acceptedLikeNginx")
    void acceptsWhatNginxAccepts(String response, String expected) {
        ResponseHead h = parse(response);
        try {
            assertThat(describe(h)).isEqualTo(expected);
        } finally {
            h.release();
        }
    }

    @ParameterizedTest
    @MethodSource("acceptedLikeNginx")
    void incrementalParsingGivesTheSameHeadAtEverySplit(String response, String expected) {
        byte[] data = bytes(response);
        for (Kind kind : Kind.values()) {
            for (int split = 0; split < data.length; split++) {
                try (Cumulation c = new Cumulation(kind)) {
                    assertThat(parser.parse(c.append(data, 0, split))).isNull();
                    ResponseHead h = parser.parse(c.append(data, split, data.length - split));
                    assertThat(h).isNotNull();
                    try {
                        assertThat(describe(h)).as("%s split at %d", kind, split).isEqualTo(expected);
                    } finally {
                        h.release();
                    }
                }
            }
        }
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                Arguments.of("ICY 200 OK\r\n\r\n", WireError.UPSTREAM_INVALID_STATUS_LINE),
                Arguments.of("HTTP/2 200 OK\r\n\r\n", WireError.UPSTREAM_INVALID_STATUS_LINE),
                Arguments.of("HTTP/2.0 200 OK\r\n\r\n", WireError.UPSTREAM_INVALID_STATUS_LINE),
                Arguments.of("HTTP/11.1 200 OK\r\n\r\n", WireError.UPSTREAM_INVALID_STATUS_LINE),
                Arguments.of("HTTP/1.1 20 OK\r\n\r\n", WireError.UPSTREAM_INVALID_STATUS_LINE),
                Arguments.of("HTTP/1.1 2000 OK\r\n\r\n", WireError.UPSTREAM_INVALID_STATUS_LINE),
                Arguments.of("HTTP/1.1 099 Low\r\n\r\n", WireError.UPSTREAM_INVALID_STATUS_LINE),
                Arguments.of("HTTP/1.1 200 OK\rX", WireError.UPSTREAM_INVALID_STATUS_LINE),
                Arguments.of("\r\nHTTP/1.1 200 OK\r\n\r\n", WireError.UPSTREAM_INVALID_STATUS_LINE),
                Arguments.of("hello world", WireError.UPSTREAM_INVALID_STATUS_LINE),
                Arguments.of("HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", WireError.UPSTREAM_INVALID_HEADER),
                Arguments.of("HTTP/1.1 200 OK\r\n folded\r\n\r\n", WireError.UPSTREAM_INVALID_HEADER),
                Arguments.of("HTTP/1.1 200 OK\r\nX: a\u0000\r\n\r\n", WireError.UPSTREAM_INVALID_HEADER),
                Arguments.of("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n",
                        WireError.UPSTREAM_DUPLICATE_HEADER),
                Arguments.of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
                        WireError.UPSTREAM_DUPLICATE_HEADER),
                Arguments.of("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
                        WireError.UPSTREAM_CONTENT_LENGTH_AND_TRANSFER_ENCODING),
                Arguments.of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 1\r\n\r\n",
                        WireError.UPSTREAM_CONTENT_LENGTH_AND_TRANSFER_ENCODING),
                Arguments.of("HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\n",
                        WireError.UPSTREAM_INVALID_CONTENT_LENGTH),
                Arguments.of("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
                        WireError.UPSTREAM_UNKNOWN_TRANSFER_ENCODING));
    }

    @ParameterizedTest
    @MethodSource("refused")
    void refusesWithBadGateway(String response, WireError expected) {
        ByteBuf in = buf(Kind.HEAP, bytes(response));
        WireException e = catchThrowableOfType(WireException.class, () -> {
            ResponseHead h = parser.parse(in);
            if (h != null) {
                h.release();
            }
        });
        in.release();
        assertThat(e).as("refused").isNotNull();
        assertThat(e.error()).isEqualTo(expected);
        assertThat(e.status()).isEqualTo(502);
        assertThat(e.error().upstream()).isTrue();
    }

    @Test
    void headMustFitInProxyBufferSize() {
        String start = "HTTP/1.1 200 OK\r\n";
        String exact = start + "X: " + "v".repeat(4096 - start.length() - 7) + "\r\n\r\n";
        assertThat(exact).hasSize(4096);
        parse(exact).release();
        String over = start + "X: " + "v".repeat(4096 - start.length() - 6) + "\r\n\r\n";
        ByteBuf in = buf(Kind.DIRECT, bytes(over));
        WireException e = catchThrowableOfType(WireException.class, () -> parser.parse(in));
        in.release();
        assertThat(e.error()).isEqualTo(WireError.UPSTREAM_HEAD_TOO_BIG);
        assertThat(e.getMessage()).startsWith("upstream sent too big header");
    }
}

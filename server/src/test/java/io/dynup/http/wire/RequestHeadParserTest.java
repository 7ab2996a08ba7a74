package io.dynup.http.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.netty.buffer.ByteBuf;
import io.netty.util.AsciiString;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Request heads: what nginx 1.22 accepts, what it refuses and with which status, fed whole and in pieces. */
class RequestHeadParserTest extends WireTestSupport {

    private final RequestHeadParser parser = new RequestHeadParser(HeadLimits.NGINX_REQUEST);

    /** Parses a whole head from one buffer; the buffer is released, the head returned must be released. */
    private RequestHead parseWhole(Kind kind, String request) {
        ByteBuf in = buf(kind, bytes(request));
        try {
            RequestHead head = parser.parse(in);
            assertThat(head).as("parsed from %s", request).isNotNull();
            return head;
        } finally {
            in.release();
        }
    }

    private RequestHead parse(String request) {
        return parseWhole(Kind.DIRECT, request);
    }

    private WireError errorOf(String request) {
        return errorOf(parser, request);
    }

    private WireError errorOf(RequestHeadParser p, String request) {
        ByteBuf in = buf(bytes(request).length == 0 ? Kind.DIRECT : Kind.HEAP, bytes(request));
        try {
            WireException e = catchThrowableOfType(WireException.class, () -> {
                RequestHead h = p.parse(in);
                if (h != null) {
                    h.release();
                }
                throw new AssertionError("accepted: " + request);
            });
            return e.error();
        } finally {
            in.release();
        }
    }

    @Test
    void parsesAnOriginFormRequest() {
        ByteBuf in = buf("GET /a/b.html?x=1&y=%20 HTTP/1.1\r\nHost: Example.COM:8080\r\nAccept: */*\r\n"
                + "X-Empty:\r\n\r\nNEXT");
        RequestHead h = parser.parse(in);
        try {
            assertThat(h).isNotNull();
            assertThat(h.method()).isEqualTo(Method.GET);
            assertThat(h.methodName()).isEqualTo("GET");
            assertThat(h.uri()).isEqualTo("/a/b.html?x=1&y=%20");
            assertThat(h.path()).isEqualTo("/a/b.html");
            assertThat(h.query()).isEqualTo("x=1&y=%20");
            assertThat(h.uriNeedsNormalization()).isFalse();
            assertThat(h.isHttp11()).isTrue();
            assertThat(h.host()).isEqualTo("example.com");
            assertThat(h.headerValue(h.hostHeaderIndex())).isEqualTo("Example.COM:8080");
            assertThat(h.keepAlive()).isTrue();
            assertThat(h.bodyKind()).isEqualTo(BodyKind.NONE);
            assertThat(h.contentLength()).isEqualTo(-1);
            assertThat(h.headerCount()).isEqualTo(3);
            assertThat(h.headerValue(AsciiString.of("accept"))).isEqualTo("*/*");
            assertThat(h.headerValue(AsciiString.of("x-empty"))).isEmpty();
            assertThat(h.headerValue(AsciiString.of("X-Missing"))).isNull();
            assertThat(h.length()).isEqualTo(in.readerIndex());
            assertThat(string(in)).isEqualTo("NEXT");
            assertThat(h.toString()).isEqualTo(
                    "RequestHead(GET /a/b.html?x=1&y=%20 HTTP/1.1, 3 headers, " + h.length() + " bytes)");
        } finally {
            h.release();
            in.release();
        }
        assertThat(h.refCnt()).isZero();
    }

    @Test
    void absoluteFormTakesTheHostFromTheRequestLineAndForwardsOnlyPathAndQuery() {
        RequestHead h = parse("GET http://Upstream.Example.:81/p?q=1 HTTP/1.1\r\nHost: other\r\n\r\n");
        try {
            assertThat(h.absoluteForm()).isTrue();
            assertThat(h.host()).isEqualTo("upstream.example");
            assertThat(h.uri()).isEqualTo("/p?q=1");
            assertThat(h.content().toString(h.targetOffset(), h.targetLength(),
                    java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("http://Upstream.Example.:81/p?q=1");
        } finally {
            h.release();
        }
    }

    @Test
    void absoluteFormWithoutPathUsesSlash() {
        RequestHead noPath = parse("GET http://h HTTP/1.1\r\nHost: h\r\n\r\n");
        RequestHead query = parse("GET http://h:8080?x=1 HTTP/1.1\r\nHost: h\r\n\r\n");
        RequestHead ipv6 = parse("GET https://[::1]:443/ HTTP/1.1\r\nHost: h\r\n\r\n");
        try {
            assertThat(noPath.uri()).isEqualTo("/");
            assertThat(noPath.path()).isEqualTo("/");
            assertThat(noPath.content().toString(noPath.targetOffset(), noPath.targetLength(),
                    java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("http://h");
            assertThat(query.content().toString(query.targetOffset(), query.targetLength(),
                    java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("http://h:8080?x=1");
            assertThat(query.uri()).isEqualTo("/?x=1");
            assertThat(query.path()).isEqualTo("/");
            assertThat(query.query()).isEqualTo("x=1");
            assertThat(query.emptyPathInUri()).isTrue();
            assertThat(ipv6.host()).isEqualTo("[::1]");
        } finally {
            noPath.release();
            query.release();
            ipv6.release();
        }
    }

    static Stream<Arguments> acceptedLikeNginx() {
        return Stream.of(
                // bare LF everywhere, as nginx accepts
                Arguments.of("POST /p HTTP/1.1\nHost: a\nContent-Length: 5\n\n",
                        "POST POST target=/p uri=/p path=/p query=null HTTP/1.1 host=a keepAlive=true"
                                + " body=CONTENT_LENGTH 5 normalize=false length=44\n  Host: [a]\n"
                                + "  Content-Length: [5]"),
                // several spaces between parts, around values; CR CR LF; an unknown method
                Arguments.of("PURGE   /x   HTTP/1.1  \r\nHost: h\r\nX:   a b   \r\r\n\r\n",
                        "OTHER PURGE target=/x uri=/x path=/x query=null HTTP/1.1 host=h keepAlive=true"
                                + " body=NONE -1 normalize=false length=50\n  Host: [h]\n  X: [a b]"),
                // a line without a colon is a header with an empty value; tabs, controls and 8-bit bytes in values
                Arguments.of("GET / HTTP/1.0\r\nX-Flag\r\nX-Ctl: a\tb\u0001c\u00ff\r\n\r\n",
                        "GET GET target=/ uri=/ path=/ query=null HTTP/1.0 host=null keepAlive=false"
                                + " body=NONE -1 normalize=false length=41\n  X-Flag: []\n"
                                + "  X-Ctl: [a\tb\u0001c\u00ff]"),
                // invalid names are dropped (underscores_in_headers off, ignore_invalid_headers on)
                Arguments.of("GET / HTTP/1.1\r\nHost: h\r\nX_Under: 1\r\nX.Dot: 2\r\nX-\u00e9: 3\r\nA: 4\r\n\r\n",
                        "GET GET target=/ uri=/ path=/ query=null HTTP/1.1 host=h keepAlive=true"
                                + " body=NONE -1 normalize=false length=63\n  Host: [h]\n  A: [4]"),
                // empty lines before the request line are skipped and not part of the head
                Arguments.of("\r\n\n\r\nDELETE /r HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
                        "DELETE DELETE target=/r uri=/r path=/r query=null HTTP/1.1 host=h keepAlive=false"
                                + " body=NONE -1 normalize=false length=50\n  Host: [h]\n"
                                + "  Connection: [close]"),
                // HTTP/1.2 is an HTTP/1.1 with another minor; chunked case-insensitively
                Arguments.of("PUT /u HTTP/1.2\r\nHost: h\r\nTransfer-Encoding: Chunked \r\n\r\n",
                        "PUT PUT target=/u uri=/u path=/u query=null HTTP/1.2 host=h keepAlive=true"
                                + " body=CHUNKED -1 normalize=false length=57\n  Host: [h]\n"
                                + "  Transfer-Encoding: [Chunked]"),
                // paths nginx normalizes
                Arguments.of("GET /a/./b HTTP/1.0\r\n\r\n",
                        "GET GET target=/a/./b uri=/a/./b path=/a/./b query=null HTTP/1.0 host=null"
                                + " keepAlive=false body=NONE -1 normalize=true length=23"),
                Arguments.of("GET //a?b=/. HTTP/1.0\r\n\r\n",
                        "GET GET target=//a?b=/. uri=//a?b=/. path=//a query=b=/. HTTP/1.0 host=null"
                                + " keepAlive=false body=NONE -1 normalize=true length=25"),
                Arguments.of("GET /a%2fb#frag?x HTTP/1.0\r\n\r\n",
                        "GET GET target=/a%2fb#frag?x uri=/a%2fb#frag?x path=/a%2fb#frag?x query=null HTTP/1.0"
                                + " host=null keepAlive=false body=NONE -1 normalize=true length=30"),
                Arguments.of("GET /a.b/c.d?x=1&y HTTP/1.0\r\n\r\n",
                        "GET GET target=/a.b/c.d?x=1&y uri=/a.b/c.d?x=1&y path=/a.b/c.d query=x=1&y HTTP/1.0"
                                + " host=null keepAlive=false body=NONE -1 normalize=false length=31"));
    }

    @ParameterizedTest
    @MethodSource("acceptedLikeNginx")
    void acceptsWhatNginxAccepts(String request, String expected) {
        RequestHead h = parse(request);
        try {
            assertThat(describe(h)).isEqualTo(expected);
        } finally {
            h.release();
        }
    }

    /** Every case above and below, split at every byte position, gives the same head. */
    static Stream<Arguments> splitCases() {
        return Stream.concat(acceptedLikeNginx().map(a -> Arguments.of(a.get()[0])), Stream.of(
                Arguments.of("GET http://[::1]:8080/x?y HTTP/1.1\r\nHost: h\r\nCookie: a=b; c=d\r\n\r\n"),
                Arguments.of("OPTIONS /a/b/c/d/e/f/g/h HTTP/1.1\r\nHost: h\r\nUser-Agent: curl/8.0\r\n"
                        + "Accept: */*\r\nConnection: keep-alive, Upgrade\r\nContent-Length: 0\r\n\r\n")));
    }

    @ParameterizedTest
    @MethodSource("splitCases")
    void incrementalParsingGivesTheSameHeadAtEverySplit(String request) {
        byte[] data = bytes(request);
        RequestHead whole = parseWhole(Kind.HEAP, request);
        String expected = describe(whole);
        whole.release();
        for (Kind kind : Kind.values()) {
            for (int split = 0; split <= data.length; split++) {
                try (Cumulation c = new Cumulation(kind)) {
                    RequestHead first = parser.parse(c.append(data, 0, split));
                    if (split < data.length) {
                        assertThat(first).as("head before its last byte, split %d", split).isNull();
                    } else {
                        assertThat(first).isNotNull();
                        first.release();
                        continue;
                    }
                    RequestHead h = parser.parse(c.append(data, split, data.length - split));
                    assertThat(h).as("%s split at %d", kind, split).isNotNull();
                    try {
                        assertThat(describe(h)).as("%s split at %d", kind, split).isEqualTo(expected);
                        assertThat(c.buffer().isReadable()).isFalse();
                    } finally {
                        h.release();
                    }
                }
            }
            assertThat(byteByByte(kind, data)).isEqualTo(expected);
        }
    }

    private String byteByByte(Kind kind, byte[] data) {
        try (Cumulation c = new Cumulation(kind)) {
            for (int i = 0; i < data.length; i++) {
                RequestHead h = parser.parse(c.append(data, i, 1));
                if (h != null) {
                    assertThat(i).isEqualTo(data.length - 1);
                    try {
                        return describe(h);
                    } finally {
                        h.release();
                    }
                }
            }
            throw new AssertionError("no head");
        }
    }

    @Test
    void scansEachByteOnceWhenBytesTrickleIn() {
        String request = "GET /" + "a".repeat(8000) + " HTTP/1.1\r\nHost: h\r\n" + "X-Long: " + "v".repeat(8000)
                + "\r\n\r\n";
        byte[] data = bytes(request);
        for (Kind kind : Kind.values()) {
            RequestHeadParser p = new RequestHeadParser(HeadLimits.NGINX_REQUEST);
            // One byte more readable per call, as if each read brought one byte.
            ByteBuf in = buf(kind, data);
            RequestHead h = null;
            for (int i = 1; i <= data.length && h == null; i++) {
                in.writerIndex(i);
                h = p.parse(in);
                assertThat(h == null).isEqualTo(i < data.length);
            }
            h.release();
            in.release();
            assertThat(p.examined).as(kind.name()).isEqualTo(data.length);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void parsesPipelinedRequestsFromOneBuffer(Kind kind) {
        String requests = "GET /1 HTTP/1.1\r\nHost: h\r\n\r\n"
                + "POST /2 HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"
                + "\r\n" // a stray CRLF between requests, which nginx skips
                + "PUT /3 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
                + "GET /4 HTTP/1.0\r\n\r\n";
        ByteBuf in = buf(kind, bytes(requests));
        BodyFramer framer = BodyFramer.forRequests();
        StringBuilder seen = new StringBuilder();
        while (in.isReadable()) {
            RequestHead h = parser.parse(in);
            assertThat(h).isNotNull();
            framer.start(h);
            int n = framer.frame(in);
            assertThat(framer.isComplete()).isTrue();
            ByteBuf body = in.readRetainedSlice(n);
            seen.append(h.methodName()).append(' ').append(h.uri()).append(" [").append(string(body)).append("] ");
            body.release();
            h.release();
        }
        in.release();
        assertThat(seen.toString()).isEqualTo(
                "GET /1 [] POST /2 [hello] PUT /3 [3\r\nabc\r\n0\r\n\r\n] GET /4 [] ");
    }

    @Test
    void keepAliveFollowsVersionAndConnectionTokens() {
        assertThat(keepAlive("GET / HTTP/1.1\r\nHost: h\r\n\r\n")).isTrue();
        assertThat(keepAlive("GET / HTTP/1.0\r\n\r\n")).isFalse();
        assertThat(keepAlive("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")).isTrue();
        assertThat(keepAlive("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")).isFalse();
        assertThat(keepAlive("GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade, CLOSE\r\n\r\n")).isFalse();
        assertThat(keepAlive("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n")).isFalse();
        assertThat(keepAlive("GET / HTTP/1.1\r\nHost: h\r\nConnection: upgrade\r\n\r\n")).isTrue();
        // a later Connection line overrides an earlier one, as in ngx_http_process_connection
        assertThat(keepAlive("GET / HTTP/1.0\r\nConnection: close\r\nConnection: keep-alive\r\n\r\n")).isTrue();
        // tokens, not substrings (nginx would see "close" inside "closed")
        assertThat(keepAlive("GET / HTTP/1.1\r\nHost: h\r\nConnection: closed\r\n\r\n")).isTrue();
    }

    private boolean keepAlive(String request) {
        RequestHead h = parse(request);
        try {
            return h.keepAlive();
        } finally {
            h.release();
        }
    }

    @Test
    void expectContinueOnlyForHttp11() {
        RequestHead h11 = parse("POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\nContent-Length: 1\r\n\r\n");
        RequestHead h10 = parse("POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n");
        try {
            assertThat(h11.expectsContinue()).isTrue();
            assertThat(h10.expectsContinue()).isFalse();
        } finally {
            h11.release();
            h10.release();
        }
    }

    @Test
    void headerLookupsDoNotAllocateStringsAndAreCaseInsensitive() {
        RequestHead h = parse("GET / HTTP/1.1\r\nHost: h\r\nX-A: 1\r\nx-a: Two\r\nVary: Accept, Cookie\r\n\r\n");
        try {
            AsciiString xa = AsciiString.of("X-a");
            assertThat(h.indexOf(xa)).isEqualTo(1);
            assertThat(h.indexOf(xa, 2)).isEqualTo(2);
            assertThat(h.indexOf(xa, 3)).isEqualTo(-1);
            assertThat(h.nameEquals(2, xa)).isTrue();
            assertThat(h.valueEquals(2, AsciiString.of("Two"))).isTrue();
            assertThat(h.valueEquals(2, AsciiString.of("two"))).isFalse();
            assertThat(h.valueEqualsIgnoreCase(2, AsciiString.of("two"))).isTrue();
            assertThat(h.containsToken(AsciiString.of("vary"), AsciiString.of("cookie"))).isTrue();
            assertThat(h.containsToken(AsciiString.of("vary"), AsciiString.of("cook"))).isFalse();
            assertThat(h.headerValues(xa)).containsExactly("1", "Two");
            assertThat(h.valueOffset(2)).isEqualTo(h.nameOffset(2) + 5);
            assertThat(h.valueLength(2)).isEqualTo(3);
            assertThatThrownBy(() -> h.nameLength(4)).isInstanceOf(IndexOutOfBoundsException.class);
        } finally {
            h.release();
        }
    }

    @Test
    void acceptsUnderscoresAndInvalidNamesWhenConfigured() {
        RequestHeadParser lenient = new RequestHeadParser(HeadLimits.NGINX_REQUEST, true, false);
        ByteBuf in = buf("GET / HTTP/1.1\r\nHost: h\r\nX_Under: 1\r\nX.Dot: 2\r\n\r\n");
        RequestHead h = lenient.parse(in);
        try {
            assertThat(h.headerCount()).isEqualTo(3);
            assertThat(h.headerName(1)).isEqualTo("X_Under");
            assertThat(h.headerName(2)).isEqualTo("X.Dot");
        } finally {
            h.release();
            in.release();
        }
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                // request line
                Arguments.of("get / HTTP/1.1\r\n", WireError.INVALID_METHOD),
                Arguments.of(" GET / HTTP/1.1\r\n", WireError.INVALID_METHOD),
                Arguments.of("GET\t/ HTTP/1.1\r\n", WireError.INVALID_METHOD),
                Arguments.of("G@T / HTTP/1.1\r\n", WireError.INVALID_METHOD),
                Arguments.of("GET * HTTP/1.1\r\n", WireError.INVALID_REQUEST),
                Arguments.of("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", WireError.INVALID_REQUEST),
                Arguments.of("GET /a\u0001b HTTP/1.1\r\n", WireError.INVALID_REQUEST),
                Arguments.of("GET /a?b\u007f HTTP/1.1\r\n", WireError.INVALID_REQUEST),
                Arguments.of("GET /a\tb HTTP/1.1\r\n", WireError.INVALID_REQUEST),
                Arguments.of("GET /\r\n", WireError.HTTP_09),
                Arguments.of("GET /x\n", WireError.HTTP_09),
                Arguments.of("GET /x \r\n", WireError.HTTP_09),
                Arguments.of("GET / HTTP/2.0\r\n", WireError.INVALID_VERSION),
                Arguments.of("GET / HTTP/3\r\n", WireError.INVALID_VERSION),
                Arguments.of("GET / HTTP/10.0\r\n", WireError.INVALID_VERSION),
                Arguments.of("GET / HTTP/0.9\r\n", WireError.INVALID_REQUEST),
                Arguments.of("GET / HTTP/1\r\n", WireError.INVALID_REQUEST),
                Arguments.of("GET / HTTP/1.\r\n", WireError.INVALID_REQUEST),
                Arguments.of("GET / HTTP/1.1x\r\n", WireError.INVALID_REQUEST),
                Arguments.of("GET / HTTP/1.1000\r\n", WireError.INVALID_REQUEST),
                Arguments.of("GET / HTTX/1.1\r\n", WireError.INVALID_REQUEST),
                Arguments.of("GET / http/1.1\r\n", WireError.INVALID_REQUEST),
                Arguments.of("GET / HTTP/1.1\rX", WireError.INVALID_REQUEST),
                Arguments.of("GET / HTTP/1.1 x\r\n", WireError.INVALID_REQUEST),
                Arguments.of("GET http:/x HTTP/1.1\r\n", WireError.INVALID_REQUEST),
                Arguments.of("GET http://ex_ample/ HTTP/1.1\r\n", WireError.INVALID_REQUEST),
                Arguments.of("GET http://h:8o/ HTTP/1.1\r\n", WireError.INVALID_REQUEST),
                Arguments.of("GET http://[::1/ HTTP/1.1\r\n", WireError.INVALID_REQUEST),
                Arguments.of("GET http://a..b/ HTTP/1.1\r\nHost: h\r\n\r\n",
                        WireError.INVALID_HOST_IN_REQUEST_LINE),
                Arguments.of("GET http://:80/ HTTP/1.1\r\nHost: h\r\n\r\n", WireError.INVALID_HOST_IN_REQUEST_LINE),
                // header lines
                Arguments.of("GET / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n", WireError.INVALID_HEADER),
                Arguments.of("GET / HTTP/1.1\r\nHost: h\r\nX: a\r\n\tfolded\r\n\r\n", WireError.INVALID_HEADER),
                Arguments.of("GET / HTTP/1.1\r\nHost : h\r\n\r\n", WireError.INVALID_HEADER),
                Arguments.of("GET / HTTP/1.1\r\nHost\t: h\r\n\r\n", WireError.INVALID_HEADER),
                Arguments.of("GET / HTTP/1.1\r\n: h\r\n\r\n", WireError.INVALID_HEADER),
                Arguments.of("GET / HTTP/1.1\r\nX\u0001Y: h\r\n\r\n", WireError.INVALID_HEADER),
                Arguments.of("GET / HTTP/1.1\r\nX\u007fY: h\r\n\r\n", WireError.INVALID_HEADER),
                Arguments.of("GET / HTTP/1.1\r\nX: a\u0000b\r\n\r\n", WireError.INVALID_HEADER),
                Arguments.of("GET / HTTP/1.1\r\nX: \u0000\r\n\r\n", WireError.INVALID_HEADER),
                Arguments.of("GET / HTTP/1.1\r\nX: a \u0000\r\n\r\n", WireError.INVALID_HEADER),
                Arguments.of("GET / HTTP/1.1\r\nX: a\rb\r\n\r\n", WireError.INVALID_HEADER),
                Arguments.of("GET / HTTP/1.1\r\nHost: h\r\n\rX", WireError.INVALID_HEADER),
                // Host
                Arguments.of("GET / HTTP/1.1\r\n\r\n", WireError.MISSING_HOST),
                Arguments.of("GET http://h/ HTTP/1.1\r\n\r\n", WireError.MISSING_HOST),
                Arguments.of("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", WireError.DUPLICATE_HOST),
                Arguments.of("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", WireError.INVALID_HOST),
                Arguments.of("GET / HTTP/1.1\r\nHost: a..b\r\n\r\n", WireError.INVALID_HOST),
                Arguments.of("GET / HTTP/1.1\r\nHost: a b\r\n\r\n", WireError.INVALID_HOST),
                Arguments.of("GET / HTTP/1.1\r\nHost:\r\n\r\n", WireError.INVALID_HOST),
                Arguments.of("GET / HTTP/1.0\r\nHost: .\r\n\r\n", WireError.INVALID_HOST),
                Arguments.of("GET / HTTP/1.0\r\nHost: :80\r\n\r\n", WireError.INVALID_HOST),
                // body framing headers
                Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: abc\r\n\r\n",
                        WireError.INVALID_CONTENT_LENGTH),
                Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n",
                        WireError.INVALID_CONTENT_LENGTH),
                Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +1\r\n\r\n",
                        WireError.INVALID_CONTENT_LENGTH),
                Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1 2\r\n\r\n",
                        WireError.INVALID_CONTENT_LENGTH),
                Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length:\r\n\r\n",
                        WireError.INVALID_CONTENT_LENGTH),
                Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: \t1\r\n\r\n",
                        WireError.INVALID_CONTENT_LENGTH),
                Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 9223372036854775808\r\n\r\n",
                        WireError.INVALID_CONTENT_LENGTH),
                Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
                        WireError.DUPLICATE_HEADER),
                // nginx refuses a second Content-Length even when it repeats the first
                Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\ncontent-length: 1\r\n\r\n",
                        WireError.DUPLICATE_HEADER),
                Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n", WireError.DUPLICATE_HEADER),
                Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
                        WireError.CONTENT_LENGTH_AND_TRANSFER_ENCODING),
                Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n",
                        WireError.CONTENT_LENGTH_AND_TRANSFER_ENCODING),
                Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n",
                        WireError.UNKNOWN_TRANSFER_ENCODING),
                Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
                        WireError.UNKNOWN_TRANSFER_ENCODING),
                Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nTransfer-Encoding: gzip\r\n\r\n",
                        WireError.UNKNOWN_TRANSFER_ENCODING),
                Arguments.of("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n",
                        WireError.TRANSFER_ENCODING_IN_HTTP10),
                // other headers nginx wants once
                Arguments.of("GET / HTTP/1.1\r\nHost: h\r\nAuthorization: a\r\nAuthorization: b\r\n\r\n",
                        WireError.DUPLICATE_HEADER),
                Arguments.of("GET / HTTP/1.1\r\nHost: h\r\nIf-None-Match: a\r\nif-none-match: a\r\n\r\n",
                        WireError.DUPLICATE_HEADER),
                Arguments.of("GET / HTTP/1.1\r\nHost: h\r\nExpect: a\r\nExpect: b\r\n\r\n",
                        WireError.DUPLICATE_HEADER),
                // methods nginx refuses after reading the head
                Arguments.of("CONNECT h:443 HTTP/1.1\r\nHost: h\r\n\r\n", WireError.INVALID_REQUEST),
                Arguments.of("CONNECT / HTTP/1.1\r\nHost: h\r\n\r\n", WireError.CONNECT_METHOD),
                Arguments.of("TRACE / HTTP/1.1\r\nHost: h\r\n\r\n", WireError.TRACE_METHOD),
                // nginx's order of checks decides between several problems
                Arguments.of("TRACE / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: x\r\n\r\n",
                        WireError.UNKNOWN_TRANSFER_ENCODING),
                Arguments.of("POST / HTTP/1.1\r\nTransfer-Encoding: x\r\n\r\n", WireError.MISSING_HOST),
                Arguments.of("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: x\r\nTransfer-Encoding: x\r\n\r\n",
                        WireError.INVALID_CONTENT_LENGTH));
    }

    @ParameterizedTest
    @MethodSource("refused")
    void refusesWithNginxStatus(String request, WireError expected) {
        assertThat(errorOf(request)).isEqualTo(expected);
        // the parser is reset and takes the next connection's request
        RequestHead h = parse("GET / HTTP/1.0\r\n\r\n");
        h.release();
    }

    @ParameterizedTest
    @MethodSource("refused")
    void refusesTheSameAtEverySplit(String request, WireError expected) {
        byte[] data = bytes(request);
        for (int split = 1; split < data.length; split++) {
            try (Cumulation c = new Cumulation(Kind.DIRECT)) {
                final int s = split;
                WireException e = catchThrowableOfType(WireException.class, () -> {
                    RequestHead h = parser.parse(c.append(data, 0, s));
                    if (h == null) {
                        h = parser.parse(c.append(data, s, data.length - s));
                    }
                    if (h != null) {
                        h.release();
                    }
                });
                assertThat(e).as("split at %d", split).isNotNull();
                assertThat(e.error()).as("split at %d", split).isEqualTo(expected);
            }
        }
    }

    @Test
    void errorsCarryNginxStatusAndText() {
        ByteBuf in = buf("GET / HTTP/1.1\r\nBad Name: x\r\n\r\n");
        WireException e = catchThrowableOfType(WireException.class, () -> parser.parse(in));
        in.release();
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.getMessage()).isEqualTo("client sent invalid header line: \"Bad\\x20...\"");
        assertThat(e.getStackTrace()).isEmpty();
        assertThat(WireError.INVALID_VERSION.status()).isEqualTo(505);
        assertThat(WireError.URI_TOO_LONG.status()).isEqualTo(414);
        assertThat(WireError.HEADER_LINE_TOO_LONG.status()).isEqualTo(400);
        assertThat(WireError.HEADER_LINE_TOO_LONG.nginxCode()).isEqualTo(494);
        assertThat(WireError.UNKNOWN_TRANSFER_ENCODING.status()).isEqualTo(501);
        assertThat(WireError.TRACE_METHOD.status()).isEqualTo(405);
    }
}

package io.dynup.http.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.util.AsciiString;
import org.junit.jupiter.api.Test;

/** The forwarded head, byte for byte: nginx's proxy_set_header semantics over received bytes. */
class HeadWriterTest extends WireTestSupport {

    private static final AsciiString CLIENT = AsciiString.of("192.0.2.7");

    private final RequestHeadParser requests = new RequestHeadParser(HeadLimits.NGINX_REQUEST);
    private final ResponseHeadParser responses = new ResponseHeadParser(HeadLimits.NGINX_RESPONSE);

    private String writeRequest(HeadWriter writer, String request, CharSequence uri) {
        ByteBuf in = buf(request);
        RequestHead head = requests.parse(in);
        ByteBuf out = out();
        try {
            writer.writeRequest(out, head, uri, CLIENT);
            return string(out);
        } finally {
            head.release();
            in.release();
            out.release();
        }
    }

    private String writeResponse(HeadWriter writer, String response) {
        ByteBuf in = buf(response);
        ResponseHead head = responses.parse(in);
        ByteBuf out = out();
        try {
            writer.writeResponse(out, head);
            return string(out);
        } finally {
            head.release();
            in.release();
            out.release();
        }
    }

    @Test
    void keepAliveProxyRequestAsNginxWritesIt() {
        HeadWriter writer = HeadWriter.nginxProxyDefaults("backend:8080")
                .httpVersion11()
                .set("Connection", "")
                .set("X-Forwarded-For", HeaderValue.proxyAddXForwardedFor())
                .build();
        String request = "GET /path?q=1 HTTP/1.1\r\n"
                + "Host: client.example\r\n"
                + "User-Agent: curl/8.0\r\n"
                + "Connection: keep-alive\r\n"
                + "Accept: */*\r\n"
                + "X-Forwarded-For: 10.0.0.1\r\n"
                + "Upgrade: h2c\r\n"
                + "TE: trailers\r\n"
                + "Keep-Alive: 300\r\n"
                + "Cookie: a=b\r\n"
                + "\r\n";
        assertThat(writeRequest(writer, request, null)).isEqualTo("GET /path?q=1 HTTP/1.1\r\n"
                + "Host: backend:8080\r\n"
                + "X-Forwarded-For: 10.0.0.1, 192.0.2.7\r\n"
                + "User-Agent: curl/8.0\r\n"
                + "Accept: */*\r\n"
                + "Cookie: a=b\r\n"
                + "\r\n");
    }

    @Test
    void nginxDefaultsAreHttp10AndConnectionClose() {
        HeadWriter writer = HeadWriter.nginxProxyDefaults("backend").build();
        String request = "POST /upload HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n";
        assertThat(writeRequest(writer, request, null)).isEqualTo("POST /upload HTTP/1.0\r\n"
                + "Host: backend\r\n"
                + "Connection: close\r\n"
                + "Content-Length: 5\r\n"
                + "\r\n");
    }

    @Test
    void uriIsTheReceivedPathAndQueryOrTheReplacement() {
        HeadWriter writer = HeadWriter.forRequests().build();
        assertThat(writeRequest(writer, "GET http://h:1/a?b HTTP/1.1\r\nHost: h\r\n\r\n", null))
                .isEqualTo("GET /a?b HTTP/1.1\r\nHost: h\r\n\r\n");
        assertThat(writeRequest(writer, "GET http://h?x=1 HTTP/1.1\r\nHost: h\r\n\r\n", null))
                .isEqualTo("GET /?x=1 HTTP/1.1\r\nHost: h\r\n\r\n");
        assertThat(writeRequest(writer, "GET http://h HTTP/1.1\r\nHost: h\r\n\r\n", null))
                .isEqualTo("GET / HTTP/1.1\r\nHost: h\r\n\r\n");
        assertThat(writeRequest(writer, "PROPFIND   /old?q   HTTP/1.0\r\n\r\n", "/new/path?z=1"))
                .isEqualTo("PROPFIND /new/path?z=1 HTTP/1.1\r\n\r\n");
        assertThat(writeRequest(writer, "GET /old HTTP/1.0\r\n\r\n", AsciiString.of("/ascii")))
                .isEqualTo("GET /ascii HTTP/1.1\r\n\r\n");
    }

    @Test
    void linesNotInCanonicalFormAreRewrittenOthersCopied() {
        HeadWriter writer = HeadWriter.forRequests().build();
        String request = "GET / HTTP/1.1\n"
                + "Host: h\n"
                + "X-A:   spaced   \r\n"
                + "X-B:nospace\r\n"
                + "X-C\r\n"
                + "X-D:\r\n"
                + "X-E: \r\n"
                + "X-F: ok\r\n"
                + "X-G: crcr\r\r\n"
                + "X_Dropped: 1\r\n"
                + "X-H: a\tb\r\n"
                + "\n";
        assertThat(writeRequest(writer, request, null)).isEqualTo("GET / HTTP/1.1\r\n"
                + "Host: h\r\n"
                + "X-A: spaced\r\n"
                + "X-B: nospace\r\n"
                + "X-C: \r\n"
                + "X-D: \r\n"
                + "X-E: \r\n"
                + "X-F: ok\r\n"
                + "X-G: crcr\r\n"
                + "X-H: a\tb\r\n"
                + "\r\n");
    }

    @Test
    void setReplacesCaseInsensitivelyAndEmptyValuesRemove() {
        HeadWriter writer = HeadWriter.forRequests()
                .set("x-real-ip", HeaderValue.remoteAddr())
                .set("X-Host", HeaderValue.host("default.server"))
                .set("Upgrade", HeaderValue.requestHeader("upgrade"))
                .set("Connection", "upgrade")
                .set("X-Date", HeaderValue.supplied(() -> "Tue, 25 Nov 2025 10:00:00 GMT"))
                .set("X-Empty", HeaderValue.supplied(() -> ""))
                .remove("cookie")
                .set("X-REAL-IP", HeaderValue.remoteAddr()) // replaces the first, in its place
                .build();
        String websocket = "GET /ws HTTP/1.1\r\nHost: WWW.Example.ORG.:443\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nCOOKIE: s=1\r\nX-Real-IP: spoofed\r\nX-Empty: kept? no\r\n\r\n";
        assertThat(writeRequest(writer, websocket, null)).isEqualTo("GET /ws HTTP/1.1\r\n"
                + "X-REAL-IP: 192.0.2.7\r\n"
                + "X-Host: www.example.org\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: upgrade\r\n"
                + "X-Date: Tue, 25 Nov 2025 10:00:00 GMT\r\n"
                + "Host: WWW.Example.ORG.:443\r\n"
                + "\r\n");
        // no Upgrade header and no host: $http_upgrade is empty (left out), $host falls back to the server name
        assertThat(writeRequest(writer, "GET / HTTP/1.0\r\n\r\n", null)).isEqualTo("GET / HTTP/1.1\r\n"
                + "X-REAL-IP: 192.0.2.7\r\n"
                + "X-Host: default.server\r\n"
                + "Connection: upgrade\r\n"
                + "X-Date: Tue, 25 Nov 2025 10:00:00 GMT\r\n"
                + "\r\n");
    }

    @Test
    void forwardedForJoinsEveryReceivedValueThenTheClient() {
        HeadWriter writer = HeadWriter.forRequests()
                .set("X-Forwarded-For", HeaderValue.proxyAddXForwardedFor())
                .build();
        assertThat(writeRequest(writer, "GET / HTTP/1.0\r\nX-Forwarded-For: 1.1.1.1, 2.2.2.2\r\n"
                + "x-forwarded-for: 3.3.3.3\r\n\r\n", null)).isEqualTo("GET / HTTP/1.1\r\n"
                + "X-Forwarded-For: 1.1.1.1, 2.2.2.2, 3.3.3.3, 192.0.2.7\r\n\r\n");
        assertThat(writeRequest(writer, "GET / HTTP/1.0\r\n\r\n", null))
                .isEqualTo("GET / HTTP/1.1\r\nX-Forwarded-For: 192.0.2.7\r\n\r\n");
        // an empty received value still gets its separator, as in ngx_http_proxy_add_x_forwarded_for_variable
        assertThat(writeRequest(writer, "GET / HTTP/1.0\r\nX-Forwarded-For:\r\n\r\n", null))
                .isEqualTo("GET / HTTP/1.1\r\nX-Forwarded-For: , 192.0.2.7\r\n\r\n");
    }

    @Test
    void responseHeadAsNginxSendsIt() {
        HeadWriter writer = HeadWriter.nginxResponseDefaults()
                .set("Server", "dynup")
                .set("Connection", "keep-alive")
                .build();
        String response = "HTTP/1.0 404 Not Found\r\n"
                + "Server: upstream/1.0\r\n"
                + "Date: Mon, 24 Nov 2025 00:00:00 GMT\r\n"
                + "Connection: keep-alive\r\n"
                + "Keep-Alive: timeout=5\r\n"
                + "Content-Length: 3\r\n"
                + "X-Accel-Redirect: /internal\r\n"
                + "ETag: \"e\"\r\n"
                + "\r\n";
        assertThat(writeResponse(writer, response)).isEqualTo("HTTP/1.1 404 Not Found\r\n"
                + "Connection: keep-alive\r\n"
                + "Server: dynup\r\n"
                + "Content-Length: 3\r\n"
                + "ETag: \"e\"\r\n"
                + "\r\n");
        assertThat(writeResponse(HeadWriter.forResponses().build(), "HTTP/1.1 200\nTransfer-Encoding: chunked\n\n"))
                .isEqualTo("HTTP/1.1 200\r\nTransfer-Encoding: chunked\r\n\r\n");
    }

    @Test
    void requestOnlyValuesAreRefusedForResponses() {
        assertThatThrownBy(() -> HeadWriter.forResponses().set("X-Host", HeaderValue.host("s")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("value: $host (expected: a constant or supplied value in a response writer)");
        HeadWriter requestWriter = HeadWriter.forRequests().build();
        assertThatThrownBy(() -> writeResponse(requestWriter, "HTTP/1.1 200 OK\r\n\r\n"))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void headerNamesAreChecked() {
        assertThatThrownBy(() -> HeadWriter.forRequests().set("Bad Name", "v"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("name: \"Bad Name\" (expected: A-Z a-z 0-9 - _)");
        assertThatThrownBy(() -> HeadWriter.forRequests().set("", "v"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void releasedHeadsCannotBeWritten() {
        ByteBuf in = buf("GET / HTTP/1.0\r\n\r\n");
        RequestHead head = requests.parse(in);
        in.release();
        head.release();
        ByteBuf out = out();
        assertThatThrownBy(() -> HeadWriter.forRequests().build().writeRequest(out, head, null, CLIENT))
                .isInstanceOf(io.netty.util.IllegalReferenceCountException.class);
        out.release();
    }
}

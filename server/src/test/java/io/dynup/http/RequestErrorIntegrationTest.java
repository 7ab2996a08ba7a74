package io.dynup.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.dynup.testing.DataPlaneChecks;
import io.dynup.testing.Dynup;
import io.dynup.testing.RawClient;
import io.dynup.testing.RawClient.Response;

/**
 * Requests nginx refuses, through the real server: the status, nginx's page, {@code Connection: close}, and the
 * connection actually closing (nothing after a broken request can be trusted to be framed right).
 */
@ExtendWith(DataPlaneChecks.class)
class RequestErrorIntegrationTest {

    private static Dynup dynup;

    @BeforeAll
    static void start() throws Exception {
        dynup = Dynup.start("""
                server {
                    listen 127.0.0.1:$PORT;
                    location / { return 200 "fine"; }
                }
                """);
    }

    @AfterAll
    static void stop() {
        if (dynup != null) {
            dynup.close();
        }
    }

    /** Sends {@code request}, expects {@code status} with close, and the connection to close. */
    private static Response refused(String request, int status) throws IOException {
        try (RawClient c = RawClient.connect(dynup.port())) {
            c.send(request);
            Response r = c.read();
            assertThat(r.status()).isEqualTo(status);
            assertThat(r.header("Connection")).isEqualTo("close");
            assertThat(r.header("Server")).isEqualTo("dynup");
            assertThat(r.header("Date")).endsWith("GMT");
            assertThat(r.header("Content-Type")).isEqualTo("text/html");
            assertThat(c.awaitClosed()).as("connection closed after %d", status).isTrue();
            return r;
        }
    }

    @Test
    void garbageIs400() throws IOException {
        Response r = refused("\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003\r\n\r\n", 400);
        assertThat(r.text()).contains("<title>400 Bad Request</title>");
    }

    @Test
    void headerLineWithoutColonIs400() throws IOException {
        refused("GET / HTTP/1.1\r\nHost: t\r\nNo colon here\r\n\r\n", 400);
    }

    @Test
    void missingHostIs400() throws IOException {
        refused("GET / HTTP/1.1\r\n\r\n", 400);
    }

    @Test
    void contentLengthWithTransferEncodingIs400() throws IOException {
        refused("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "0\r\n\r\n", 400);
    }

    @Test
    void unknownTransferEncodingIs501() throws IOException {
        refused("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n", 501);
    }

    @Test
    void http2VersionIs505() throws IOException {
        refused("GET / HTTP/2.0\r\nHost: t\r\n\r\n", 505);
    }

    @Test
    void tooLongUriIs414() throws IOException {
        Response r = refused("GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: t\r\n\r\n", 414);
        assertThat(r.text()).contains("<title>414 Request-URI Too Large</title>");
    }

    @Test
    void tooLongHeaderLineIs400WithNginxs494Page() throws IOException {
        Response r = refused("GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + "b".repeat(9000) + "\r\n\r\n", 400);
        assertThat(r.text()).contains("<title>400 Request Header Or Cookie Too Large</title>")
                            .contains("<center><h1>400 Bad Request</h1></center>")
                            .contains("<center>Request Header Or Cookie Too Large</center>");
    }

    @Test
    void tooLargeHeadIs400() throws IOException {
        StringBuilder req = new StringBuilder("GET / HTTP/1.1\r\nHost: t\r\n");
        for (int i = 0; i < 6; i++) {
            req.append("X-H").append(i).append(": ").append("v".repeat(7000)).append("\r\n");
        }
        refused(req.append("\r\n").toString(), 400);
    }

    @Test
    void invalidChunkedBodyIs400AndCloses() throws IOException {
        refused("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n", 400);
    }

    @Test
    void theServerStillServesAfterwards() throws IOException {
        refused("BAD\r\n\r\n", 400);
        assertThat(RawClient.get(dynup.port(), "t", "/").text()).isEqualTo("fine");
    }

    @Test
    void theAnswerSurvivesAClientStillSending() throws Exception {
        // the client goes on sending after the point where the request is refused: closing with its bytes
        // unread would reset the connection and could destroy the answer; nginx's lingering close reads and
        // drops them first
        AtomicReference<IOException> writeFailure = new AtomicReference<>();
        try (RawClient c = RawClient.connect(dynup.port())) {
            Thread writer = new Thread(() -> {
                try {
                    c.send("GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: t\r\n\r\n");
                    for (int i = 0; i < 256; i++) {
                        c.send(new byte[16 * 1024]);
                    }
                } catch (IOException e) {
                    writeFailure.set(e);
                }
            });
            writer.start();
            Response r = c.read();
            assertThat(r.status()).isEqualTo(414);
            // an orderly end (FIN), not a reset
            assertThat(c.in().read()).isEqualTo(-1);
            writer.join(10_000);
            assertThat(writer.isAlive()).isFalse();
            // the server took everything the client had to say before it closed: no reset
            assertThat(writeFailure.get()).isNull();
        }
    }
}

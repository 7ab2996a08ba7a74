package io.dynup.health;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Where a check's response ends, and what it yields, for each way HTTP/1.1 frames a body. */
class HttpCheckResponseTest {

    @Test
    void endsAtContentLengthEvenWhenSplitAcrossReads() {
        HttpCheckResponse r = new HttpCheckResponse();
        assertThat(r.append("HTTP/1.1 204 No Content\r\nContent-Le")).isFalse();
        assertThat(r.append("ngth: 2\r\n\r\no")).isFalse();
        assertThat(r.append("k")).isTrue();
        assertThat(r.status()).isEqualTo(204);
        assertThat(r.body()).isEqualTo("ok");
        assertThat(r.reusable()).isTrue();
    }

    @Test
    void aPeersCloseOrAnUnframedBodyEndsTheConnection() {
        HttpCheckResponse close = new HttpCheckResponse();
        close.append("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
        assertThat(close.reusable()).isFalse();
        HttpCheckResponse unframed = new HttpCheckResponse();
        unframed.append("HTTP/1.1 200 OK\r\n\r\nok");
        assertThat(unframed.reusable()).isFalse();
    }

    @Test
    void endsAtTheLastChunkAndGivesTheBodyWithoutFraming() {
        HttpCheckResponse r = new HttpCheckResponse();
        assertThat(r.append("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n")).isFalse();
        assertThat(r.body()).isEqualTo("ok");
        assertThat(r.append("0\r\n\r\n")).isTrue();
        assertThat(r.body()).isEqualTo("ok");
        assertThat(r.error()).isNull();
        assertThat(r.reusable()).isTrue();
    }

    @Test
    void chunksSplitAnywhereAcrossReadsDecodeToOneBody() {
        String wire = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                      + "5;name=value\r\nstatu\r\n0A\r\ns: healthy\r\n0\r\nX-Trailer: 1\r\n\r\n";
        for (int split = 1; split < wire.length(); split++) {
            HttpCheckResponse r = new HttpCheckResponse();
            boolean done = r.append(wire.substring(0, split));
            assertThat(done).as("split at %d", split).isFalse();
            assertThat(r.append(wire.substring(split))).as("split at %d", split).isTrue();
            assertThat(r.body()).as("split at %d", split).isEqualTo("status: healthy");
            assertThat(r.error()).isNull();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"zz\r\nok\r\n", "2\r\nokX\r\n", "\r\nok\r\n", "-2\r\nok\r\n"})
    void badChunkFramingIsAnError(String body) {
        HttpCheckResponse r = new HttpCheckResponse();
        assertThat(r.append("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + body)).isTrue();
        assertThat(r.error()).isEqualTo("malformed chunked body");
        assertThat(r.reusable()).isFalse();
    }

    @Test
    void aChunkLargerThanACheckReadsIsAnErrorBeforeItArrives() {
        HttpCheckResponse r = new HttpCheckResponse();
        assertThat(r.append("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffff\r\n")).isTrue();
        assertThat(r.error()).isEqualTo("response larger than " + Probe.MAX_BODY + " bytes");
        HttpCheckResponse endless = new HttpCheckResponse();
        assertThat(endless.append("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                  + "1" + ";x".repeat(600))).isTrue();
        assertThat(endless.error()).isEqualTo("malformed chunked body");
    }

    @Test
    void aCloseBeforeTheEndOfAFramedBodyIsAnError() {
        HttpCheckResponse chunked = new HttpCheckResponse();
        chunked.append("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n");
        chunked.closed();
        assertThat(chunked.error()).isEqualTo("connection closed before the end of the response");
        HttpCheckResponse length = new HttpCheckResponse();
        length.append("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nok");
        length.closed();
        assertThat(length.error()).isEqualTo("connection closed before the end of the response");
        HttpCheckResponse unframed = new HttpCheckResponse();
        unframed.append("HTTP/1.0 200 OK\r\n\r\nok");
        unframed.closed();
        assertThat(unframed.error()).isNull();
    }

    @Test
    void aBodyWithoutLengthEndsWithTheConnection() {
        HttpCheckResponse r = new HttpCheckResponse();
        assertThat(r.append("HTTP/1.0 200 OK\r\n\r\nstill reading")).isFalse();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("still reading");
    }

    @Test
    void garbageHasNoStatusAndOversizeStopsReading() {
        HttpCheckResponse r = new HttpCheckResponse();
        r.append("SSH-2.0-OpenSSH\r\n\r\n");
        assertThat(r.status()).isEqualTo(-1);

        HttpCheckResponse big = new HttpCheckResponse();
        big.append("HTTP/1.1 200 OK\r\n\r\n");
        assertThat(big.append("x".repeat(Probe.MAX_BODY + 1))).isTrue();

        assertThat(new HttpCheckResponse().append("x".repeat(Probe.MAX_BODY + 1))).isTrue();
        assertThat(new HttpCheckResponse().body()).isNull();
    }
}

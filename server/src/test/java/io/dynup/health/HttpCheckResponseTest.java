package io.dynup.health;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

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
    void endsAtTheLastChunk() {
        HttpCheckResponse r = new HttpCheckResponse();
        assertThat(r.append("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n")).isFalse();
        assertThat(r.append("0\r\n\r\n")).isTrue();
        assertThat(r.body()).contains("ok");
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

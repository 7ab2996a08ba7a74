package io.dynup.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;

class ResponseHeadersTest {

    private static final String HEAD = "HTTP/1.1 200 Fine\r\nServer: dynup\r\n"
                                       + "Date: Thu, 01 Jan 2026 00:00:00 GMT\r\n"
                                       + "Content-Type: text/plain\r\nContent-Length: 6\r\nX-A: 1\r\n"
                                       + "Connection: keep-alive\r\n\r\n";

    private static ResponseHeaders parse(String head) {
        ByteBuf b = Unpooled.copiedBuffer(head, StandardCharsets.ISO_8859_1);
        try {
            return ResponseHeaders.parse(b);
        } finally {
            b.release();
        }
    }

    private static String encode(ResponseHeaders h) {
        ByteBuf b = h.encode(UnpooledByteBufAllocator.DEFAULT);
        try {
            return b.toString(StandardCharsets.ISO_8859_1);
        } finally {
            b.release();
        }
    }

    @Test
    void anUnchangedHeadGoesOutWithItsOwnLinesFramingLast() {
        ResponseHeaders h = parse(HEAD);
        assertThat(h.status()).isEqualTo(200);
        assertThat(h.headers()).extracting(e -> e[0] + "=" + e[1])
                .containsExactly("Content-Type=text/plain", "Content-Length=6", "X-A=1");
        assertThat(encode(h)).isEqualTo("HTTP/1.1 200 Fine\r\nServer: dynup\r\n"
                                        + "Date: Thu, 01 Jan 2026 00:00:00 GMT\r\nContent-Type: text/plain\r\n"
                                        + "X-A: 1\r\nContent-Length: 6\r\nConnection: keep-alive\r\n\r\n");
    }

    @Test
    void aFilterChangesStatusAndHeadersButNotTheFraming() {
        ResponseHeaders h = parse(HEAD);
        h.status(404);
        h.headers().removeIf(e -> e[0].equals("X-A") || e[0].equals("Content-Length"));
        h.headers().add(new String[] {"X-B", "2"});
        assertThat(encode(h)).isEqualTo("HTTP/1.1 404 Not Found\r\nServer: dynup\r\n"
                                        + "Date: Thu, 01 Jan 2026 00:00:00 GMT\r\nContent-Type: text/plain\r\n"
                                        + "X-B: 2\r\nContent-Length: 6\r\nConnection: keep-alive\r\n\r\n");
    }
}

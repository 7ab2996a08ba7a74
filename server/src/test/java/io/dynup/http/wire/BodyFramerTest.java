package io.dynup.http.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.netty.buffer.ByteBuf;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Body framing: which received bytes belong to a body, fed whole, split everywhere and in three pieces. */
class BodyFramerTest extends WireTestSupport {

    private static final String AFTER = "GET /next HTTP/1.1\r\n";

    private final BodyFramer framer = BodyFramer.forRequests();

    /**
     * Frames {@code body + AFTER} fed in the given pieces; returns the bytes counted as body, and checks that
     * what follows is left for the next message.
     */
    private String frame(BodyKind kind, long length, byte[] data, int... splits) {
        framer.start(kind, length);
        StringBuilder body = new StringBuilder();
        int from = 0;
        ByteBuf pending = null;
        int[] ends = new int[splits.length + 1];
        System.arraycopy(splits, 0, ends, 0, splits.length);
        ends[splits.length] = data.length;
        for (int end : ends) {
            ByteBuf piece = buf(Kind.DIRECT, java.util.Arrays.copyOfRange(data, from, end));
            from = end;
            if (pending != null) {
                piece = glue(pending, piece);
            }
            int n = framer.frame(piece);
            body.append(string(piece.readSlice(n)));
            pending = piece;
        }
        assertThat(framer.isComplete()).as("complete after %s", body).isTrue();
        assertThat(string(pending)).isEqualTo(AFTER);
        pending.release();
        return body.toString();
    }

    /** The unread rest of {@code a} followed by {@code b}, as a new tracked buffer; both are released. */
    private ByteBuf glue(ByteBuf a, ByteBuf b) {
        byte[] merged = new byte[a.readableBytes() + b.readableBytes()];
        a.readBytes(merged, 0, a.readableBytes());
        b.getBytes(b.readerIndex(), merged, merged.length - b.readableBytes(), b.readableBytes());
        a.release();
        b.release();
        return buf(Kind.HEAP, merged);
    }

    /** The payload, collected with nextSegment so chunk framing is dropped. */
    private String payload(BodyKind kind, long length, byte[] data) {
        framer.start(kind, length);
        ByteBuf in = buf(Kind.DIRECT, data);
        StringBuilder payload = new StringBuilder();
        int n;
        while ((n = framer.nextSegment(in)) > 0) {
            String run = string(in.readSlice(n));
            if (framer.segmentIsData()) {
                payload.append(run);
            }
        }
        assertThat(framer.isComplete()).isTrue();
        assertThat(string(in)).isEqualTo(AFTER);
        in.release();
        return payload.toString();
    }

    static Stream<Arguments> chunkedBodies() {
        return Stream.of(
                Arguments.of("5\r\nhello\r\n0\r\n\r\n", "hello"),
                Arguments.of("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", "hello world"),
                Arguments.of("0\r\n\r\n", ""),
                Arguments.of("5;name=value;x\r\nhello\r\n0;last\r\n\r\n", "hello"),
                Arguments.of("5 \r\nhello\r\n0\t\r\n\r\n", "hello"),
                Arguments.of("A\r\n0123456789\r\na\r\nabcdefghij\r\n0\r\n\r\n", "0123456789abcdefghij"),
                Arguments.of("0005\r\nhello\r\n000\r\n\r\n", "hello"),
                Arguments.of("5\r\nhello\r\n0\r\nX-Trailer: 1\r\nY: 2\r\n\r\n", "hello"),
                Arguments.of("5\nhello\n0\nT: v\n\n", "hello"),
                // bytes in chunk data that look like framing are data
                Arguments.of("7\r\n0\r\n\r\n\r\n\r\n0\r\n\r\n", "0\r\n\r\n\r\n"));
    }

    @ParameterizedTest
    @MethodSource("chunkedBodies")
    void chunkedBodyEndsAtTheLastChunkAtEverySplit(String body, String payload) {
        byte[] data = bytes(body + AFTER);
        assertThat(frame(BodyKind.CHUNKED, -1, data)).isEqualTo(body);
        for (int split = 0; split <= data.length; split++) {
            assertThat(frame(BodyKind.CHUNKED, -1, data, split)).as("split at %d", split).isEqualTo(body);
        }
        // three pieces: every pair of split points inside the body, so size lines and trailers are cut twice
        for (int a = 0; a <= body.length(); a++) {
            for (int b = a; b <= body.length(); b++) {
                assertThat(frame(BodyKind.CHUNKED, -1, data, a, b)).isEqualTo(body);
            }
        }
        assertThat(payload(BodyKind.CHUNKED, -1, data)).isEqualTo(payload);
        assertThat(framer.payloadBytes()).isEqualTo(payload.length());
    }

    @Test
    void contentLengthBodyEndsAfterItsLength() {
        byte[] data = bytes("0123456789" + AFTER);
        for (int split = 0; split <= data.length; split++) {
            assertThat(frame(BodyKind.CONTENT_LENGTH, 10, data, split)).isEqualTo("0123456789");
        }
        assertThat(payload(BodyKind.CONTENT_LENGTH, 10, data)).isEqualTo("0123456789");
        assertThat(frame(BodyKind.CONTENT_LENGTH, 0, bytes(AFTER))).isEmpty();
        assertThat(frame(BodyKind.NONE, -1, bytes(AFTER))).isEmpty();
    }

    @Test
    void contentLengthBeyondAnIntIsCounted() {
        framer.start(BodyKind.CONTENT_LENGTH, 5_000_000_000L);
        ByteBuf in = buf("x".repeat(1000));
        assertThat(framer.frame(in)).isEqualTo(1000);
        assertThat(framer.isComplete()).isFalse();
        assertThat(framer.payloadBytes()).isEqualTo(1000);
        assertThat(framer.endOfInput()).as("cut short").isFalse();
        in.release();
    }

    @Test
    void untilCloseTakesEverythingAndEndsWithTheConnection() {
        BodyFramer responses = BodyFramer.forResponses();
        responses.start(BodyKind.UNTIL_CLOSE, -1);
        ByteBuf in = buf("HTTP/1.1 200 OK\r\n\r\n");
        assertThat(responses.frame(in)).isEqualTo(in.readableBytes());
        assertThat(responses.isComplete()).isFalse();
        assertThat(responses.endOfInput()).isTrue();
        assertThat(responses.isComplete()).isTrue();
        in.release();
    }

    @Test
    void truncatedChunkedBodyIsNotAProperEnd() {
        framer.start(BodyKind.CHUNKED, -1);
        ByteBuf in = buf("5\r\nhel");
        assertThat(framer.frame(in)).isEqualTo(6);
        assertThat(framer.endOfInput()).isFalse();
        in.release();
    }

    @Test
    void nothingReadableIsNothingFramed() {
        framer.start(BodyKind.CHUNKED, -1);
        ByteBuf in = buf("");
        assertThat(framer.frame(in)).isZero();
        assertThat(framer.nextSegment(in)).isZero();
        in.release();
    }

    @Test
    void largestChunkSizeIsNginxs() {
        // nginx refuses a size once it exceeds NGX_MAX_OFF_T_VALUE / 16 = 0x7ffffffffffffff
        framer.start(BodyKind.CHUNKED, -1);
        ByteBuf ok = buf("7ffffffffffffff\r\nabc");
        assertThat(framer.frame(ok)).isEqualTo(20);
        assertThat(framer.payloadBytes()).isEqualTo(3);
        ok.release();
        assertThat(chunkError("800000000000000\r\n")).isEqualTo(WireError.INVALID_CHUNKED_BODY);
        assertThat(chunkError("ffffffffffffffffff\r\n")).isEqualTo(WireError.INVALID_CHUNKED_BODY);
    }

    @ParameterizedTest
    @ValueSource(strings = {"g\r\n", "\r\n", "-1\r\n", " 5\r\nhello\r\n", "5\r\nhelloX", "5\r\nhello\rX",
        "5\rX", "5;ext\rX", "0\rX", "0;ext\r\r", "0\r\nX: y\rZ", "0\r\n\rX", "5\r\nhello\r\n\r\n", "0x5\r\n"})
    void refusesInvalidChunking(String body) {
        assertThat(chunkError(body)).isEqualTo(WireError.INVALID_CHUNKED_BODY);
        BodyFramer responses = BodyFramer.forResponses();
        responses.start(BodyKind.CHUNKED, -1);
        ByteBuf in = buf(body);
        WireException e = catchThrowableOfType(WireException.class, () -> responses.frame(in));
        in.release();
        assertThat(e.error()).isEqualTo(WireError.UPSTREAM_INVALID_CHUNKED_BODY);
        assertThat(e.status()).isEqualTo(502);
    }

    private WireError chunkError(String body) {
        framer.start(BodyKind.CHUNKED, -1);
        ByteBuf in = buf(body);
        try {
            WireException e = catchThrowableOfType(WireException.class, () -> framer.frame(in));
            assertThat(e).as("refused: %s", body).isNotNull();
            assertThat(e.status()).isEqualTo(400);
            return e.error();
        } finally {
            in.release();
        }
    }

    @Test
    void refusesNegativeContentLength() {
        assertThatThrownBy(() -> framer.start(BodyKind.CONTENT_LENGTH, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("contentLength: -1 (expected: >= 0)");
    }
}

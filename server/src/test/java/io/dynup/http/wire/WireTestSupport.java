package io.dynup.http.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/**
 * Base of the wire tests: paranoid leak detection, and every buffer a test makes is tracked so that the test fails
 * unless all of them (and so every head sliced from them) have been released by its end.
 */
abstract class WireTestSupport {

    static {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    /** The buffer shapes a connection can hand a parser: heap (array path), direct and composite (copy path). */
    enum Kind {
        HEAP, DIRECT, COMPOSITE
    }

    private static final ByteBufAllocator POOLED = PooledByteBufAllocator.DEFAULT;
    private static final ByteBufAllocator HEAP = new UnpooledByteBufAllocator(false);

    private final List<ByteBuf> created = new ArrayList<>();

    @AfterEach
    void everyBufferReleased() {
        for (ByteBuf b : created) {
            assertThat(b.refCnt()).as("refCnt of a buffer made by the test (a head or slice not released?)")
                    .isZero();
        }
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String string(ByteBuf b) {
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    ByteBuf buf(Kind kind, byte[] data) {
        ByteBuf b;
        switch (kind) {
            case HEAP:
                b = HEAP.heapBuffer(Math.max(data.length, 1));
                break;
            case DIRECT:
                b = POOLED.directBuffer(Math.max(data.length, 1));
                break;
            default:
                CompositeByteBuf c = POOLED.compositeDirectBuffer();
                // Two components so that reads cross a component boundary.
                int half = data.length / 2;
                ByteBuf first = POOLED.directBuffer(Math.max(half, 1)).writeBytes(data, 0, half);
                ByteBuf second = POOLED.directBuffer(Math.max(data.length - half, 1))
                        .writeBytes(data, half, data.length - half);
                c.addComponents(true, first, second);
                created.add(c);
                return c;
        }
        created.add(b);
        return b.writeBytes(data);
    }

    ByteBuf buf(String s) {
        return buf(Kind.DIRECT, bytes(s));
    }

    ByteBuf out() {
        ByteBuf b = POOLED.directBuffer(64);
        created.add(b);
        return b;
    }

    /**
     * A connection's cumulation buffer: pieces are appended as they arrive, like ByteToMessageDecoder's cumulators.
     * Heap and direct buffers are written in place when no slice of them is held, else copied into a new buffer
     * (the old one lives on in the slices); composite ones get a new component.
     */
    final class Cumulation implements AutoCloseable {
        private final Kind kind;
        private ByteBuf cum;

        Cumulation(Kind kind) {
            this.kind = kind;
            this.cum = buf(kind, new byte[0]);
        }

        ByteBuf append(byte[] data, int off, int len) {
            if (kind == Kind.COMPOSITE) {
                ByteBuf piece = POOLED.directBuffer(Math.max(len, 1)).writeBytes(data, off, len);
                ((CompositeByteBuf) cum).addComponent(true, piece);
                return cum;
            }
            if (cum.refCnt() == 1) {
                // Nobody holds a slice: write in place, as ByteToMessageDecoder.MERGE_CUMULATOR does.
                cum.discardSomeReadBytes();
                cum.writeBytes(data, off, len);
                return cum;
            }
            byte[] merged = new byte[cum.readableBytes() + len];
            cum.getBytes(cum.readerIndex(), merged, 0, cum.readableBytes());
            System.arraycopy(data, off, merged, cum.readableBytes(), len);
            cum.release();
            cum = buf(kind, merged);
            return cum;
        }

        ByteBuf buffer() {
            return cum;
        }

        @Override
        public void close() {
            cum.release();
        }
    }

    /** Everything that identifies a parsed request, as one comparable string. */
    static String describe(RequestHead h) {
        StringBuilder sb = new StringBuilder()
                .append(h.method()).append(' ').append(h.methodName())
                .append(" target=").append(h.content().toString(h.targetOffset(), h.targetLength(),
                        StandardCharsets.ISO_8859_1))
                .append(" uri=").append(h.uri())
                .append(" path=").append(h.path())
                .append(" query=").append(h.query())
                .append(" HTTP/1.").append(h.minorVersion())
                .append(" host=").append(h.host())
                .append(" keepAlive=").append(h.keepAlive())
                .append(" body=").append(h.bodyKind()).append(' ').append(h.contentLength())
                .append(" normalize=").append(h.uriNeedsNormalization())
                .append(" length=").append(h.length());
        appendHeaders(sb, h);
        return sb.toString();
    }

    /** Everything that identifies a parsed response, as one comparable string. */
    static String describe(ResponseHead h) {
        StringBuilder sb = new StringBuilder()
                .append(h.status()).append(" reason=").append(h.reason())
                .append(" HTTP/1.").append(h.minorVersion())
                .append(" keepAlive=").append(h.keepAlive())
                .append(" body=").append(h.bodyKind(false)).append(' ').append(h.contentLength())
                .append(" length=").append(h.length());
        appendHeaders(sb, h);
        return sb.toString();
    }

    private static void appendHeaders(StringBuilder sb, MessageHead h) {
        for (int i = 0; i < h.headerCount(); i++) {
            sb.append("\n  ").append(h.headerName(i)).append(": [").append(h.headerValue(i)).append(']');
        }
    }
}

package io.dynup.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;

/**
 * Large bodies for transfer tests: bytes that depend on their position (so a lost, repeated or reordered slice
 * changes the digest), written in Content-Length or chunked framing while their SHA-256 is taken, and the memory
 * figures the tests bound.
 */
public final class Payload {

    public static final int MIB = 1024 * 1024;

    private Payload() {
    }

    /** The byte at {@code position}: splitmix64 of its 8-byte word, so no period shorter than the body. */
    static void fill(byte[] buf, int len, long position) {
        for (int i = 0; i < len; i++) {
            long p = position + i;
            long z = (p >>> 3) + 0x9E3779B97F4A7C15L;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z ^= z >>> 31;
            buf[i] = (byte) (z >>> ((p & 7) * 8));
        }
    }

    /**
     * Writes {@code n} payload bytes to {@code out}, chunked (chunk sizes vary from 1 byte to 64 KiB) or not, and
     * returns their SHA-256 in hex. {@code progress} hears the payload bytes written so far.
     */
    public static String write(OutputStream out, long n, boolean chunked, java.util.function.LongConsumer progress)
            throws IOException {
        MessageDigest md = RawClient.sha256();
        byte[] buf = new byte[64 * 1024];
        long written = 0;
        int k = 0;
        while (written < n) {
            int len = (int) Math.min(n - written, chunked ? 1 + (k++ * 7919) % buf.length : buf.length);
            fill(buf, len, written);
            md.update(buf, 0, len);
            if (chunked) {
                out.write((Integer.toHexString(len) + (k % 5 == 0 ? ";ext=1" : "") + "\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
            }
            out.write(buf, 0, len);
            if (chunked) {
                out.write('\r');
                out.write('\n');
            }
            written += len;
            progress.accept(written);
        }
        if (chunked) {
            out.write("0\r\nX-Trailer: t\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        out.flush();
        return HexFormat.of().formatHex(md.digest());
    }

    /** Heap in use after a full collection: what the JVM really keeps. */
    public static long liveHeap() {
        for (int i = 0; i < 2; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Memory Netty's default allocator holds (heap and direct), where the proxy's buffers live. */
    public static long nettyMemory() {
        ByteBufAllocatorMetric m = ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric();
        return m.usedHeapMemory() + m.usedDirectMemory();
    }
}

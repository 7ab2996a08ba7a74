package io.dynup.lua;

import java.io.ByteArrayOutputStream;

import io.netty.buffer.ByteBuf;

/**
 * The payload of a complete chunked body, as the http layer hands it on with its framing (which it has already
 * checked): chunk sizes and extensions, CRLFs and trailers are dropped.
 */
final class Dechunk {

    private Dechunk() {
    }

    static byte[] payload(ByteBuf framed) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(framed.readableBytes());
        int i = framed.readerIndex();
        int end = framed.writerIndex();
        while (i < end) {
            int lineEnd = framed.indexOf(i, end, (byte) '\n');
            if (lineEnd < 0) {
                break;
            }
            long size = 0;
            for (int j = i; j < lineEnd; j++) {
                int digit = Character.digit(framed.getByte(j), 16);
                if (digit < 0) {
                    break;
                }
                size = size * 16 + digit;
            }
            if (size == 0) {
                break;
            }
            int start = lineEnd + 1;
            int n = (int) Math.min(size, end - start);
            byte[] chunk = new byte[n];
            framed.getBytes(start, chunk);
            out.writeBytes(chunk);
            // the data, then its CRLF
            i = start + n + 2;
        }
        return out.toByteArray();
    }
}

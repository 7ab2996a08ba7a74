package io.dynup.balancer;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The CRC-32 nginx's hash modules take of keys ({@code ngx_crc32_long}, {@code ngx_crc32_update}):
 * the common reflected CRC-32 of zlib, which {@link CRC32} computes ({@code "123456789"} gives
 * {@code cbf43926} with both).
 *
 * <p>nginx hashes the bytes of the evaluated key; a Java key is text, hashed as its UTF-8 bytes, so keys
 * that nginx would see as ASCII or UTF-8 hash the same. An instance reuses one buffer and encodes without
 * allocating: each balancer keeps one and uses it under its lock only.
 */
final class KeyCrc {

    private final CRC32 crc = new CRC32();
    private final byte[] buf = new byte[256];
    private int len;

    /** crc32 of {@code key}'s UTF-8 bytes; allocates, so for use outside the balancer lock. */
    static long of(String key) {
        CRC32 c = new CRC32();
        c.update(key.getBytes(StandardCharsets.UTF_8));
        return c.getValue();
    }

    /**
     * crc32 of the decimal digits of {@code prefix} (left out when zero) followed by {@code key}'s UTF-8
     * bytes: the {@code "%ui"} rehash prefix of {@code ngx_http_upstream_get_hash_peer}.
     */
    long of(long prefix, String key) {
        crc.reset();
        len = 0;
        if (prefix > 0) {
            int start = len;
            for (long v = prefix; v > 0; v /= 10) {
                buf[len++] = (byte) ('0' + v % 10);
            }
            for (int i = start, j = len - 1; i < j; i++, j--) {
                byte t = buf[i];
                buf[i] = buf[j];
                buf[j] = t;
            }
        }
        for (int i = 0; i < key.length(); i++) {
            if (len > buf.length - 4) {
                crc.update(buf, 0, len);
                len = 0;
            }
            char c = key.charAt(i);
            if (c < 0x80) {
                buf[len++] = (byte) c;
            } else if (c < 0x800) {
                buf[len++] = (byte) (0xc0 | c >> 6);
                buf[len++] = (byte) (0x80 | c & 0x3f);
            } else if (Character.isHighSurrogate(c) && i + 1 < key.length()
                       && Character.isLowSurrogate(key.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, key.charAt(++i));
                buf[len++] = (byte) (0xf0 | cp >> 18);
                buf[len++] = (byte) (0x80 | cp >> 12 & 0x3f);
                buf[len++] = (byte) (0x80 | cp >> 6 & 0x3f);
                buf[len++] = (byte) (0x80 | cp & 0x3f);
            } else if (Character.isSurrogate(c)) {
                buf[len++] = '?'; // a lone surrogate, replaced as String.getBytes does
            } else {
                buf[len++] = (byte) (0xe0 | c >> 12);
                buf[len++] = (byte) (0x80 | c >> 6 & 0x3f);
                buf[len++] = (byte) (0x80 | c & 0x3f);
            }
        }
        crc.update(buf, 0, len);
        return crc.getValue();
    }
}

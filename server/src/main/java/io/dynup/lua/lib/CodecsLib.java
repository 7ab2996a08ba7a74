package io.dynup.lua.lib;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.zip.CRC32;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import party.iroiro.luajava.Lua;

/**
 * The Java half of the {@code ngx} string codecs ({@code codecs.lua} has the rest): digests, CRC-32 and
 * nginx's lenient base64 decoding. Stateless.
 */
final class CodecsLib {

    static final LuaSource SOURCE = LuaSource.resource("codecs.lua");

    private static final byte[] BASE64_VALUES = new byte[256];

    static {
        Arrays.fill(BASE64_VALUES, (byte) -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < alphabet.length(); i++) {
            BASE64_VALUES[alphabet.charAt(i)] = (byte) i;
        }
    }

    private CodecsLib() {
    }

    /** Sets the codec fields of the {@code ngx} table. */
    static void open(Lua lua, LibraryHost host) {
        lua.getGlobal("ngx");
        lua.push(host.wrap(CodecsLib::digest));
        lua.push(host.wrap(l -> {
            CRC32 crc = new CRC32();
            crc.update(LuaBytes.bytes(l, 1));
            l.push(crc.getValue());
            return 1;
        }));
        lua.push(host.wrap(CodecsLib::base64Decode));
        SOURCE.call(lua, 4);
        lua.pop(1);
    }

    /** (algorithm, data[, key]) → the digest (or HMAC with the key) in lower-case hex. */
    private static int digest(Lua lua) {
        String algorithm = lua.toString(1);
        byte[] data = LuaBytes.bytes(lua, 2);
        byte[] out;
        try {
            if (lua.isString(3)) {
                byte[] key = LuaBytes.bytes(lua, 3);
                Mac mac = Mac.getInstance(algorithm);
                // HMAC pads keys with zeros to the block size, so an empty key (legal in HMAC, refused by the
                // JDK's key spec) is the same as one zero byte
                mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, algorithm));
                out = mac.doFinal(data);
            } else {
                out = MessageDigest.getInstance(algorithm).digest(data);
            }
        } catch (GeneralSecurityException e) {
            throw new LibraryError(algorithm + " is not available: " + e.getMessage());
        }
        lua.push(LuaBytes.hex(out));
        return 1;
    }

    /**
     * nginx's {@code ngx_decode_base64}: the input ends at the first '=', any other byte outside the alphabet
     * fails, as does a length of 4n+1; missing padding is fine. Returns the bytes (and a hex flag), or nothing.
     */
    private static int base64Decode(Lua lua) {
        byte[] src = LuaBytes.bytes(lua, 1);
        int len = 0;
        while (len < src.length && src[len] != '=') {
            if (BASE64_VALUES[src[len] & 0xff] < 0) {
                return 0;
            }
            len++;
        }
        if (len % 4 == 1) {
            return 0;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(len * 3 / 4);
        int i = 0;
        for (; i + 3 < len; i += 4) {
            int v = value(src, i) << 18 | value(src, i + 1) << 12 | value(src, i + 2) << 6 | value(src, i + 3);
            out.write(v >> 16);
            out.write(v >> 8);
            out.write(v);
        }
        if (len - i > 1) {
            out.write(value(src, i) << 2 | value(src, i + 1) >> 4);
        }
        if (len - i > 2) {
            out.write(value(src, i + 1) << 4 | value(src, i + 2) >> 2);
        }
        lua.push(LuaBytes.push(lua, out.toByteArray()));
        return 2;
    }

    private static int value(byte[] src, int i) {
        return BASE64_VALUES[src[i] & 0xff];
    }
}

package io.dynup.lua.lib;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import party.iroiro.luajava.Lua;

/**
 * Lua strings are bytes; luajava's string calls go through JNI's modified UTF-8, which neither keeps every byte
 * nor takes every byte. Strings cross as bytes here: in through {@link Lua#toDirectBuffer} (a view of the Lua
 * string itself, copied at once: {@link Lua#toBuffer} would allocate a direct buffer with a cleaner per call),
 * out either as they are (ASCII without NUL, which JNI passes unchanged) or hex-encoded for the Lua half to
 * decode.
 */
final class LuaBytes {

    private LuaBytes() {
    }

    /** The bytes of the string (or number, as Lua converts it) at {@code index}. */
    static byte[] bytes(Lua lua, int index) {
        ByteBuffer buf = lua.toDirectBuffer(index);
        byte[] bytes = new byte[buf.remaining()];
        buf.get(bytes);
        return bytes;
    }

    /** The string at {@code index} as text (invalid UTF-8 replaced: for names, never for data). */
    static String text(Lua lua, int index) {
        return new String(bytes(lua, index), StandardCharsets.UTF_8);
    }

    /** The string at {@code index} byte for byte as a Java string (one char per byte), e.g. for map keys. */
    static String latin1(Lua lua, int index) {
        return new String(bytes(lua, index), StandardCharsets.ISO_8859_1);
    }

    /** Pushes {@code bytes} as is when JNI carries them unchanged, else as hex; returns true for hex. */
    static boolean push(Lua lua, byte[] bytes) {
        for (byte b : bytes) {
            if (b <= 0) {
                lua.push(hex(bytes));
                return true;
            }
        }
        lua.push(new String(bytes, StandardCharsets.ISO_8859_1));
        return false;
    }

    static boolean pushLatin1(Lua lua, String s) {
        return push(lua, s.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** How many bytes {@code s} is once pushed: JNI's modified UTF-8 (U+0000 in two bytes, no 4-byte forms). */
    static int jniLength(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            n += c != 0 && c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
        }
        return n;
    }

    static String hex(byte[] bytes) {
        char[] out = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = Character.forDigit((bytes[i] >> 4) & 0xf, 16);
            out[2 * i + 1] = Character.forDigit(bytes[i] & 0xf, 16);
        }
        return new String(out);
    }
}

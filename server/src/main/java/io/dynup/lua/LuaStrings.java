package io.dynup.lua;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import party.iroiro.luajava.Lua;

/** Pushing bytes as a Lua string: luajava pushes Java strings as UTF-8, which would change binary data. */
final class LuaStrings {

    private LuaStrings() {
    }

    /** Pushes {@code bytes} unchanged as a Lua string onto {@code l}'s stack. */
    static void push(Lua l, byte[] bytes) {
        boolean ascii = true;
        for (byte b : bytes) {
            if (b <= 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            l.push(new String(bytes, StandardCharsets.US_ASCII));
            return;
        }
        // a chunk returning the string with every byte above ASCII or a control byte as a decimal escape
        ByteBuffer src = ByteBuffer.allocateDirect(bytes.length * 4 + 10);
        src.put("return \"".getBytes(StandardCharsets.US_ASCII));
        for (byte b : bytes) {
            int v = b & 0xff;
            if (v < 0x20 || v >= 0x7f || v == '"' || v == '\\') {
                src.put((byte) '\\');
                src.put((byte) ('0' + v / 100)).put((byte) ('0' + v / 10 % 10)).put((byte) ('0' + v % 10));
            } else {
                src.put(b);
            }
        }
        src.put((byte) '"').flip();
        try {
            l.load(src, "=bytes");
            l.pCall(0, 1);
        } catch (party.iroiro.luajava.LuaException e) {
            throw new IllegalStateException("cannot push bytes as a Lua string", e);
        }
    }
}

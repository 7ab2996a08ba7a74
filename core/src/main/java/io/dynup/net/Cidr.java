package io.dynup.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * An IPv4 or IPv6 address block, parsed as nginx's {@code ngx_ptocidr} parses it: {@code 10.0.0.0/8},
 * {@code 2001:db8::/32}, or a bare address meaning that address alone. Host bits set below the mask are
 * cleared, as nginx clears them (it warns "low address bits of X are meaningless"; {@link #hadLowBits} says so).
 *
 * <p>An IPv4-mapped IPv6 address ({@code ::ffff:10.0.0.1}) matches IPv4 blocks, as nginx's access modules
 * treat it: a dual-stack listener sees IPv4 clients that way.
 */
public final class Cidr {

    private final byte[] network;
    private final byte[] mask;
    private final boolean lowBits;
    private final String text;

    private Cidr(byte[] network, byte[] mask, boolean lowBits, String text) {
        this.network = network;
        this.mask = mask;
        this.lowBits = lowBits;
        this.text = text;
    }

    /**
     * Parses {@code text}; null when it is not an address or block (nginx then says
     * {@code invalid parameter "text"}). Host names are not accepted: nothing here resolves.
     */
    public static @Nullable Cidr parse(String text) {
        Objects.requireNonNull(text, "text");
        int slash = text.indexOf('/');
        String addr = slash < 0 ? text : text.substring(0, slash);
        byte[] bytes = literal(addr);
        if (bytes == null) {
            return null;
        }
        int bits = bytes.length * 8;
        if (slash >= 0) {
            String m = text.substring(slash + 1);
            if (m.isEmpty() || m.length() > 3 || !m.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            bits = Integer.parseInt(m);
            if (bits > bytes.length * 8) {
                return null;
            }
        }
        byte[] mask = new byte[bytes.length];
        for (int i = 0; i < mask.length; i++) {
            int left = Math.max(0, Math.min(8, bits - i * 8));
            mask[i] = (byte) (0xff << (8 - left));
        }
        boolean low = false;
        for (int i = 0; i < bytes.length; i++) {
            byte masked = (byte) (bytes[i] & mask[i]);
            low |= masked != bytes[i];
            bytes[i] = masked;
        }
        return new Cidr(bytes, mask, low, text);
    }

    /** Whether {@code address} lies in this block. */
    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length == 16 && network.length == 4 && isV4Mapped(a)) {
            a = Arrays.copyOfRange(a, 12, 16);
        }
        if (a.length != network.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if ((a[i] & mask[i]) != network[i]) {
                return false;
            }
        }
        return true;
    }

    /** The text had bits set below the mask (they were cleared). */
    public boolean hadLowBits() {
        return lowBits;
    }

    /** An address literal's bytes, or null; never a DNS lookup. */
    private static byte @Nullable [] literal(String s) {
        if (s.isEmpty()) {
            return null;
        }
        if (s.indexOf(':') >= 0) {
            // nginx's ngx_inet6_addr takes neither brackets nor a zone id ("fe80::1%eth0")
            if (s.indexOf('[') >= 0 || s.indexOf('%') >= 0) {
                return null;
            }
            try {
                InetAddress a = InetAddress.getByName("[" + s + "]");
                return a instanceof Inet6Address || a instanceof Inet4Address ? sixteen(a) : null;
            } catch (UnknownHostException | IllegalArgumentException e) {
                return null;
            }
        }
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                return null;
            }
            b[i] = (byte) v;
        }
        return b;
    }

    /** {@code InetAddress} turns {@code ::ffff:a.b.c.d} into an IPv4 address; an IPv6 rule keeps 16 bytes. */
    private static byte[] sixteen(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length == 16) {
            return b;
        }
        byte[] out = new byte[16];
        out[10] = (byte) 0xff;
        out[11] = (byte) 0xff;
        System.arraycopy(b, 0, out, 12, 4);
        return out;
    }

    private static boolean isV4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
    }

    @Override
    public String toString() {
        return text;
    }
}

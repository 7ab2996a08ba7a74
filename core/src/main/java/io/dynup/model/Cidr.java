package io.dynup.model;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

import org.jspecify.annotations.Nullable;

/**
 * An address block as nginx's {@code ngx_ptocidr} reads it: {@code 10.0.0.0/8}, {@code 2001:db8::/32}, or a
 * single address ({@code 192.168.1.1}, {@code ::1}) as a full-length block. Host bits set below the prefix are
 * cleared, and {@link #lowBitsSet()} tells, for nginx's warning {@code low address bits of 10.0.0.1/8 are
 * meaningless}. Only literals are read: no name is ever resolved. Immutable.
 */
public final class Cidr {

    private final byte[] network;
    private final int prefix;
    private final boolean lowBitsSet;

    private Cidr(byte[] network, int prefix, boolean lowBitsSet) {
        this.network = network;
        this.prefix = prefix;
        this.lowBitsSet = lowBitsSet;
    }

    /** {@code text} as a block, or null when nginx would refuse it ({@code invalid parameter "text"}). */
    public static @Nullable Cidr parse(String text) {
        int slash = text.indexOf('/');
        String addr = slash < 0 ? text : text.substring(0, slash);
        byte[] bytes = addr.indexOf(':') >= 0 ? ipv6(addr) : ipv4(addr);
        if (bytes == null) {
            return null;
        }
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            prefix = digits(text.substring(slash + 1));
            if (prefix < 0 || prefix > bits) {
                return null;
            }
        }
        byte[] network = bytes.clone();
        for (int i = 0; i < network.length; i++) {
            network[i] &= mask(prefix, i);
        }
        return new Cidr(network, prefix, !Arrays.equals(network, bytes));
    }

    /** Whether {@code address} is in this block; an IPv4 block never holds an IPv6 address, nor the reverse. */
    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length != network.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if ((a[i] & mask(prefix, i)) != (network[i] & 0xff)) {
                return false;
            }
        }
        return true;
    }

    /** Whether the text had host bits set below the prefix (nginx warns, and ignores them). */
    public boolean lowBitsSet() {
        return lowBitsSet;
    }

    public boolean isIpv6() {
        return network.length == 16;
    }

    public int prefix() {
        return prefix;
    }

    /** The mask byte at {@code index} for a prefix of {@code prefix} bits. */
    private static int mask(int prefix, int index) {
        int bits = prefix - index * 8;
        if (bits >= 8) {
            return 0xff;
        }
        return bits <= 0 ? 0 : (0xff << (8 - bits)) & 0xff;
    }

    /** nginx's {@code ngx_atoi}: decimal digits only, -1 for anything else (or nothing). */
    private static int digits(String s) {
        if (s.isEmpty() || s.length() > 4) {
            return -1;
        }
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    /** nginx's {@code ngx_inet_addr}: four decimal octets up to 255 (an empty one counts as 0, as there). */
    private static byte @Nullable [] ipv4(String s) {
        byte[] out = new byte[4];
        int n = 0;
        int octet = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                octet = octet * 10 + (c - '0');
                if (octet > 255) {
                    return null;
                }
            } else if (c == '.' && n < 3) {
                out[n++] = (byte) octet;
                octet = 0;
            } else {
                return null;
            }
        }
        if (n != 3) {
            return null;
        }
        out[3] = (byte) octet;
        return out;
    }

    private static byte @Nullable [] ipv6(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.digit(c, 16) < 0 && c != ':' && c != '.') {
                return null; // brackets, zone ids and names are no literal nginx takes here
            }
        }
        try {
            InetAddress a = InetAddress.getByName(s); // a literal with ':': parsed, never looked up
            if (a instanceof Inet6Address) {
                return a.getAddress();
            }
            // Java turns ::ffff:a.b.c.d into IPv4; nginx keeps it an IPv6 block
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(((Inet4Address) a).getAddress(), 0, mapped, 12, 4);
            return mapped;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}

package io.dynup.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void ipv4BlockMatchesItsAddressesOnly() throws Exception {
        Cidr c = Cidr.parse("10.1.0.0/16");
        assertThat(c.contains(ip("10.1.200.3"))).isTrue();
        assertThat(c.contains(ip("10.2.0.1"))).isFalse();
        assertThat(c.contains(ip("::1"))).isFalse();
        assertThat(c.hadLowBits()).isFalse();
    }

    @Test
    void bareAddressIsThatAddressAlone() throws Exception {
        Cidr c = Cidr.parse("127.0.0.1");
        assertThat(c.contains(ip("127.0.0.1"))).isTrue();
        assertThat(c.contains(ip("127.0.0.2"))).isFalse();
    }

    @Test
    void lowBitsAreClearedAndReported() throws Exception {
        Cidr c = Cidr.parse("192.168.1.77/24");
        assertThat(c.hadLowBits()).isTrue();
        assertThat(c.contains(ip("192.168.1.1"))).isTrue();
    }

    @Test
    void zeroMaskMatchesEveryAddressOfItsFamily() throws Exception {
        assertThat(Cidr.parse("0.0.0.0/0").contains(ip("8.8.8.8"))).isTrue();
        assertThat(Cidr.parse("::/0").contains(ip("2001:db8::1"))).isTrue();
        assertThat(Cidr.parse("::/0").contains(ip("8.8.8.8"))).isFalse();
    }

    @Test
    void ipv6Blocks() throws Exception {
        Cidr c = Cidr.parse("2001:db8::/32");
        assertThat(c.contains(ip("2001:db8:ffff::1"))).isTrue();
        assertThat(c.contains(ip("2001:db9::1"))).isFalse();
    }

    @Test
    void v4MappedClientsMatchIpv4Blocks() throws Exception {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = 10;
        mapped[15] = 5;
        InetAddress a = java.net.Inet6Address.getByAddress(null, mapped, -1);
        assertThat(Cidr.parse("10.0.0.0/8").contains(a)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "10.0.0", "10.0.0.256", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/x", "::/129",
                            "example.com", "1.2.3.4/8/8", "-1.0.0.0"})
    void invalidTextsAreRefused(String text) {
        assertThat(Cidr.parse(text)).isNull();
    }
}

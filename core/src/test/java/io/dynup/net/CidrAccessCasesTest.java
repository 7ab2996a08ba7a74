package io.dynup.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Address blocks as nginx 1.22.1's {@code allow}/{@code deny} read them (texts checked with {@code nginx -t}). */
class CidrAccessCasesTest {

    @ParameterizedTest
    @CsvSource({
        "10.0.0.0/8, 10.255.1.2, true",
        "10.0.0.0/8, 11.0.0.1, false",
        "127.0.0.1, 127.0.0.1, true",
        "127.0.0.1, 127.0.0.2, false",
        "0.0.0.0/0, 8.8.8.8, true",
        "192.168.1.128/25, 192.168.1.200, true",
        "192.168.1.128/25, 192.168.1.127, false",
        "::1, ::1, true",
        "2001:db8::/32, 2001:db8:ffff::1, true",
        "2001:db8::/32, 2001:db9::1, false",
        "::/0, 10.0.0.1, false",
        "10.0.0.0/8, ::1, false",
    })
    void matches(String block, String address, boolean inside) throws UnknownHostException {
        assertThat(Cidr.parse(block).contains(InetAddress.getByName(address))).isEqualTo(inside);
    }

    @ParameterizedTest
    @ValueSource(strings = {"foo", "1.2.3", "1.2.3.4/", "1.2.3.4/33", "1.2.3.256", "1.2.3.4.5", "::1/129",
                            "[::1]", "fe80::1%eth0", "1.2.3.4/x", "localhost", ""})
    void refusesWhatNginxRefuses(String text) {
        assertThat(Cidr.parse(text)).isNull();
    }

    @ParameterizedTest
    @CsvSource({"10.0.0.1/8, true", "10.0.0.0/8, false", "::1/64, true", "::ffff:1.2.3.4/120, true",
                "1.2.3.4, false"})
    void tellsLowBitsForNginxsWarning(String text, boolean low) {
        assertThat(Cidr.parse(text).hadLowBits()).isEqualTo(low);
    }
}

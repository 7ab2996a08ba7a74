package io.dynup.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Value parsing with the rules of nginx's ngx_parse.c and ngx_atoi. */
class ConfigValuesTest {

    @ParameterizedTest
    @CsvSource({
        "0, 0",
        "30, 30000",
        "30s, 30000",
        "500ms, 500",
        "1m, 60000",
        "1h30m, 5400000",
        "'1h 30m', 5400000",
        "'1s ', 1000",
        "1d, 86400000",
        "2w, 1209600000",
        "1h30m15s500ms, 5415500",
        // A trailing bare number is seconds, after units too.
        "1m30, 90000",
        "'1h 30', 3630000",
        // nginx quirk kept: one space stands for an "s" unit.
        "'1 2', 3000",
    })
    void parsesTimesInMilliseconds(String value, long millis) {
        assertThat(ConfigValues.parseTime(value)).contains(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "ms", "h", " ", "1x", "-1", "1.5s", "1s1s", "30m1h", "1ms1s", "1 2 3", "1 s",
        // Months and years are for second-resolution values only.
        "1y", "1M",
        "9223372036854775807", "9223372036854775808s", "9223372036854775807ms1ms",
    })
    void rejectsInvalidTimes(String value) {
        assertThat(ConfigValues.parseTime(value)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        "0, 0",
        "75, 75",
        "75s, 75",
        "1m, 60",
        "1h30m, 5400",
        "1M, 2592000",
        "1y, 31536000",
        "1y2M3w4d5h6m7s, 38898367",
        "9223372036854775807, 9223372036854775807",
    })
    void parsesTimesInSeconds(String value, long seconds) {
        assertThat(ConfigValues.parseSeconds(value)).contains(Duration.ofSeconds(seconds));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "500ms", "1s500ms", "1M1y", "1h1d", "s", "9223372036854775808", "292471208678y"})
    void rejectsInvalidSeconds(String value) {
        assertThat(ConfigValues.parseSeconds(value)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        "0, 0",
        "100, 100",
        "512k, 524288",
        "512K, 524288",
        "1m, 1048576",
        "10M, 10485760",
        "9223372036854775807, 9223372036854775807",
        "9007199254740991k, 9223372036854774784",
    })
    void parsesSizes(String value, long bytes) {
        assertThat(ConfigValues.parseSize(value)).hasValue(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "k", "m", "1g", "1G", "1.5m", "-1", "+1", " 1", "1 k", "1kb", "9223372036854775808",
        "9007199254740992k"})
    void rejectsInvalidSizes(String value) {
        assertThat(ConfigValues.parseSize(value)).isEmpty();
    }

    @Test
    void offsetsAlsoTakeGigabytes() {
        assertThat(ConfigValues.parseOffset("1g")).hasValue(1L << 30);
        assertThat(ConfigValues.parseOffset("2G")).hasValue(2L << 30);
        assertThat(ConfigValues.parseOffset("3m")).hasValue(3L << 20);
        assertThat(ConfigValues.parseOffset("8589934591G")).hasValue(8589934591L << 30);
        assertThat(ConfigValues.parseOffset("8589934592G")).isEmpty();
        assertThat(ConfigValues.parseOffset("1t")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "7, 7", "0100, 100", "2147483647, 2147483647"})
    void parsesNonNegativeInts(String value, int expected) {
        assertThat(ConfigValues.parseInt(value)).hasValue(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "-1", "+1", " 1", "1 ", "1a", "0x10", "2147483648", "99999999999999999999"})
    void rejectsInvalidInts(String value) {
        assertThat(ConfigValues.parseInt(value)).isEmpty();
    }

    @Test
    void flagsAreOnOrOffInAnyCase() {
        assertThat(ConfigValues.parseFlag("on")).contains(true);
        assertThat(ConfigValues.parseFlag("OFF")).contains(false);
        assertThat(ConfigValues.parseFlag("On")).contains(true);
        assertThat(ConfigValues.parseFlag("yes")).isEmpty();
        assertThat(ConfigValues.parseFlag("")).isEmpty();
    }
}

package io.dynup.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Parses directive argument values with nginx's semantics ({@code ngx_parse.c}, {@code ngx_atoi}). Pure functions:
 * an invalid value gives an empty result, and the caller words the error as the directive's nginx handler does
 * (usually {@code invalid value "x" in "name" directive} or {@code "name" directive invalid value}).
 */
public final class ConfigValues {

    private static final long SECOND = 1;
    private static final long MINUTE = 60 * SECOND;
    private static final long HOUR = 60 * MINUTE;
    private static final long DAY = 24 * HOUR;
    private static final long WEEK = 7 * DAY;
    private static final long MONTH = 30 * DAY;
    private static final long YEAR = 365 * DAY;

    private ConfigValues() {
    }

    /**
     * A time with millisecond resolution, as nginx's {@code ngx_parse_time(value, 0)} (e.g. {@code proxy_timeout}):
     * units {@code ms s m h d w}, combinable from largest to smallest ({@code 1h30m}, {@code 1m 30s}); a bare number
     * is seconds. As in nginx, {@code M} (month) and {@code y} (year) are not accepted here.
     *
     * @return the duration, or empty if {@code value} is not a valid time
     */
    public static Optional<Duration> parseTime(String value) {
        OptionalLong ms = parseTime(value, false);
        return ms.isPresent() ? Optional.of(Duration.ofMillis(ms.getAsLong())) : Optional.empty();
    }

    /**
     * A time in whole seconds, as nginx's {@code ngx_parse_time(value, 1)} (e.g. {@code keepalive_timeout}'s second
     * argument, {@code ngx_conf_set_sec_slot}): units {@code y M w d h m s}, combinable from largest to smallest; a
     * bare number is seconds; {@code ms} is invalid.
     *
     * @return the duration, or empty if {@code value} is not a valid time in seconds
     */
    public static Optional<Duration> parseSeconds(String value) {
        OptionalLong s = parseTime(value, true);
        return s.isPresent() ? Optional.of(Duration.ofSeconds(s.getAsLong())) : Optional.empty();
    }

    /**
     * A size in bytes, as nginx's {@code ngx_parse_size} (e.g. {@code zone}'s size): digits with an optional
     * {@code k}/{@code K} (KiB) or {@code m}/{@code M} (MiB) suffix.
     *
     * @return the size, or empty if invalid or too large
     */
    public static OptionalLong parseSize(String value) {
        return parseScaled(value, false);
    }

    /**
     * A size in bytes as nginx's {@code ngx_parse_offset} (e.g. {@code client_max_body_size}): like
     * {@link #parseSize} but also {@code g}/{@code G} (GiB).
     *
     * @return the size, or empty if invalid or too large
     */
    public static OptionalLong parseOffset(String value) {
        return parseScaled(value, true);
    }

    /**
     * A non-negative integer as nginx's {@code ngx_atoi}: one or more ASCII digits, nothing else (no sign, no
     * spaces).
     *
     * @return the number, or empty if invalid or above {@link Integer#MAX_VALUE}
     */
    public static OptionalInt parseInt(String value) {
        OptionalLong n = parseDigits(value, value.length(), Integer.MAX_VALUE);
        return n.isPresent() ? OptionalInt.of((int) n.getAsLong()) : OptionalInt.empty();
    }

    /**
     * An on/off flag as nginx's {@code ngx_conf_set_flag_slot}: {@code on} or {@code off}, any letter case.
     *
     * @return the flag, or empty for anything else (nginx: {@code invalid value "x" in "name" directive, it must be
     *     "on" or "off"})
     */
    public static Optional<Boolean> parseFlag(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "on" -> Optional.of(Boolean.TRUE);
            case "off" -> Optional.of(Boolean.FALSE);
            default -> Optional.empty();
        };
    }

    private static OptionalLong parseScaled(String value, boolean allowGiga) {
        int len = value.length();
        if (len == 0) {
            return OptionalLong.empty();
        }
        long scale = switch (value.charAt(len - 1)) {
            case 'k', 'K' -> 1024L;
            case 'm', 'M' -> 1024L * 1024;
            case 'g', 'G' -> allowGiga ? 1024L * 1024 * 1024 : 1;
            default -> 1;
        };
        if (scale != 1) {
            len--;
        }
        OptionalLong n = parseDigits(value, len, Long.MAX_VALUE / scale);
        return n.isPresent() ? OptionalLong.of(n.getAsLong() * scale) : OptionalLong.empty();
    }

    /** The first {@code len} chars as a decimal number of at least one digit, at most {@code max}. */
    private static OptionalLong parseDigits(String value, int len, long max) {
        if (len == 0) {
            return OptionalLong.empty();
        }
        long n = 0;
        for (int i = 0; i < len; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return OptionalLong.empty();
            }
            int d = c - '0';
            if (n > (max - d) / 10) {
                return OptionalLong.empty();
            }
            n = n * 10 + d;
        }
        return OptionalLong.of(n);
    }

    /** The units of ngx_parse_time, largest first: each may appear once, in this order. */
    private enum Step { START, YEAR, MONTH, WEEK, DAY, HOUR, MIN, SEC, MSEC, LAST }

    /**
     * ngx_parse_time's rules: digits accumulate; each unit letter closes a number and must come after the units
     * already seen; a space acts as an implicit seconds unit once; a trailing bare number is seconds.
     *
     * @return milliseconds ({@code inSeconds == false}) or seconds, or empty if invalid or overflowing
     */
    private static OptionalLong parseTime(String value, boolean inSeconds) {
        boolean valid = false;
        long number = 0;
        long total = 0;
        // Without second resolution nginx starts after MONTH, which is what rules out "y" and "M" there.
        Step step = inSeconds ? Step.START : Step.MONTH;
        int i = 0;
        int len = value.length();

        while (i < len) {
            char c = value.charAt(i++);
            if (c >= '0' && c <= '9') {
                if (number > (Long.MAX_VALUE - (c - '0')) / 10) {
                    return OptionalLong.empty();
                }
                number = number * 10 + (c - '0');
                valid = true;
                continue;
            }

            Step unit;
            long scale;
            switch (c) {
                case 'y' -> {
                    unit = Step.YEAR;
                    scale = YEAR;
                }
                case 'M' -> {
                    unit = Step.MONTH;
                    scale = MONTH;
                }
                case 'w' -> {
                    unit = Step.WEEK;
                    scale = WEEK;
                }
                case 'd' -> {
                    unit = Step.DAY;
                    scale = DAY;
                }
                case 'h' -> {
                    unit = Step.HOUR;
                    scale = HOUR;
                }
                case 'm' -> {
                    if (i < len && value.charAt(i) == 's') {
                        if (inSeconds) {
                            return OptionalLong.empty();
                        }
                        i++;
                        unit = Step.MSEC;
                        scale = 1;
                    } else {
                        unit = Step.MIN;
                        scale = MINUTE;
                    }
                }
                case 's' -> {
                    unit = Step.SEC;
                    scale = SECOND;
                }
                case ' ' -> {
                    // A space ends a bare number, which then counts as seconds; only one such.
                    if (step.compareTo(Step.SEC) >= 0) {
                        return OptionalLong.empty();
                    }
                    unit = Step.LAST;
                    scale = SECOND;
                }
                default -> {
                    return OptionalLong.empty();
                }
            }
            if (unit != Step.LAST && step.compareTo(unit) >= 0) {
                return OptionalLong.empty();
            }
            step = unit;

            if (unit != Step.MSEC && !inSeconds) {
                scale *= 1000;
            }
            if (number > Long.MAX_VALUE / scale) {
                return OptionalLong.empty();
            }
            long part = number * scale;
            if (total > Long.MAX_VALUE - part) {
                return OptionalLong.empty();
            }
            total += part;
            number = 0;

            while (i < len && value.charAt(i) == ' ') {
                i++;
            }
        }

        if (!valid) {
            return OptionalLong.empty();
        }
        if (!inSeconds) {
            if (number > Long.MAX_VALUE / 1000) {
                return OptionalLong.empty();
            }
            number *= 1000;
        }
        if (total > Long.MAX_VALUE - number) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(total + number);
    }
}

package io.dynup.http;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

import io.netty.util.AsciiString;
import io.netty.util.concurrent.FastThreadLocal;

/** The {@code Date} header value, formatted once per second per event loop (nginx caches it the same way). */
public final class HttpDate {

    private static final DateTimeFormatter RFC_1123 =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private static final FastThreadLocal<HttpDate> CACHE = new FastThreadLocal<>() {
        @Override
        protected HttpDate initialValue() {
            return new HttpDate();
        }
    };

    private long second = Long.MIN_VALUE;
    private AsciiString value = AsciiString.EMPTY_STRING;

    private HttpDate() {
    }

    public static AsciiString now() {
        HttpDate d = CACHE.get();
        long s = System.currentTimeMillis() / 1000;
        if (s != d.second) {
            d.second = s;
            d.value = new AsciiString(RFC_1123.format(ZonedDateTime.now(ZoneOffset.UTC)));
        }
        return d.value;
    }
}

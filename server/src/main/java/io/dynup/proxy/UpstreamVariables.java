package io.dynup.proxy;

import java.util.Arrays;

import org.jspecify.annotations.Nullable;

import io.dynup.http.HttpExchange;
import io.dynup.http.VariableSource;

/**
 * nginx's {@code $upstream_addr}, {@code $upstream_status} and {@code $upstream_response_time} of one proxied
 * request: an entry per try, joined by {@code ", "} ({@code 127.0.0.1:8081, 127.0.0.1:8082}). A try that failed
 * has nginx's 502 or 504; without a live peer the address is the upstream's name. Times are seconds with
 * milliseconds, to the end of the response for the last try. Only the raw facts are kept per request; the
 * strings are built when a variable is read (an access log, Lua), which most requests never need.
 */
final class UpstreamVariables implements VariableSource {

    private String[] addrs = new String[2];
    /** Per try: the status once it ended, else 0. */
    private int[] statuses = new int[2];
    /** Per try: start and end in {@link System#nanoTime()}. */
    private long[] times = new long[4];
    private int tries;

    UpstreamVariables(HttpExchange ex) {
        ex.variableSource(this);
    }

    /** A try of the peer named {@code peer} ({@code ip:port}, as nginx names peers) begins. */
    void tryStarted(String peer) {
        if (tries == addrs.length) {
            addrs = Arrays.copyOf(addrs, tries * 2);
            statuses = Arrays.copyOf(statuses, tries * 2);
            times = Arrays.copyOf(times, tries * 4);
        }
        addrs[tries] = peer;
        statuses[tries] = 0;
        times[2 * tries] = System.nanoTime();
        tries++;
    }

    /** No peer could be chosen: nginx names the upstream and answers 502. */
    void noLivePeer(String upstream) {
        tryStarted(upstream);
        tryEnded(502);
    }

    /** The try got a response head with {@code code}, or failed with nginx's 502/504; once per try. */
    void tryEnded(int code) {
        int last = tries - 1;
        if (last < 0 || statuses[last] != 0) {
            return;
        }
        statuses[last] = code;
        times[2 * last + 1] = System.nanoTime();
    }

    /** The response has been relayed: the last try's time runs to here. */
    void responseEnded() {
        int last = tries - 1;
        if (last >= 0 && statuses[last] != 0) {
            times[2 * last + 1] = System.nanoTime();
        }
    }

    @Override
    public @Nullable String get(String name) {
        if (tries == 0) {
            return null;
        }
        switch (name) {
            case "upstream_addr": {
                StringBuilder b = new StringBuilder();
                for (int i = 0; i < tries; i++) {
                    b.append(i == 0 ? "" : ", ").append(addrs[i]);
                }
                return b.toString();
            }
            case "upstream_status":
            case "upstream_response_time": {
                boolean status = name.equals("upstream_status");
                StringBuilder b = new StringBuilder();
                for (int i = 0; i < tries && statuses[i] != 0; i++) {
                    b.append(i == 0 ? "" : ", ");
                    if (status) {
                        b.append(statuses[i]);
                    } else {
                        b.append(seconds(times[2 * i + 1] - times[2 * i]));
                    }
                }
                return b.length() == 0 ? null : b.toString();
            }
            default:
                return null;
        }
    }

    static String seconds(long nanos) {
        long ms = nanos / 1_000_000;
        return ms / 1000 + "." + (char) ('0' + ms / 100 % 10) + (char) ('0' + ms / 10 % 10) + (char) ('0' + ms % 10);
    }
}

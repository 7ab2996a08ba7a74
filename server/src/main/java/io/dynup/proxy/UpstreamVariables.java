package io.dynup.proxy;

import io.dynup.http.HttpExchange;

/**
 * nginx's {@code $upstream_addr}, {@code $upstream_status} and {@code $upstream_response_time} of one proxied
 * request: an entry per try, joined by {@code ", "} ({@code 127.0.0.1:8081, 127.0.0.1:8082}), set on the
 * exchange as they change. A try that failed has nginx's 502 or 504; without a live peer the address is the
 * upstream's name. Times are seconds with milliseconds, to the end of the response for the last try.
 */
final class UpstreamVariables {

    private final HttpExchange ex;
    private final StringBuilder addr = new StringBuilder();
    private final StringBuilder status = new StringBuilder();
    private final StringBuilder time = new StringBuilder();
    /** Where the last try's time starts in {@link #time}, once its status is in. */
    private int lastTime = -1;
    private long started;
    private boolean open;

    UpstreamVariables(HttpExchange ex) {
        this.ex = ex;
    }

    /** A try of the peer named {@code peer} ({@code ip:port}, as nginx names peers) begins. */
    void tryStarted(String peer) {
        begin(peer);
    }

    /** No peer could be chosen: nginx names the upstream and answers 502. */
    void noLivePeer(String upstream) {
        begin(upstream);
        tryEnded(502);
    }

    private void begin(String address) {
        if (addr.length() > 0) {
            addr.append(", ");
        }
        addr.append(address);
        started = System.nanoTime();
        open = true;
        ex.setVariable("upstream_addr", addr.toString());
    }

    /** The try got a response head with {@code code}, or failed with nginx's 502/504; once per try. */
    void tryEnded(int code) {
        if (!open) {
            return;
        }
        open = false;
        if (status.length() > 0) {
            status.append(", ");
            time.append(", ");
        }
        status.append(code);
        lastTime = time.length();
        time.append(seconds(System.nanoTime() - started));
        ex.setVariable("upstream_status", status.toString());
        ex.setVariable("upstream_response_time", time.toString());
    }

    /** The response has been relayed: the last try's time runs to here. */
    void responseEnded() {
        if (lastTime < 0) {
            return;
        }
        time.setLength(lastTime);
        time.append(seconds(System.nanoTime() - started));
        ex.setVariable("upstream_response_time", time.toString());
    }

    static String seconds(long nanos) {
        long ms = nanos / 1_000_000;
        return ms / 1000 + "." + (char) ('0' + ms / 100 % 10) + (char) ('0' + ms / 10 % 10) + (char) ('0' + ms % 10);
    }
}

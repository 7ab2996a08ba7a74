package io.dynup.balancer;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import io.dynup.testing.Peers;
import io.dynup.testing.Requests;
import io.dynup.upstream.Peer;

/**
 * Requests with a hash key or a client address, played like {@link io.dynup.testing.Requests}: the letters
 * tried, "-" at the end for a 502.
 */
final class Keyed {

    private Keyed() {
    }

    /** One request that succeeds on the first peer picked: its letter, or "-". */
    static char pick(Balancer b, @Nullable String key, byte @Nullable [] client) {
        Attempt a = b.newAttempt(key, client);
        Peer p = b.pick(a);
        if (p == null) {
            return '-';
        }
        b.release(a, false);
        return Peers.letterOf(p);
    }

    /** The letter picked for each key {@code 0 .. n-1} (nginx: {@code hash $arg_k}, {@code /?k=0} ...). */
    static String byKeys(Balancer b, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int k = 0; k < n; k++) {
            sb.append(pick(b, Integer.toString(k), null));
        }
        return sb.toString();
    }

    /** The letter picked for each client address. */
    static String byClients(Balancer b, List<String> clients) {
        StringBuilder sb = new StringBuilder(clients.size());
        for (String c : clients) {
            sb.append(pick(b, null, ip(c)));
        }
        return sb.toString();
    }

    /** One request against peers of which {@code dead} refuse connections, like {@code $upstream_addr}. */
    static String request(Balancer b, @Nullable String key, byte @Nullable [] client, Set<Character> dead) {
        return Requests.request(b, key, client, dead);
    }

    /** The bytes of an address literal (no name lookup happens for literals). */
    static byte[] ip(String literal) {
        try {
            return InetAddress.getByName(literal).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}

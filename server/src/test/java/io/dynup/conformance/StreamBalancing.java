package io.dynup.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.dynup.conformance.BalancingCase.Step;
import io.dynup.server.TestConfigs;
import io.dynup.testing.TcpBackend;

/**
 * Plays a case of {@code conformance/stream_balancing.txt} (the format of core's {@code balancing.txt}; how it
 * reads for streams is in the file's header) through a stream proxy: each live letter is a {@link TcpBackend}
 * that greets a connection with its letter, a dead letter a loopback port nobody listens on. The proxy runs
 * {@code stream { upstream u {...} server { listen; proxy_pass u; } }}; each request is a new connection,
 * whose outcome is the letter it was greeted with, or {@code -} when the proxy closed it without one.
 *
 * <p>The backends of a case ({@link Letters}) outlive one play, so that nginx and dynup are played on the same
 * addresses (a consistent hash places peers by their address).
 */
final class StreamBalancing {

    static final String DATA = "conformance/stream_balancing.txt";

    private static final int TIMEOUT_MS = 5_000;

    /** A stream proxy for one play. */
    @FunctionalInterface
    interface Proxy {
        /**
         * Starts {@code stream} (a whole {@code stream {}} block) with {@code workerProcesses} workers where
         * the proxy has them, and returns once it listens; the play closes what it returns.
         */
        AutoCloseable start(String stream, int workerProcesses) throws Exception;
    }

    private StreamBalancing() {
    }

    /** dynup's stream proxy: one shared state, whatever the case's worker_processes. */
    static AutoCloseable dynup(String stream, int workerProcesses) throws InterruptedException {
        return TestConfigs.start("events {}\n" + stream);
    }

    /** The cases of {@link #DATA}; they must keep to what a stream play can do and see. */
    static List<BalancingCase> cases() {
        List<BalancingCase> cases = CaseFile.load(DATA);
        for (BalancingCase c : cases) {
            for (Step s : c.steps()) {
                if (s.outcomes() == 0) {
                    throw new IllegalArgumentException(c + ": stream cases make requests and hold connections "
                                                       + "only, not \"" + s + "\"");
                }
            }
            if (c.expect() != null && c.expect().stream().anyMatch(o -> o.length() != 1)) {
                throw new IllegalArgumentException(c + ": a stream outcome is one letter or -, not "
                                                   + Outcomes.render(c, c.expect()));
            }
        }
        return cases;
    }

    /** The letters of a case on loopback: a backend per live letter, a refusing port per dead one. */
    static final class Letters implements AutoCloseable {
        private final Map<Character, Integer> ports = new LinkedHashMap<>();
        private final List<TcpBackend> backends = new ArrayList<>();
        private final Set<Integer> taken = new HashSet<>();
        private final BalancingCase c;

        Letters(BalancingCase c) throws IOException {
            this.c = c;
            try {
                for (char l : c.letters()) {
                    if (c.dead().contains(l)) {
                        ports.put(l, NginxSide.freePort(taken));
                    } else {
                        TcpBackend b = TcpBackend.start(String.valueOf(l));
                        backends.add(b);
                        ports.put(l, b.port());
                        taken.add(b.port());
                    }
                }
            } catch (IOException | RuntimeException e) {
                close();
                throw e;
            }
        }

        /** Plays the case's steps through {@code proxy}: one outcome per connection. */
        List<String> play(Proxy proxy) throws Exception {
            int port = NginxSide.freePort(taken);
            try (AutoCloseable running = proxy.start(stream(port), c.workerProcesses())) {
                for (char l : c.dead()) {
                    NginxSide.assertRefused(l, ports.get(l));
                }
                List<String> outcomes = new ArrayList<>();
                List<Socket> held = new ArrayList<>();
                try {
                    for (Step s : c.steps()) {
                        for (int i = 0; i < s.outcomes(); i++) {
                            Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
                            held.add(socket);
                            socket.setSoTimeout(TIMEOUT_MS);
                            String greeting = greeting(socket);
                            outcomes.add(greeting);
                            if (greeting.equals("-")) {
                                held.remove(socket);
                                socket.close();
                            } else if (s instanceof Step.Requests) {
                                held.remove(socket);
                                finish(socket);
                            }
                        }
                    }
                } finally {
                    for (Socket socket : held) {
                        socket.close();
                    }
                }
                return outcomes;
            }
        }

        /** The {@code stream {}} block of a play on {@code port}. */
        private String stream(int port) {
            return "stream {\n"
                   + "    upstream " + NginxSide.UPSTREAM_NAME + " {\n"
                   + c.upstreamWith(l -> "127.0.0.1:" + ports.get(l)).indent(8)
                   + "    }\n"
                   + "    server {\n"
                   // with several workers, reuseport spreads the connections over them
                   + "        listen 127.0.0.1:" + port + (c.workerProcesses() > 1 ? " reuseport" : "") + ";\n"
                   + "        proxy_pass " + NginxSide.UPSTREAM_NAME + ";\n"
                   + "        proxy_connect_timeout 3s;\n"
                   + "    }\n"
                   + "}\n";
        }

        /** Port to letter, to read a configuration or a log. */
        Map<Integer, Character> letters() {
            Map<Integer, Character> out = new LinkedHashMap<>();
            ports.forEach((l, p) -> out.put(p, l));
            return out;
        }

        @Override
        public void close() throws IOException {
            for (TcpBackend b : backends) {
                b.close();
            }
        }
    }

    /** The letter a new connection was greeted with, or {@code -} if the proxy closed it without one. */
    private static String greeting(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        StringBuilder greeting = new StringBuilder();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            greeting.append((char) b);
        }
        String letter = greeting.toString();
        if (letter.isEmpty()) {
            return "-";
        }
        if (!letter.matches("[A-Z]")) {
            throw new IOException("unexpected greeting \"" + letter + "\"");
        }
        return letter;
    }

    /**
     * Ends a connection and returns once the proxy has closed it, and so released its peer (least_conn and
     * max_conns count open connections). The client's FIN goes after the greeting because nginx ends a session
     * at the client's FIN ({@code proxy_half_close} is off).
     */
    private static void finish(Socket s) throws IOException {
        try (s) {
            s.shutdownOutput();
            s.getInputStream().readAllBytes();
        }
    }
}

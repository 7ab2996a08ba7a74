package io.dynup.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;

import io.dynup.conformance.BalancingCase.Step;

/**
 * Plays a case through a real nginx: each live letter is a backend on a loopback port that answers 200 with
 * its letter; a dead letter is a port nobody listens on (connection refused). An nginx proxies to them
 * through the case's upstream block and reports {@code $upstream_addr} in a header, which is turned back
 * into letters.
 *
 * <p>The backends are in-process ({@link HttpServer}) so that {@code kill} and {@code revive} take effect
 * before the next request, with no reload to wait for. Every wait is bounded; nginx and its workers are
 * killed whatever happens.
 */
final class NginxSide {

    static final String UPSTREAM_NAME = "u";
    private static final int TIMEOUT_MS = 5_000;
    private static final long START_TIMEOUT_MS = 10_000;

    private NginxSide() {
    }

    /**
     * What nginx did.
     *
     * @param outcomes one per request, in {@link Outcomes}' notation
     * @param conf     the nginx.conf used, ports and all
     * @param letters  port to letter, to read the conf and the log
     * @param pids     the worker processes that answered
     * @param errorLog nginx's error log (warn level: failures, disabled peers, "no live upstreams")
     */
    record Run(List<String> outcomes, String conf, Map<Integer, Character> letters, Set<String> pids,
               String errorLog) {
    }

    static Run run(String nginxBin, BalancingCase c, Path dir) throws IOException, InterruptedException {
        Map<Character, Integer> ports = new HashMap<>();
        Map<Character, HttpServer> backends = new HashMap<>();
        Set<Integer> taken = new HashSet<>();
        Process nginx = null;
        Path errorLog = dir.resolve("error.log");
        try {
            for (char l : c.letters()) {
                if (c.dead().contains(l)) {
                    ports.put(l, freePort(taken));
                } else {
                    HttpServer s = backend(l, 0);
                    backends.put(l, s);
                    ports.put(l, s.getAddress().getPort());
                    taken.add(s.getAddress().getPort());
                }
            }
            int proxyPort = freePort(taken);
            Map<Integer, Character> letters = new HashMap<>();
            ports.forEach((l, p) -> letters.put(p, l));

            String conf = conf(c, dir, ports, proxyPort);
            Path confFile = Files.writeString(dir.resolve("nginx.conf"), conf);
            nginx = new ProcessBuilder(nginxBin, "-p", dir + "/", "-c", confFile.toString(), "-e",
                                       errorLog.toString(), "-g", "daemon off;")
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("nginx.out").toFile())
                    .start();
            awaitListening(nginx, proxyPort, dir);
            for (char l : c.dead()) {
                assertRefused(l, ports.get(l));
            }

            List<String> outcomes = new ArrayList<>();
            Set<String> pids = new TreeSet<>();
            for (Step s : c.steps()) {
                if (s instanceof Step.Requests r) {
                    for (int i = 0; i < r.count(); i++) {
                        outcomes.add(request(proxyPort, letters, pids, outcomes.size() + 1));
                    }
                } else if (s instanceof Step.Sleep sleep) {
                    Thread.sleep(sleep.duration().toMillis());
                } else if (s instanceof Step.Sync) {
                    long ms = System.currentTimeMillis() % 1000;
                    Thread.sleep(ms < 100 ? 100 - ms : 1100 - ms);
                } else if (s instanceof Step.Kill kill) {
                    for (char l : kill.letters()) {
                        backends.remove(l).stop(0);
                    }
                } else if (s instanceof Step.Revive revive) {
                    for (char l : revive.letters()) {
                        backends.put(l, backend(l, ports.get(l)));
                    }
                } else {
                    throw new IllegalArgumentException(c + ": \"" + s + "\" is a stream step");
                }
            }
            return new Run(outcomes, conf, letters, pids, read(errorLog));
        } finally {
            if (nginx != null) {
                stop(nginx);
            }
            for (HttpServer s : backends.values()) {
                s.stop(0);
            }
        }
    }

    /** The proxy's configuration: the case's upstream with letters replaced by ports, all paths under dir. */
    static String conf(BalancingCase c, Path dir, Map<Character, Integer> ports, int proxyPort) {
        String d = dir.toAbsolutePath().toString();
        return "# conformance case: " + c + "\n"
               + "worker_processes " + c.workerProcesses() + ";\n"
               + "pid " + d + "/nginx.pid;\n"
               + "error_log " + d + "/error.log warn;\n"
               + "events {\n    worker_connections 64;\n}\n"
               + "http {\n"
               + "    access_log " + d + "/access.log;\n"
               + "    client_body_temp_path " + d + "/client_body_temp;\n"
               + "    proxy_temp_path " + d + "/proxy_temp;\n"
               + "    fastcgi_temp_path " + d + "/fastcgi_temp;\n"
               + "    uwsgi_temp_path " + d + "/uwsgi_temp;\n"
               + "    scgi_temp_path " + d + "/scgi_temp;\n"
               + "    upstream " + UPSTREAM_NAME + " {\n"
               + c.upstreamWith(l -> "127.0.0.1:" + ports.get(l)).indent(8)
               + "    }\n"
               + "    server {\n"
               // with several workers, reuseport spreads the connections over them
               + "        listen 127.0.0.1:" + proxyPort + (c.workerProcesses() > 1 ? " reuseport" : "") + ";\n"
               + "        location / {\n"
               + "            proxy_pass http://" + UPSTREAM_NAME + ";\n"
               + "            proxy_next_upstream error timeout;\n"
               + "            proxy_connect_timeout 3s;\n"
               + "            proxy_read_timeout 5s;\n"
               + "            add_header X-Up $upstream_addr always;\n"
               + "            add_header X-Pid $pid always;\n"
               + "        }\n"
               + "    }\n"
               + "}\n";
    }

    /**
     * One request on a new connection; its outcome from {@code $upstream_addr}: "127.0.0.1:P1, 127.0.0.1:P2"
     * means P1 failed and P2 answered; the upstream's own name stands for "no live upstreams".
     */
    private static String request(int port, Map<Integer, Character> letters, Set<String> pids, int n)
            throws IOException {
        Response r = get(port);
        String up = r.headers.get("x-up");
        String pid = r.headers.get("x-pid");
        if (pid != null) {
            pids.add(pid);
        }
        if (up == null) {
            throw new IllegalStateException("request " + n + ": no X-Up header in\n" + r.raw);
        }
        StringBuilder sb = new StringBuilder();
        for (String addr : up.split("\\s*,\\s*|\\s+:\\s+")) {
            if (addr.equals(UPSTREAM_NAME)) {
                continue;
            }
            int colon = addr.lastIndexOf(':');
            Character l = colon < 0 ? null : letters.get(Integer.parseInt(addr.substring(colon + 1)));
            if (l == null || !addr.startsWith("127.0.0.1:")) {
                throw new IllegalStateException("request " + n + ": unknown upstream address \"" + addr
                                                + "\" in X-Up: " + up);
            }
            sb.append(l);
        }
        if (r.status == 502) {
            return sb.append('-').toString();
        }
        if (r.status != 200 || sb.length() == 0 || !r.body.equals(sb.substring(sb.length() - 1))) {
            throw new IllegalStateException("request " + n + ": unexpected answer (tried " + sb + ")\n" + r.raw);
        }
        return sb.toString();
    }

    private record Response(int status, Map<String, String> headers, String body, String raw) {
    }

    private static Response get(int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TIMEOUT_MS);
            s.setSoTimeout(TIMEOUT_MS);
            OutputStream out = s.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: conformance\r\nConnection: close\r\n\r\n"
                              .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String raw = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            int end = raw.indexOf("\r\n\r\n");
            if (end < 0 || !raw.startsWith("HTTP/1.1 ")) {
                throw new IOException("not an HTTP response: " + raw);
            }
            String[] lines = raw.substring(0, end).split("\r\n");
            int status = Integer.parseInt(lines[0].substring(9, 12));
            Map<String, String> headers = new HashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
                            lines[i].substring(colon + 1).strip());
            }
            return new Response(status, headers, raw.substring(end + 4), raw);
        }
    }

    /** A backend for {@code letter}: answers every request with 200 and the letter. */
    private static HttpServer backend(char letter, int port) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        byte[] body = String.valueOf(letter).getBytes(StandardCharsets.US_ASCII);
        s.createContext("/", ex -> {
            try (ex) {
                ex.getRequestBody().readAllBytes();
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            }
        });
        s.start();
        return s;
    }

    /** A loopback port nobody listens on: bound, read and closed, so connecting to it is refused. */
    static int freePort(Set<Integer> taken) throws IOException {
        for (int i = 0; i < 100; i++) {
            int port;
            try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = ss.getLocalPort();
            }
            if (taken.add(port)) {
                return port;
            }
        }
        throw new IOException("no free port");
    }

    private static void awaitListening(Process nginx, int port, Path dir) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
        while (System.nanoTime() < deadline) {
            if (!nginx.isAlive()) {
                throw new IllegalStateException("nginx exited with " + nginx.exitValue() + ":\n"
                                                + read(dir.resolve("nginx.out")) + read(dir.resolve("error.log")));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return;
            } catch (IOException e) {
                Thread.sleep(20);
            }
        }
        throw new IllegalStateException("nginx did not listen on " + port + " within " + START_TIMEOUT_MS + " ms:\n"
                                        + read(dir.resolve("error.log")));
    }

    /** A dead letter's port must refuse connections; another program may have taken it since we freed it. */
    static void assertRefused(char letter, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), TIMEOUT_MS);
        } catch (IOException refused) {
            return;
        }
        throw new IllegalStateException("port " + port + " of dead " + letter + " accepts connections: taken by "
                                        + "another program since it was freed; run the case again");
    }

    /** SIGTERM (nginx's fast shutdown), then SIGKILL for the master and any worker still alive. */
    static void stop(Process nginx) throws InterruptedException {
        List<ProcessHandle> workers = nginx.descendants().toList();
        nginx.destroy();
        if (!nginx.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
            nginx.destroyForcibly();
            nginx.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
        for (ProcessHandle w : workers) {
            if (w.isAlive()) {
                w.destroyForcibly();
            }
        }
    }

    static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.ISO_8859_1) : "";
        } catch (IOException e) {
            return "(" + p + ": " + e + ")";
        }
    }
}

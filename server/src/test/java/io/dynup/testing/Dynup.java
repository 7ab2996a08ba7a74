package io.dynup.testing;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;

import io.dynup.server.DynupServer;
import io.dynup.server.TestConfigs;
import io.dynup.upstream.UpstreamService;

/**
 * A dynup serving {@code http { body }} on loopback. The body names its listening ports {@code $PORT} and
 * {@code $PORT2}; they are replaced by free ports (nginx refuses port 0), with a retry if another process took
 * one between the check and the bind.
 */
public final class Dynup implements AutoCloseable {

    private final DynupServer server;
    private final int port;
    private final int port2;

    private Dynup(DynupServer server, int port, int port2) {
        this.server = server;
        this.port = port;
        this.port2 = port2;
    }

    public static Dynup start(String httpBody) throws Exception {
        return startConf(null, httpBody);
    }

    /** With main-context directives (e.g. {@code worker_processes 2;}) before {@code http}. */
    public static Dynup startConf(String main, String httpBody) throws Exception {
        for (int attempt = 0; ; attempt++) {
            int p1 = freePort();
            int p2 = freePort();
            String conf = (main == null ? "" : main + "\n") + "events {}\nhttp {\n"
                          + httpBody.replace("$PORT2", Integer.toString(p2)).replace("$PORT", Integer.toString(p1))
                          + "\n}\n";
            try {
                return new Dynup(TestConfigs.start(conf), p1, p2);
            } catch (Exception e) {
                boolean bind = e instanceof BindException || e.getCause() instanceof BindException;
                if (!bind || attempt == 4) {
                    throw e;
                }
            }
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    public int port() {
        return port;
    }

    public int port2() {
        return port2;
    }

    public DynupServer server() {
        return server;
    }

    public UpstreamService upstreams() {
        return server.upstreams();
    }

    @Override
    public void close() {
        server.close();
    }
}

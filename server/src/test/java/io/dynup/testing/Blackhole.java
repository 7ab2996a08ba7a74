package io.dynup.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback address where connecting hangs: a listening socket that never accepts and whose accept queue is
 * already full, so Linux drops further SYNs and a connect times out, as it would to a host that is gone. (Routes
 * to the usual non-routable addresses cannot be relied on inside a sandbox.)
 */
public final class Blackhole implements AutoCloseable {

    private final ServerSocket server;
    private final List<Socket> fillers = new ArrayList<>();

    private Blackhole() throws IOException {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        // a backlog of 1 holds two completed connections; fill it
        for (int i = 0; i < 2; i++) {
            Socket s = new Socket();
            s.connect(server.getLocalSocketAddress(), 2000);
            fillers.add(s);
        }
        Socket probe = new Socket();
        try {
            probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()), 300);
            fillers.add(probe);
            throw new IllegalStateException("the accept queue did not fill: connects still succeed");
        } catch (java.net.SocketTimeoutException expected) {
            probe.close();
        }
    }

    public static Blackhole start() throws IOException {
        return new Blackhole();
    }

    public String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        for (Socket s : fillers) {
            s.close();
        }
        server.close();
    }
}

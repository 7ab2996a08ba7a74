package io.dynup.lua;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The clients of {@link LuaHttpLeakTest#tenThousandSleepingRequestsCostNoThreads}, in a process of their own:
 * the test JVM's descriptor limit (often 20 000) holds the server's side of 10 000 connections, not both sides.
 * Opens N connections to 127.0.0.1:PORT, sends {@code GET PATH} on each, reads every answer to its end (the
 * server closes), and prints how many bodies ended with {@code woke}.
 */
public final class SleepClients {

    private SleepClients() {
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        int n = Integer.parseInt(args[1]);
        byte[] request = ("GET " + args[2] + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        List<SocketChannel> channels = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            SocketChannel c = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
            c.write(ByteBuffer.wrap(request));
            channels.add(c);
        }
        int woke = 0;
        ByteBuffer buf = ByteBuffer.allocate(4096);
        for (SocketChannel c : channels) {
            StringBuilder answer = new StringBuilder();
            buf.clear();
            while (c.read(buf) >= 0) {
                buf.flip();
                answer.append(StandardCharsets.US_ASCII.decode(buf));
                buf.clear();
            }
            c.close();
            if (answer.toString().endsWith("\r\n\r\nwoke\n")) {
                woke++;
            }
        }
        System.out.println("woke " + woke);
    }
}

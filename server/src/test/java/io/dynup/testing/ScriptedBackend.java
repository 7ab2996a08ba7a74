package io.dynup.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A loopback backend for protocols other than HTTP/1.1 framing (a Redis-like exchange, a TLS handshake, HTTPS):
 * on each connection, optionally over TLS with the self-signed test certificate in {@code tls/}, what arrived
 * since the last reply is offered to the script after every read; a non-null reply is written, and the
 * connection stays open until the client closes it. What each connection received is kept for asserts.
 */
public final class ScriptedBackend implements AutoCloseable {

    private final ServerSocket server;
    private final UnaryOperator<String> script;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "scripted-backend");
        t.setDaemon(true);
        return t;
    });
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger handshakes = new AtomicInteger();
    private final List<String> received = new CopyOnWriteArrayList<>();
    private volatile boolean closeAfterReply;

    private ScriptedBackend(ServerSocket server, UnaryOperator<String> script) {
        this.server = server;
        this.script = script;
        threads.execute(this::acceptLoop);
    }

    /** Plain TCP; {@code script} maps what arrived since the last reply (ISO-8859-1) to a reply, or null. */
    public static ScriptedBackend plain(UnaryOperator<String> script) throws IOException {
        return new ScriptedBackend(new ServerSocket(0, 128, InetAddress.getLoopbackAddress()), script);
    }

    /** TLS with the test certificate ({@code CN=backend.test}, self-signed): only a client that trusts anything connects. */
    public static ScriptedBackend tls(UnaryOperator<String> script) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(keyManagers(), null, null);
        return new ScriptedBackend(
                ctx.getServerSocketFactory().createServerSocket(0, 128, InetAddress.getLoopbackAddress()), script);
    }

    private static javax.net.ssl.KeyManager[] keyManagers() throws Exception {
        Path dir = Path.of(ScriptedBackend.class.getResource("/tls/cert.pem").toURI()).getParent();
        Certificate cert;
        try (InputStream in = Files.newInputStream(dir.resolve("cert.pem"))) {
            cert = CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        String pem = Files.readString(dir.resolve("key.pem"));
        byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
        PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
        char[] password = "test".toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("backend", key, password, new Certificate[] {cert});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, password);
        return kmf.getKeyManagers();
    }

    /** From now on, closes each connection after its first reply. */
    public ScriptedBackend closeAfterReply() {
        closeAfterReply = true;
        return this;
    }

    /** {@code 127.0.0.1:port}, as an upstream {@code server} names it. */
    public String address() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** TLS handshakes completed. */
    public int handshakes() {
        return handshakes.get();
    }

    /** What each connection received, once it closed, in the order they closed. */
    public List<String> received() {
        return List.copyOf(received);
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                open.add(s);
                threads.execute(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        StringBuilder in = new StringBuilder();
        StringBuilder pending = new StringBuilder();
        try (s) {
            if (s instanceof SSLSocket tls) {
                tls.startHandshake();
                handshakes.incrementAndGet();
            }
            InputStream input = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] buf = new byte[16 * 1024];
            int n;
            while ((n = input.read(buf)) >= 0) {
                String text = new String(buf, 0, n, StandardCharsets.ISO_8859_1);
                in.append(text);
                pending.append(text);
                String reply = script.apply(pending.toString());
                if (reply != null) {
                    pending.setLength(0);
                    out.write(reply.getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    if (closeAfterReply) {
                        break;
                    }
                }
            }
        } catch (IOException e) {
            // a client that gives up (a failed handshake, a reset) ends its connection; nothing to serve
        } finally {
            open.remove(s);
            received.add(in.toString());
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : open) {
            s.close();
        }
        threads.shutdownNow();
    }
}

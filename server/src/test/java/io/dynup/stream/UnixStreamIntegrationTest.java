package io.dynup.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.dynup.server.TestConfigs;
import io.dynup.testing.Closer;
import io.dynup.testing.DataPlaneChecks;
import io.dynup.testing.Dynup;
import io.dynup.testing.LogCapture;
import io.dynup.testing.TcpBackend;
import io.dynup.testing.UnixBackend;

/** The stream proxy to {@code server unix:/path} peers: real unix sockets under a temporary directory. */
@ExtendWith(DataPlaneChecks.class)
class UnixStreamIntegrationTest {

    @TempDir
    Path dir;
    @RegisterExtension
    final Closer closer = new Closer();
    private int port;

    @BeforeEach
    void port() throws Exception {
        port = Dynup.freePort();
    }

    private void start(String servers) throws Exception {
        closer.add(TestConfigs.start("events {}\nstream {\n upstream u {\n" + servers
                                     + "\n }\n server {\n  listen 127.0.0.1:" + port + ";\n  proxy_pass u;\n }\n}\n"));
    }

    @Test
    void bytesComeBackExactlyAndAHalfCloseStillCarriesTheAnswer() throws Exception {
        UnixBackend echo = closer.add(UnixBackend.echo(dir.resolve("echo.sock"), "u"));
        start("server " + echo.address() + ";");
        byte[] payload = new byte[4 << 20];
        new Random(7).nextBytes(payload);
        try (StreamClient c = StreamClient.connect(port)) {
            assertThat(c.readLine()).isEqualTo("u");
            OutputStream out = c.socket().getOutputStream();
            // written while the echo is read, so neither side's buffers fill up
            CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> {
                try {
                    out.write(payload);
                    out.flush();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            InputStream in = c.socket().getInputStream();
            assertThat(in.readNBytes(payload.length)).isEqualTo(payload);
            writing.get(10, TimeUnit.SECONDS);
            c.shutdownOutput();
            assertThat(c.readLine()).isEqualTo("bye u");
            assertThat(c.closedByPeer()).isTrue();
        }
    }

    @Test
    void proxyPassReachesAUnixSocketWithoutAnUpstream() throws Exception {
        UnixBackend echo = closer.add(UnixBackend.echo(dir.resolve("direct.sock"), "direct"));
        closer.add(TestConfigs.start("events {}\nstream {\n server {\n  listen 127.0.0.1:" + port + ";\n  proxy_pass "
                                     + echo.address() + ";\n }\n}\n"));
        try (StreamClient c = StreamClient.connect(port)) {
            assertThat(c.readLine()).isEqualTo("direct");
            assertThat(c.echo("hello")).isEqualTo("hello");
        }
    }

    @Test
    void tcpAndUnixPeersTakeTurns() throws Exception {
        TcpBackend tcp = closer.add(TcpBackend.start("t"));
        UnixBackend unix = closer.add(UnixBackend.echo(dir.resolve("u.sock"), "u"));
        start("server " + tcp.address() + ";\nserver " + unix.address() + ";");
        List<String> greetings = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            try (StreamClient c = StreamClient.connect(port)) {
                greetings.add(c.readLine());
                assertThat(c.echo("x" + i)).isEqualTo("x" + i);
            }
        }
        assertThat(greetings).containsExactly("t", "u", "t", "u");
    }

    @Test
    void aMissingSocketIsLoggedAsNginxDoesAndTheClientClosed() throws Exception {
        Path missing = dir.resolve("gone.sock");
        start("server unix:" + missing + ";");
        try (LogCapture log = LogCapture.of(Relay.class); StreamClient c = StreamClient.connect(port)) {
            assertThat(c.closedByPeer()).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> !log.lines().isEmpty());
            assertThat(log.lines().get(0)).isEqualTo("[error] connect() to unix:" + missing
                    + " failed (2: No such file or directory) while connecting to upstream, client: 127.0.0.1, "
                    + "server: 127.0.0.1:" + port + ", upstream: \"unix:" + missing + "\"");
        }
    }
}

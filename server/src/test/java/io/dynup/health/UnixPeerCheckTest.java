package io.dynup.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.dynup.model.PeerUpdate;
import io.dynup.model.UpstreamKind;
import io.dynup.testing.Closer;
import io.dynup.testing.DataPlaneChecks;
import io.dynup.testing.Dynup;
import io.dynup.testing.RawClient;
import io.dynup.testing.UnixBackend;
import io.dynup.upstream.HealthStatus;
import io.dynup.upstream.Peer;
import io.dynup.upstream.PeerState;

/**
 * Health checks of {@code server unix:/path} peers, with real unix sockets under a temporary directory: tcp and
 * http checks pass while the socket answers, fail once its server is gone (the file removed, or left with
 * nothing listening), and pass again when it is back; a unix peer added at run time is checked. Checks run every
 * 100ms; the tests wait for states.
 */
@ExtendWith(DataPlaneChecks.class)
class UnixPeerCheckTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    @RegisterExtension
    final Closer closer = new Closer();
    private Dynup dynup;

    /** Runs before the closer: the backends that come back are started while dynup runs, yet must outlive it. */
    @AfterEach
    void stop() {
        if (dynup != null) {
            dynup.close();
        }
    }

    private PeerState state(UpstreamKind kind, String upstream, String peer) {
        for (Peer p : dynup.upstreams().getPeers(kind, upstream).get()) {
            if (p.name().equals(peer)) {
                return p.state();
            }
        }
        throw new AssertionError("no peer " + peer);
    }

    @Test
    void aTcpCheckFollowsTheSocketGoingAndComingBack() throws Exception {
        Path sock = dir.resolve("s.sock");
        UnixBackend first = UnixBackend.echo(sock, "s");
        dynup = Dynup.startConf("stream {\n upstream s {\n server unix:" + sock + ";\n"
                                + " check type=tcp interval=100ms timeout=1s;\n }\n}",
                                "server { listen 127.0.0.1:$PORT; return 204; }");
        PeerState s = state(UpstreamKind.STREAM, "s", "unix:" + sock);
        await().atMost(WAIT).until(() -> s.health() == HealthStatus.HEALTHY);

        first.close();
        await().atMost(WAIT).until(() -> s.health() == HealthStatus.UNHEALTHY);

        // a socket file nothing listens on, as a crashed server leaves it: checks go on failing
        ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(sock)).close();
        long fails = s.checkFails();
        await().atMost(WAIT).until(() -> s.checkFails() >= fails + 2);
        assertThat(s.health()).isEqualTo(HealthStatus.UNHEALTHY);
        Files.delete(sock);

        UnixBackend again = closer.add(UnixBackend.echo(sock, "s"));
        await().atMost(WAIT).until(() -> s.health() == HealthStatus.HEALTHY);
        assertThat(again.accepted()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void anHttpCheckKeepsItsConnectionAndFollowsTheSocket() throws Exception {
        Path sock = dir.resolve("app.sock");
        UnixBackend first = UnixBackend.http(sock, "app");
        dynup = Dynup.start("""
                upstream u {
                    server unix:%s;
                    check type=http interval=100ms timeout=1s keepalive=100;
                    check_request_uri GET /health;
                }
                server { listen 127.0.0.1:$PORT; location / { proxy_pass http://u; } }
                """.formatted(sock));
        PeerState s = state(UpstreamKind.HTTP, "u", "unix:" + sock);
        await().atMost(WAIT).until(() -> s.health() == HealthStatus.HEALTHY && first.requests().size() >= 3);
        // one connection served the checks; a socket path is no host name, so the check says localhost as nginx
        assertThat(first.accepted()).isEqualTo(1);
        assertThat(first.requests()).allSatisfy(h -> {
            assertThat(h.startLine()).isEqualTo("GET /health HTTP/1.1");
            assertThat(h.header("Host")).isEqualTo("localhost");
        });
        assertThat(RawClient.get(dynup.port(), "t", "/").text()).isEqualTo("app");

        first.close();
        await().atMost(WAIT).until(() -> s.health() == HealthStatus.UNHEALTHY);
        assertThat(RawClient.get(dynup.port(), "t", "/").status()).isEqualTo(502);

        closer.add(UnixBackend.http(sock, "back"));
        await().atMost(WAIT).until(() -> s.health() == HealthStatus.HEALTHY);
        assertThat(RawClient.get(dynup.port(), "t", "/").text()).isEqualTo("back");
    }

    @Test
    void aUnixPeerAddedAtRunTimeIsChecked() throws Exception {
        UnixBackend late = closer.add(UnixBackend.http(dir.resolve("late.sock"), "late"));
        dynup = Dynup.start("""
                upstream u {
                    zone u 64k;
                    check type=http interval=100ms timeout=1s;
                    check_request_uri GET /health;
                }
                server { listen 127.0.0.1:$PORT; location / { proxy_pass http://u; } }
                """);
        assertThat(dynup.upstreams().addPeer(UpstreamKind.HTTP, "u", late.address(), false, PeerUpdate.NONE).ok())
                .isTrue();
        PeerState s = state(UpstreamKind.HTTP, "u", late.address());
        await().atMost(WAIT).until(() -> s.health() == HealthStatus.HEALTHY);
        assertThat(late.requests()).isNotEmpty();
        assertThat(RawClient.get(dynup.port(), "t", "/").text()).isEqualTo("late");
    }
}

package io.dynup.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.dynup.model.PeerUpdate;
import io.dynup.model.UpstreamKind;
import io.dynup.testing.Backend;
import io.dynup.testing.Closer;
import io.dynup.testing.DataPlaneChecks;
import io.dynup.testing.Dynup;
import io.dynup.testing.RawClient;
import io.dynup.testing.TcpBackend;
import io.dynup.upstream.HealthStatus;
import io.dynup.upstream.Peer;
import io.dynup.upstream.PeerState;

/**
 * Active checks against loopback backends, through the real server: peers leave and rejoin the rotation on
 * their checks, follow run-time changes, and one slow peer holds up nothing else. Checks run every 100ms;
 * the tests wait for states, never for durations.
 */
@ExtendWith(DataPlaneChecks.class)
class HealthCheckIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    final Closer closer = new Closer();
    private Dynup dynup;

    /** Checked on {@code /health}, answering 503 while {@code failing}. */
    private Backend backend(String name, AtomicBoolean failing) throws IOException {
        return closer.add(Backend.checked(name, "/health", 503, failing));
    }

    private static long dataRequests(Backend b) {
        return b.requests().stream().filter(r -> !r.uri().equals("/health")).count();
    }

    private static long healthRequests(Backend b) {
        return b.requests().stream().filter(r -> r.uri().equals("/health")).count();
    }

    private PeerState state(String upstream, String peer) {
        for (Peer p : dynup.upstreams().getPeers(UpstreamKind.HTTP, upstream).get()) {
            if (p.name().equals(peer)) {
                return p.state();
            }
        }
        throw new AssertionError("no peer " + peer);
    }

    private String get() throws IOException {
        RawClient.Response r = RawClient.get(dynup.port(), "front.test", "/");
        assertThat(r.head().startLine()).isEqualTo("HTTP/1.1 200 OK");
        return new String(r.body());
    }

    private void start(String upstreamBody) throws Exception {
        dynup = closer.add(Dynup.start("""
                upstream u {
                    zone u 64k;
                %s
                }
                server {
                    listen 127.0.0.1:$PORT;
                    location / { proxy_pass http://u; }
                }
                """.formatted(upstreamBody)));
    }

    @Test
    void aFailingBackendLeavesAfterFallChecksAndReturnsAfterRise() throws Exception {
        AtomicBoolean failing = new AtomicBoolean();
        Backend b1 = backend("b1", new AtomicBoolean());
        Backend b2 = backend("b2", failing);
        start("""
                server %s;
                server %s;
                check type=http fall=2 rise=3 interval=100ms timeout=1s initial=up;
                check_request_uri GET /health;
                check_response_codes 200;
                check_response_body ^ok$;
                """.formatted(b1.address(), b2.address()));
        PeerState s2 = state("u", b2.address());
        await().atMost(WAIT).until(() -> s2.checks() >= 1);
        assertThat(get() + get()).contains("b1").contains("b2");

        failing.set(true);
        // every GET is answered while b2 fails, before and after its checks take it out
        for (int i = 0; i < 10; i++) {
            get();
        }
        await().atMost(WAIT).until(() -> s2.health() == HealthStatus.UNHEALTHY);
        assertThat(s2.checkFails()).isGreaterThanOrEqualTo(2);
        assertThat(s2.unhealthyTimes()).isEqualTo(1);
        long reached = dataRequests(b2);
        for (int i = 0; i < 10; i++) {
            assertThat(get()).isEqualTo("b1");
        }
        assertThat(dataRequests(b2)).isEqualTo(reached);

        failing.set(false);
        await().atMost(WAIT).until(() -> s2.health() == HealthStatus.HEALTHY);
        assertThat(s2.lastPassed()).isTrue();
        await().atMost(WAIT).until(() -> get().equals("b2"));
    }

    @Test
    void aPeerAddedAtRunTimeIsSelectedOnlyAfterPassingAndStopsBeingCheckedWhenRemoved() throws Exception {
        Backend b1 = backend("b1", new AtomicBoolean());
        AtomicBoolean failing = new AtomicBoolean(true);
        Backend b3 = backend("b3", failing);
        start("""
                server %s;
                check type=http interval=100ms timeout=1s;
                check_request_uri GET /health;
                """.formatted(b1.address()));
        PeerState s1 = state("u", b1.address());
        await().atMost(WAIT).until(() -> s1.health() == HealthStatus.HEALTHY);

        assertThat(dynup.upstreams().addPeer(UpstreamKind.HTTP, "u", b3.address(), false, PeerUpdate.NONE).ok())
                .isTrue();
        PeerState s3 = state("u", b3.address());
        assertThat(s3.health()).isEqualTo(HealthStatus.CHECKING);
        await().atMost(WAIT).until(() -> s3.checks() >= 2);
        assertThat(s3.health()).isEqualTo(HealthStatus.CHECKING);
        for (int i = 0; i < 6; i++) {
            assertThat(get()).isEqualTo("b1");
        }

        failing.set(false);
        await().atMost(WAIT).until(() -> s3.health() == HealthStatus.HEALTHY);
        await().atMost(WAIT).until(() -> get().equals("b3"));
        assertThat(dynup.server().healthChecker().probeCount()).isEqualTo(2);

        assertThat(dynup.upstreams().removePeer(UpstreamKind.HTTP, "u", b3.address()).ok()).isTrue();
        assertThat(dynup.server().healthChecker().probeCount()).isEqualTo(1);
        // a check in flight at the removal may still arrive; after two more rounds of b1 none can
        long settle = s1.checks();
        await().atMost(WAIT).until(() -> s1.checks() >= settle + 2);
        long probed = healthRequests(b3);
        long b1Checks = s1.checks();
        await().atMost(WAIT).until(() -> s1.checks() >= b1Checks + 3);
        assertThat(healthRequests(b3)).isEqualTo(probed);
    }

    @Test
    void aCheckThatTimesOutHoldsUpNoOtherCheck() throws Exception {
        Backend slow = closer.add(Backend.start((req, res) -> res.hangUntilClosed()));
        Backend b1 = backend("b1", new AtomicBoolean());
        start("""
                server %s;
                server %s;
                check type=http interval=100ms timeout=60s initial=up;
                check_request_uri GET /health;
                """.formatted(slow.address(), b1.address()));
        PeerState hanging = state("u", slow.address());
        PeerState s1 = state("u", b1.address());
        await().atMost(WAIT).until(() -> slow.requestCount() >= 1);
        await().atMost(WAIT).until(() -> s1.checks() >= 5);
        assertThat(hanging.checks()).isZero();
    }

    @Test
    void keepaliveSendsThatManyChecksOnAConnection() throws Exception {
        Backend b1 = backend("b1", new AtomicBoolean());
        start("""
                server %s;
                check type=http interval=100ms timeout=1s keepalive=3;
                check_request_uri GET /health;
                """.formatted(b1.address()));
        PeerState s1 = state("u", b1.address());
        await().atMost(WAIT).until(() -> s1.checks() >= 7);
        assertThat(s1.checkFails()).isZero();
        List<Backend.Request> checks = b1.requests();
        assertThat(checks).extracting(Backend.Request::sequence).contains(3).allMatch(n -> n <= 3);
        // the third check on a connection asks the peer to close it
        assertThat(checks).filteredOn(r -> r.sequence() == 3).extracting(r -> r.header("Connection"))
                .containsOnly("close");
        assertThat(checks).filteredOn(r -> r.sequence() < 3).extracting(r -> r.header("Connection"))
                .containsOnlyNulls();
    }

    @Test
    void aReloadKeepsTheHealthOfThePeersItKeeps() throws Exception {
        AtomicBoolean failing = new AtomicBoolean(true);
        Backend b1 = backend("b1", new AtomicBoolean());
        Backend b2 = backend("b2", failing);
        start("""
                server %s;
                server %s;
                check type=http interval=100ms timeout=1s initial=up;
                check_request_uri GET /health;
                """.formatted(b1.address(), b2.address()));
        PeerState s2 = state("u", b2.address());
        await().atMost(WAIT).until(() -> s2.health() == HealthStatus.UNHEALTHY);
        boolean reloaded = dynup.server().reload(() -> io.dynup.server.TestConfigs.parse("""
                events {}
                http {
                    upstream u {
                        zone u 64k;
                        server %s;
                        server %s;
                        check type=http fall=5 interval=100ms timeout=1s initial=up;
                        check_request_uri GET /health;
                    }
                    server {
                        listen 127.0.0.1:%d;
                        location / { proxy_pass http://u; }
                    }
                }
                """.formatted(b1.address(), b2.address(), dynup.port())));
        assertThat(reloaded).isTrue();
        assertThat(state("u", b2.address())).isSameAs(s2);
        assertThat(s2.health()).isEqualTo(HealthStatus.UNHEALTHY);
        assertThat(dynup.server().healthChecker().probeCount()).isEqualTo(2);
        failing.set(false);
        await().atMost(WAIT).until(() -> s2.health() == HealthStatus.HEALTHY);
    }

    @Test
    void aChunkedBodyIsMatchedWithoutItsFraming() throws Exception {
        AtomicBoolean failing = new AtomicBoolean();
        Backend chunked = closer.add(Backend.start((req, res) -> {
            res.closeAfter();
            res.raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nstatu\r\n");
            // the pattern spans the chunk boundary, and a bad chunk fails the check even though it would match
            res.raw(failing.get() ? "A\r\ns: healthyX\r\n0\r\n\r\n" : "A\r\ns: healthy\r\n0\r\n\r\n");
        }));
        start("""
                server %s;
                check type=http interval=100ms timeout=1s;
                check_request_uri GET /health;
                check_response_body "^status: healthy$";
                """.formatted(chunked.address()));
        PeerState s = state("u", chunked.address());
        await().atMost(WAIT).until(() -> s.checks() >= 2);
        assertThat(s.health()).isEqualTo(HealthStatus.HEALTHY);
        assertThat(s.checkFails()).isZero();

        failing.set(true);
        await().atMost(WAIT).until(() -> s.health() == HealthStatus.UNHEALTHY);
    }

    @Test
    void tcpChecksOnAStreamUpstream() throws Exception {
        TcpBackend up = closer.add(TcpBackend.start("up"));
        int closed = Dynup.freePort();
        dynup = closer.add(Dynup.startConf("""
                stream {
                    upstream s {
                        server %s;
                        server 127.0.0.1:%d;
                        check interval=100ms timeout=1s;
                    }
                }
                """.formatted(up.address(), closed), "server { listen 127.0.0.1:$PORT; return 204; }"));
        List<Peer> peers = dynup.upstreams().getPeers(UpstreamKind.STREAM, "s").get();
        PeerState live = peers.get(0).state();
        PeerState dead = peers.get(1).state();
        await().atMost(WAIT).until(() -> live.health() == HealthStatus.HEALTHY && dead.checks() >= 2);
        assertThat(dead.health()).isEqualTo(HealthStatus.CHECKING);
        assertThat(up.accepted()).isGreaterThanOrEqualTo(1);
    }
}

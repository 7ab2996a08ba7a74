package io.dynup.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.dynup.model.UpstreamKind;
import io.dynup.testing.Closer;
import io.dynup.testing.DataPlaneChecks;
import io.dynup.testing.Dynup;
import io.dynup.testing.ScriptedBackend;
import io.dynup.testing.TcpBackend;
import io.dynup.upstream.HealthStatus;
import io.dynup.upstream.Peer;
import io.dynup.upstream.PeerState;

/**
 * {@code check_request_body}/{@code check_response_body} on TCP checks and {@code type=ssl}, against loopback
 * backends through the real server, in stream and http upstreams. Checks run every 100ms; the tests wait for
 * states, never for durations.
 */
@ExtendWith(DataPlaneChecks.class)
class TcpAndTlsCheckTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    /** The module's Redis example, cut down: a transaction whose answer tells a master from a replica. */
    private static final String REDIS_CHECK = """
            check_request_body "multi\\r\\ninfo replication\\r\\nexec\\r\\n";
            check_response_body "(\\+OK).*(\\+QUEUED).*(role:master)";
            """;
    private static final String SENT = "multi\r\ninfo replication\r\nexec\r\n";

    @RegisterExtension
    final Closer closer = new Closer();
    private Dynup dynup;

    /** Answers a complete {@link #SENT} as a Redis master or replica would; the connection stays open after. */
    private static String redis(String received, String role) {
        return received.endsWith("exec\r\n") ? "+OK\r\n+QUEUED\r\n*1\r\n$11\r\nrole:" + role + "\r\n" : null;
    }

    private void startStream(String upstreamBody) throws Exception {
        dynup = closer.add(Dynup.startConf("stream {\n upstream s {\n" + upstreamBody + "\n }\n}",
                                           "server { listen 127.0.0.1:$PORT; return 204; }"));
    }

    private void startHttp(String upstreamBody) throws Exception {
        dynup = closer.add(Dynup.start("upstream u {\n" + upstreamBody + "\n}\n"
                                       + "server { listen 127.0.0.1:$PORT; location / { proxy_pass http://u; } }"));
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
    void aTcpCheckSendsItsRequestAndPassesOnlyWhenTheAnswerMatches() throws Exception {
        ScriptedBackend master = closer.add(ScriptedBackend.plain(r -> redis(r, "master")));
        ScriptedBackend replica = closer.add(ScriptedBackend.plain(r -> redis(r, "slave")));
        startStream("server %s;\nserver %s;\ncheck type=tcp interval=100ms timeout=300ms;\n%s"
                            .formatted(master.address(), replica.address(), REDIS_CHECK));
        PeerState m = state(UpstreamKind.STREAM, "s", master.address());
        PeerState r = state(UpstreamKind.STREAM, "s", replica.address());
        // the replica answers but never matches: each of its checks ends at the timeout
        await().atMost(WAIT).until(() -> m.health() == HealthStatus.HEALTHY && r.checks() >= 2);
        assertThat(r.health()).isEqualTo(HealthStatus.CHECKING);
        assertThat(r.lastPassed()).isFalse();
        // the config's \r\n went out as CR LF, the whole request on every check
        await().atMost(WAIT).until(() -> !master.received().isEmpty());
        assertThat(master.received()).containsOnly(SENT);
    }

    @Test
    void aTcpCheckFailsAsSoonAsThePeerClosesBeforeTheAnswerMatches() throws Exception {
        ScriptedBackend replica = closer.add(ScriptedBackend.plain(r -> redis(r, "slave")).closeAfterReply());
        // a timeout far beyond the wait: only the close can end the check
        startStream("server %s;\ncheck interval=100ms timeout=60s initial=up;\n%s".formatted(replica.address(),
                                                                                            REDIS_CHECK));
        PeerState r = state(UpstreamKind.STREAM, "s", replica.address());
        await().atMost(WAIT).until(() -> r.health() == HealthStatus.UNHEALTHY);
        assertThat(replica.received()).contains(SENT);
    }

    @Test
    void tcpChecksWithARequestWorkInHttpUpstreams() throws Exception {
        ScriptedBackend master = closer.add(ScriptedBackend.plain(r -> redis(r, "master")));
        startHttp("server %s;\ncheck type=tcp interval=100ms timeout=1s;\n%s".formatted(master.address(),
                                                                                         REDIS_CHECK));
        PeerState m = state(UpstreamKind.HTTP, "u", master.address());
        await().atMost(WAIT).until(() -> m.checks() >= 2);
        assertThat(m.health()).isEqualTo(HealthStatus.HEALTHY);
        assertThat(m.checkFails()).isZero();
    }

    @Test
    void anSslCheckNeedsAHandshakeAndTrustsAnyCertificate() throws Exception {
        ScriptedBackend tls = closer.add(ScriptedBackend.tls(r -> null));
        TcpBackend plain = closer.add(TcpBackend.start("plain"));
        startStream("server %s;\nserver %s;\ncheck type=ssl interval=100ms timeout=1s;"
                            .formatted(tls.address(), plain.address()));
        PeerState good = state(UpstreamKind.STREAM, "s", tls.address());
        PeerState bad = state(UpstreamKind.STREAM, "s", plain.address());
        await().atMost(WAIT).until(() -> good.health() == HealthStatus.HEALTHY && bad.checks() >= 2);
        assertThat(bad.health()).isEqualTo(HealthStatus.CHECKING);
        assertThat(bad.lastPassed()).isFalse();
        assertThat(tls.handshakes()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void anSslCheckSendsItsRequestOverTls() throws Exception {
        ScriptedBackend master = closer.add(ScriptedBackend.tls(r -> redis(r, "master")));
        ScriptedBackend replica = closer.add(ScriptedBackend.tls(r -> redis(r, "slave")));
        startStream("server %s;\nserver %s;\ncheck type=ssl interval=100ms timeout=300ms;\n%s"
                            .formatted(master.address(), replica.address(), REDIS_CHECK));
        PeerState m = state(UpstreamKind.STREAM, "s", master.address());
        PeerState r = state(UpstreamKind.STREAM, "s", replica.address());
        await().atMost(WAIT).until(() -> m.health() == HealthStatus.HEALTHY && r.checks() >= 2);
        assertThat(r.health()).isEqualTo(HealthStatus.CHECKING);
        // a check whose handshake outlived its timeout (a loaded machine) closes before sending: nothing received
        await().atMost(WAIT).until(() -> master.received().contains(SENT));
        assertThat(master.received()).allMatch(got -> got.isEmpty() || got.equals(SENT));
    }

    @Test
    void sslWithARequestUriIsAnHttpsCheck() throws Exception {
        ScriptedBackend ok = closer.add(ScriptedBackend.tls(r -> r.endsWith("\r\n\r\n")
                ? "HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nhealthy" : null));
        ScriptedBackend failing = closer.add(ScriptedBackend.tls(r -> r.endsWith("\r\n\r\n")
                ? "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 7\r\n\r\nhealthy" : null));
        startHttp("""
                server %s;
                server %s;
                check type=ssl interval=100ms timeout=1s keepalive=2;
                check_request_uri GET /health;
                check_response_codes 200;
                check_response_body ^healthy$;
                """.formatted(ok.address(), failing.address()));
        PeerState good = state(UpstreamKind.HTTP, "u", ok.address());
        PeerState bad = state(UpstreamKind.HTTP, "u", failing.address());
        await().atMost(WAIT).until(() -> good.checks() >= 4 && bad.checks() >= 2);
        assertThat(good.health()).isEqualTo(HealthStatus.HEALTHY);
        assertThat(good.checkFails()).isZero();
        assertThat(bad.health()).isEqualTo(HealthStatus.CHECKING);
        await().atMost(WAIT).until(() -> !ok.received().isEmpty());
        // keepalive=2: two checks on each TLS connection, the second asking to close
        assertThat(ok.received().get(0)).startsWith("GET /health HTTP/1.1\r\n").contains("Connection: close\r\n");
        assertThat(ok.received().get(0).split("GET /health ", -1)).hasSize(3);
    }
}

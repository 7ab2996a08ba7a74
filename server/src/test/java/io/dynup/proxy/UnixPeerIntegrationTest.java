package io.dynup.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.dynup.model.PeerUpdate;
import io.dynup.model.UpstreamKind;
import io.dynup.testing.Backend;
import io.dynup.testing.Closer;
import io.dynup.testing.DataPlaneChecks;
import io.dynup.testing.Dynup;
import io.dynup.testing.LogCapture;
import io.dynup.testing.RawClient;
import io.dynup.testing.RawClient.Response;
import io.dynup.testing.UnixBackend;

/**
 * {@code server unix:/path} peers through the http proxy, with real unix sockets under a temporary directory: the
 * request and its body reach the peer, keep-alive connections are reused, tcp and unix peers share a round robin,
 * a peer added at run time is reached, and a missing socket fails as nginx reports it.
 */
@ExtendWith(DataPlaneChecks.class)
class UnixPeerIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    @RegisterExtension
    final Closer closer = new Closer();
    private Dynup dynup;

    private void start(String upstreams) throws Exception {
        dynup = closer.add(Dynup.start("""
                log_format up "$upstream_addr $upstream_status";
                %s
                server {
                    listen 127.0.0.1:$PORT;
                    access_log %s up;
                    location / { proxy_pass http://u; proxy_http_version 1.1; proxy_set_header Connection ""; }
                    location /dynamic { dynamic_upstream; }
                    location /api/ { upstream_api; }
                    location /lua {
                        content_by_lua_block {
                            local du = require "ngx.dynamic_upstream"
                            local ok, peers = du.get_peers("u")
                            for _, p in ipairs(peers) do ngx.say(p.name, " ", p.server) end
                        }
                    }
                }
                """.formatted(upstreams, dir.resolve("access.log"))));
    }

    private List<String> awaitLog(int n) {
        Path log = dir.resolve("access.log");
        await().atMost(WAIT).until(() -> Files.exists(log) && Files.readAllLines(log).size() >= n);
        try {
            return Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void getAndPostGoThroughOneKeptUnixConnection() throws Exception {
        UnixBackend app = closer.add(UnixBackend.http(dir.resolve("app.sock"), "app"));
        start("upstream u { server %s; keepalive 4; }".formatted(app.address()));
        try (RawClient c = RawClient.connect(dynup.port())) {
            c.send("GET /a HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(c.read().text()).isEqualTo("app");
            c.send("POST /b HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello");
            assertThat(c.read().text()).isEqualTo("app:hello");
            c.send("POST /c HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
            assertThat(c.read().text()).isEqualTo("app:abc");
        }
        // a second client connection takes the same cached upstream connection
        assertThat(RawClient.get(dynup.port(), "t", "/d").text()).isEqualTo("app");
        assertThat(app.accepted()).isEqualTo(1);
        assertThat(app.requests()).extracting(h -> h.startLine())
                .containsExactly("GET /a HTTP/1.1", "POST /b HTTP/1.1", "POST /c HTTP/1.1", "GET /d HTTP/1.1");
        // $upstream_addr names the peer as nginx does
        assertThat(awaitLog(4)).containsOnly("unix:" + app.path() + " 200");
    }

    @Test
    void tcpAndUnixPeersTakeTurns() throws Exception {
        Backend tcp = closer.add(Backend.text("tcp"));
        UnixBackend unix = closer.add(UnixBackend.http(dir.resolve("u.sock"), "unix"));
        start("upstream u { server %s; server %s; keepalive 4; }".formatted(tcp.address(), unix.address()));
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            bodies.add(RawClient.get(dynup.port(), "t", "/" + i).text());
        }
        assertThat(bodies).containsExactly("tcp", "unix", "tcp", "unix", "tcp", "unix");
        // the pool tells the two peers apart: one cached connection each
        assertThat(tcp.accepted()).isEqualTo(1);
        assertThat(unix.accepted()).isEqualTo(1);
    }

    @Test
    void aMissingSocketFailsOverAndIsLoggedAsNginxDoes() throws Exception {
        Path missing = dir.resolve("gone.sock");
        Backend tcp = closer.add(Backend.text("tcp"));
        start("upstream u { server unix:%s; server %s; }".formatted(missing, tcp.address()));
        try (LogCapture log = LogCapture.of(ProxyRequest.class)) {
            // the unix peer comes first, fails at once, and the request goes on to the tcp one
            assertThat(RawClient.get(dynup.port(), "t", "/x").text()).isEqualTo("tcp");
            assertThat(log.lines()).containsExactly("[error] connect() to unix:" + missing
                    + " failed (2: No such file or directory) while connecting to upstream, client: 127.0.0.1, "
                    + "server: , request: \"GET /x HTTP/1.1\", upstream: \"http://unix:" + missing + ":/x\", "
                    + "host: \"t\"");
        }
        assertThat(awaitLog(1)).containsExactly("unix:" + missing + ", " + tcp.address() + " 502, 200");
    }

    @Test
    void aSocketFileNothingListensOnIsRefused() throws Exception {
        Path stale = dir.resolve("stale.sock");
        // a server that went away without removing its socket file
        ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(stale)).close();
        start("upstream u { server unix:%s; }".formatted(stale));
        try (LogCapture log = LogCapture.of(ProxyRequest.class)) {
            assertThat(RawClient.get(dynup.port(), "t", "/y").status()).isEqualTo(502);
            assertThat(log.lines()).containsExactly("[error] connect() to unix:" + stale
                    + " failed (111: Connection refused) while connecting to upstream, client: 127.0.0.1, "
                    + "server: , request: \"GET /y HTTP/1.1\", upstream: \"http://unix:" + stale + ":/y\", "
                    + "host: \"t\"");
        }
    }

    @Test
    void proxyPassTakesAUnixUrlAsNginxDoes() throws Exception {
        UnixBackend app = closer.add(UnixBackend.http(dir.resolve("direct.sock"), "direct"));
        dynup = closer.add(Dynup.start("""
                server {
                    listen 127.0.0.1:$PORT;
                    location /a/ { proxy_pass http://%1$s:/inner/; }
                    location /b/ { proxy_pass http://%1$s; }
                }
                """.formatted(app.address())));
        assertThat(RawClient.get(dynup.port(), "t", "/a/x?q=1").text()).isEqualTo("direct");
        assertThat(RawClient.get(dynup.port(), "t", "/b/y").text()).isEqualTo("direct");
        // the path ends at the colon, the URI part replaces the location's prefix; the Host is localhost
        assertThat(app.requests()).extracting(h -> h.startLine() + " " + h.header("Host"))
                .containsExactly("GET /inner/x?q=1 HTTP/1.0 localhost", "GET /b/y HTTP/1.0 localhost");
    }

    @Test
    void aUnixPeerAddedAtRunTimeIsReachedAndShownAsConfigured() throws Exception {
        UnixBackend late = closer.add(UnixBackend.http(dir.resolve("late.sock"), "late"));
        start("upstream u { zone u 64k; }");
        assertThat(RawClient.get(dynup.port(), "t", "/").status()).isEqualTo(502);
        assertThat(dynup.upstreams().addPeer(UpstreamKind.HTTP, "u", late.address(), false, PeerUpdate.NONE).ok())
                .isTrue();
        assertThat(RawClient.get(dynup.port(), "t", "/").text()).isEqualTo("late");
        assertThat(RawClient.get(dynup.port(), "t", "/dynamic?upstream=u").text())
                .isEqualTo("server " + late.address() + " addr=" + late.address() + ";\n");
        assertThat(RawClient.get(dynup.port(), "t", "/api/9/http/upstreams/u/servers").text())
                .contains("\"server\":\"" + late.address() + "\"");
        assertThat(RawClient.get(dynup.port(), "t", "/lua").text())
                .isEqualTo(late.address() + " " + late.address() + "\n");
    }
}

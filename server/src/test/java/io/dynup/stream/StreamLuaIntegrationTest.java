package io.dynup.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.dynup.testing.DataPlaneChecks;
import io.dynup.testing.Dynup;
import io.dynup.testing.RawClient;
import io.dynup.testing.TcpBackend;

/**
 * Changes made from Lua ({@code ngx.dynamic_upstream.stream}) to a stream upstream apply to the next TCP
 * connection of its stream server, and leave the open ones alone.
 */
@ExtendWith(DataPlaneChecks.class)
class StreamLuaIntegrationTest {

    private TcpBackend a;
    private TcpBackend b;
    private int streamPort;
    private Dynup dynup;

    @BeforeEach
    void start() throws Exception {
        a = TcpBackend.start("a");
        b = TcpBackend.start("b");
        streamPort = Dynup.freePort();
        dynup = Dynup.startConf("""
                stream {
                    upstream u { zone u 64k; server %s; }
                    server { listen 127.0.0.1:%d; proxy_pass u; }
                }""".formatted(a.address(), streamPort), """
                server {
                    listen 127.0.0.1:$PORT;
                    location /lua {
                        content_by_lua_block {
                            local du = require "ngx.dynamic_upstream.stream"
                            local op, peer = ngx.var.arg_op, ngx.var.arg_peer
                            local ok, _, err
                            if op == "add" then ok, _, err = du.add_peer("u", peer)
                            elseif op == "down" then ok, _, err = du.set_peer_down("u", peer)
                            elseif op == "up" then ok, _, err = du.update_peer("u", peer, {down = false})
                            else ok, _, err = du.remove_peer("u", peer) end
                            ngx.say(ok, " ", err)
                        }
                    }
                }
                """);
    }

    @AfterEach
    void stop() throws IOException {
        dynup.close();
        a.close();
        b.close();
    }

    private void lua(String op, TcpBackend peer) throws IOException {
        RawClient.Response r = RawClient.get(dynup.port(), "localhost", "/lua?op=" + op + "&peer=" + peer.address());
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).as(op + " " + peer.name()).isEqualTo("true nil\n");
    }

    /** The backends the next {@code n} connections reach, each checked to relay both ways. */
    private List<String> nextConnections(int n) throws IOException {
        List<String> reached = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            try (StreamClient c = StreamClient.connect(streamPort)) {
                reached.add(c.readLine());
                assertThat(c.echo("ping " + i)).isEqualTo("ping " + i);
            }
        }
        return reached;
    }

    @Test
    void eachChangeFromLuaAppliesToTheNextConnection() throws Exception {
        try (StreamClient open = StreamClient.connect(streamPort)) {
            assertThat(open.readLine()).isEqualTo("a");

            lua("add", b);
            lua("down", a);
            assertThat(nextConnections(2)).containsExactly("b", "b");
            // a peer set down takes no new connection; the open one continues
            assertThat(open.echo("still here")).isEqualTo("still here");

            lua("up", a);
            assertThat(nextConnections(2)).containsExactlyInAnyOrder("a", "b");

            lua("remove", b);
            assertThat(nextConnections(2)).containsExactly("a", "a");
            assertThat(open.echo("and here")).isEqualTo("and here");
        }
        assertThat(a.accepted() + b.accepted()).isEqualTo(7);
    }
}

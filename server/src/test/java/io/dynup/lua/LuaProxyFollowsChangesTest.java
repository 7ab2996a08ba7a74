package io.dynup.lua;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.dynup.testing.Backend;
import io.dynup.testing.DataPlaneChecks;
import io.dynup.testing.Dynup;
import io.dynup.testing.RawClient;
import io.dynup.testing.RawClient.Response;

/**
 * Proxied traffic follows changes made from Lua: a peer added, weighted, set down, removed — the backends a
 * client reaches match nginx's smooth weighted round robin after each change, and no request fails.
 */
@ExtendWith(DataPlaneChecks.class)
class LuaProxyFollowsChangesTest {

    private Backend a;
    private Backend b;
    private Dynup dynup;

    @BeforeEach
    void start() throws Exception {
        a = Backend.text("a");
        b = Backend.text("b");
        dynup = Dynup.startConf("worker_processes 1;", """
                upstream u { zone u 64k; server %s; }
                server {
                    listen 127.0.0.1:$PORT;
                    location / { proxy_pass http://u; }
                    location = /m {
                        content_by_lua_block {
                            local du = require "ngx.dynamic_upstream"
                            local op, peer = ngx.var.arg_op, ngx.var.arg_peer
                            local ok, _, err
                            if op == "add" then ok, _, err = du.add_peer("u", peer)
                            elseif op == "weight" then
                                ok, _, err = du.update_peer("u", peer, { weight = tonumber(ngx.var.arg_w) })
                            elseif op == "down" then ok, _, err = du.set_peer_down("u", peer)
                            elseif op == "up" then ok, _, err = du.set_peer_up("u", peer)
                            elseif op == "remove" then ok, _, err = du.remove_peer("u", peer)
                            end
                            ngx.say(ok, " ", err)
                        }
                    }
                }
                """.formatted(a.address()));
    }

    @AfterEach
    void stop() {
        if (dynup != null) {
            dynup.close();
        }
        a.close();
        b.close();
    }

    private void lua(RawClient c, String query) throws IOException {
        c.send("GET /m?" + query + " HTTP/1.1\r\nHost: t\r\n\r\n");
        assertThat(c.read().text()).as(query).isEqualTo("true nil\n");
    }

    private Map<String, Integer> traffic(RawClient c, int requests) throws IOException {
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < requests; i++) {
            c.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
            Response r = c.read();
            assertThat(r.status()).isEqualTo(200);
            seen.merge(r.text(), 1, Integer::sum);
        }
        return seen;
    }

    @Test
    void addWeightDownRemove() throws IOException {
        try (RawClient c = RawClient.connect(dynup.port())) {
            assertThat(traffic(c, 3)).containsExactly(Map.entry("a", 3));

            lua(c, "op=add&peer=" + b.address());
            assertThat(traffic(c, 30)).containsOnly(Map.entry("a", 15), Map.entry("b", 15));

            lua(c, "op=weight&peer=" + b.address() + "&w=2");
            // smooth weighted round robin: 2 of every 3 to b, whatever the state the change found
            Map<String, Integer> weighted = traffic(c, 30);
            assertThat(weighted.get("b")).isBetween(19, 21);
            assertThat(weighted.get("a")).isBetween(9, 11);

            lua(c, "op=down&peer=" + a.address());
            assertThat(traffic(c, 5)).containsExactly(Map.entry("b", 5));

            lua(c, "op=up&peer=" + a.address());
            lua(c, "op=remove&peer=" + b.address());
            assertThat(traffic(c, 5)).containsExactly(Map.entry("a", 5));
        }
    }
}

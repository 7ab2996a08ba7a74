package io.dynup.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.dynup.model.UpstreamKind;
import io.dynup.testing.Backend;
import io.dynup.testing.DataPlaneChecks;
import io.dynup.testing.Dynup;
import io.dynup.testing.RawClient;
import io.dynup.upstream.HealthStatus;
import io.dynup.upstream.Peer;

/** A peer that fails its checks shows as unhealthy in the query API, the JSON API and the Lua peer table. */
@ExtendWith(DataPlaneChecks.class)
class HealthVisibilityTest {

    private Backend live;
    private int dead;
    private Dynup dynup;

    @BeforeEach
    void start() throws Exception {
        live = Backend.text("ok");
        dead = Dynup.freePort();
        dynup = Dynup.start("""
                upstream backend {
                    zone backend 64k;
                    server %s;
                    server 127.0.0.1:%d;
                    check fall=2 interval=100ms timeout=1s initial=up;
                }
                upstream plain { server %s; }
                server {
                    listen 127.0.0.1:$PORT;
                    location /api/ { upstream_api; }
                    location /dynamic { dynamic_upstream; }
                    location /lua {
                        content_by_lua_block {
                            local du = require "ngx.dynamic_upstream"
                            local _, peers = du.get_peers(ngx.var.arg_u)
                            for _, p in ipairs(peers) do
                                local h = p.health
                                if h then
                                    ngx.say(p.name, " ", h.status, " ", tostring(h.fall_total >= 2), " ",
                                            tostring(h.rise_total >= 1), " ", tostring(h.last_failure > 0))
                                else
                                    ngx.say(p.name, " no health")
                                end
                            end
                        }
                    }
                }
                """.formatted(live.address(), dead, live.address()));
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            Peer p = dynup.upstreams().getPeers(UpstreamKind.HTTP, "backend").get().get(1);
            Peer l = dynup.upstreams().getPeers(UpstreamKind.HTTP, "backend").get().get(0);
            return p.state().health() == HealthStatus.UNHEALTHY && l.state().checks() >= 1;
        });
    }

    @AfterEach
    void stop() {
        dynup.close();
        live.close();
    }

    private String get(String path) throws IOException {
        return new String(RawClient.get(dynup.port(), "admin.test", path).body());
    }

    @Test
    void queryApiMarksUnhealthyInVerboseLines() throws IOException {
        assertThat(get("/dynamic?upstream=backend&verbose=")).contains(
                "server 127.0.0.1:" + dead + " addr=127.0.0.1:" + dead
                + " weight=1 max_fails=1 fail_timeout=10 max_conns=0 conns=0 unhealthy;\n");
        assertThat(get("/dynamic?upstream=backend&verbose=")).contains("conns=0;\n");
    }

    @Test
    void jsonApiGivesTheStateAndHealthChecks() throws IOException {
        String json = get("/api/9/http/upstreams/backend");
        assertThat(json).contains("\"state\":\"unhealthy\"", "\"health_checks\":{\"checks\":",
                                  "\"unhealthy\":1,\"last_passed\":false}", "\"last_passed\":true}");
        assertThat(get("/api/9/http/upstreams/plain")).contains("\"state\":\"up\"").doesNotContain("health_checks");
    }

    @Test
    void luaPeerTablesCarryHealth() throws IOException {
        // status, fall_total >= 2, rise_total >= 1, last_failure set
        assertThat(get("/lua?u=backend")).isEqualTo("127.0.0.1:" + live.port() + " healthy false true false\n"
                                                    + "127.0.0.1:" + dead + " unhealthy true false true\n");
        assertThat(get("/lua?u=plain")).isEqualTo("127.0.0.1:" + live.port() + " no health\n");
    }
}

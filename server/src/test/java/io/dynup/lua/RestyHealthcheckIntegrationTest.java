package io.dynup.lua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.dynup.model.UpstreamKind;
import io.dynup.testing.Backend;
import io.dynup.testing.Closer;
import io.dynup.testing.DataPlaneChecks;
import io.dynup.testing.Dynup;
import io.dynup.testing.RawClient;
import io.dynup.upstream.Upstream;

/**
 * The lua-resty-upstream-healthcheck README Synopsis on dynup with four workers and loopback backends: the
 * checker spawned in every worker's {@code init_worker_by_lua} becomes one check (one prober per peer), a
 * failing backend turns DOWN on the status page and gets no traffic, and comes back UP and gets traffic again.
 * Only the ports and the check's pace differ from the Synopsis (interval 100ms instead of 2s, so that a test
 * does not wait for seconds of checks), plus a counter of the workers that spawned it; the test waits for
 * states, never for durations.
 */
@ExtendWith(DataPlaneChecks.class)
class RestyHealthcheckIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static final String SYNOPSIS = """
            lua_package_path "/path/to/lua-resty-upstream-healthcheck/lib/?.lua;;";

            # sample upstream block:
            upstream foo.com {
                server %s;
                server %s;
                server %s backup;
            }

            # the size depends on the number of servers in upstream {}:
            lua_shared_dict healthcheck 1m;

            lua_socket_log_errors off;

            init_worker_by_lua_block {
                local hc = require "resty.upstream.healthcheck"

                local ok, err = hc.spawn_checker{
                    shm = "healthcheck",  -- defined by "lua_shared_dict"
                    upstream = "foo.com", -- defined by "upstream"
                    type = "http", -- support "http" and "https"

                    http_req = "GET /status HTTP/1.0\\r\\nHost: foo.com\\r\\n\\r\\n",
                            -- raw HTTP request for checking

                    port = nil,  -- the check port, it can be different than the original backend server port
                    interval = 100,  -- run the check cycle every 100 ms (the Synopsis: 2000)
                    timeout = 1000,   -- 1 sec is the timeout for network operations
                    fall = 3,  -- # of successive failures before turning a peer down
                    rise = 2,  -- # of successive successes before turning a peer up
                    valid_statuses = {200, 302},  -- a list valid HTTP status code
                    concurrency = 10,  -- concurrency level for test requests
                }
                if not ok then
                    ngx.log(ngx.ERR, "failed to spawn health checker: ", err)
                    return
                end
                ngx.shared.healthcheck:incr("spawned", 1, 0) -- the test's own: workers that spawned it
            }

            server {
                listen 127.0.0.1:$PORT;
                location / { proxy_pass http://foo.com; }

                # status page for all the peers:
                location = /spawned {
                content_by_lua_block { ngx.print(ngx.shared.healthcheck:get("spawned")) }
            }

            location = /status {
                    access_log off;
                    allow 127.0.0.1;
                    deny all;

                    default_type text/plain;
                    content_by_lua_block {
                        local hc = require "resty.upstream.healthcheck"
                        ngx.say("Nginx Worker PID: ", ngx.worker.pid())
                        ngx.print(hc.status_page())
                    }
                }
            }
            """;

    @RegisterExtension
    final Closer closer = new Closer();
    private Dynup dynup;

    /** Checked on {@code /status}, answering 500 while {@code failing}. */
    private Backend backend(String name, AtomicBoolean failing) throws IOException {
        return closer.add(Backend.checked(name, "/status", 500, failing));
    }

    private static long traffic(Backend b) {
        return b.requests().stream().filter(r -> !r.uri().equals("/status")).count();
    }

    private String get(String path) throws IOException {
        RawClient.Response r = RawClient.get(dynup.port(), "foo.test", path);
        assertThat(r.head().startLine()).as(path).isEqualTo("HTTP/1.1 200 OK");
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    private String statusOf(Backend b) throws IOException {
        String page = get("/status");
        for (String line : page.split("\n")) {
            if (line.strip().startsWith(b.address() + " ")) {
                return line.strip().substring(b.address().length() + 1);
            }
        }
        throw new AssertionError(b.address() + " not on the status page:\n" + page);
    }

    @Test
    void aFailingBackendTurnsDownAndGetsNoTrafficThenComesBackUp() throws Exception {
        AtomicBoolean failing = new AtomicBoolean();
        Backend a = backend("a", new AtomicBoolean());
        Backend b = backend("b", failing);
        Backend c = backend("c", new AtomicBoolean());
        dynup = closer.add(Dynup.startConf("worker_processes 4;",
                                           SYNOPSIS.formatted(a.address(), b.address(), c.address())));
        Upstream foo = dynup.upstreams().registry().find(UpstreamKind.HTTP, "foo.com");

        // init_worker_by_lua runs on each worker's loop as it starts
        await().atMost(WAIT).until(() -> get("/spawned").equals("4"));
        assertThat(dynup.server().healthChecker().probeCount()).as("one prober per peer, not one per worker")
                .isEqualTo(3);
        assertThat(foo.snapshot().generation()).as("four workers spawned the checker: one change").isEqualTo(2);
        await().atMost(WAIT).until(() -> b.requests().stream().anyMatch(r -> r.uri().equals("/status")
                                                                              && "foo.com".equals(r.header("Host"))));
        assertThat(get("/status")).matches("(?s)Nginx Worker PID: \\d+\nUpstream foo.com\n    Primary Peers\n"
                                           + "        \\S+ UP\n        \\S+ UP\n    Backup Peers\n        \\S+ UP\n");
        assertThat(get("/") + get("/")).contains("a").contains("b");

        // no traffic until the checks take b out: a request failing on b would keep it out for fail_timeout
        // after it recovers, as nginx's passive checks do (HealthCheckIntegrationTest sends traffic meanwhile)
        failing.set(true);
        await().atMost(WAIT).until(() -> statusOf(b).equals("DOWN"));
        assertThat(statusOf(a)).isEqualTo("UP");
        long reached = traffic(b);
        for (int i = 0; i < 10; i++) {
            assertThat(get("/")).isEqualTo("a");
        }
        assertThat(traffic(b)).as("no traffic to a DOWN peer").isEqualTo(reached);

        failing.set(false);
        await().atMost(WAIT).until(() -> statusOf(b).equals("UP"));
        await().atMost(WAIT).until(() -> get("/").equals("b"));
        assertThat(foo.snapshot().generation()).as("verdicts are health, not changes of the upstream").isEqualTo(2);
    }
}

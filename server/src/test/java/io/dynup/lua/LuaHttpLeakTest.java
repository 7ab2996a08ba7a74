package io.dynup.lua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.dynup.testing.Dynup;
import io.dynup.testing.RawClient;

/**
 * The Lua heap of a worker stays bounded over 100 000 HTTP requests that go through every Lua phase and the
 * request API (tables for args, headers and ngx.ctx, suspended and resumed coroutines, early exits); the heap
 * is read from Lua itself, on the same worker ({@code worker_processes 1}). Requests asleep in
 * {@code ngx.sleep} hold no thread, 10 000 of them at once.
 */
class LuaHttpLeakTest {

    private static final int REQUESTS = 100_000;
    private static final int BATCH = 100;

    private Dynup dynup;

    @BeforeEach
    void start() throws Exception {
        dynup = Dynup.start("""
                keepalive_requests 1000000;
                lua_shared_dict sleepers 1m;
                server {
                    listen 127.0.0.1:$PORT;
                    location /t {
                        rewrite_by_lua_block {
                            local args = ngx.req.get_uri_args()
                            if args.exit then ngx.exit(204) end
                        }
                        access_by_lua_block {
                            local h = ngx.req.get_headers()
                            if h["x-deny"] then ngx.exit(403) end
                            ngx.ctx.n = ngx.var.arg_n
                        }
                        content_by_lua_block {
                            ngx.header["X-Request"] = ngx.var.arg_n
                            if ngx.var.arg_sleep then ngx.sleep(0) end
                            ngx.say("n=", ngx.ctx.n, " ", ngx.req.get_method())
                        }
                        log_by_lua_block {
                            local status = ngx.status
                        }
                    }
                    location = /sleep {
                        content_by_lua_block {
                            local d = ngx.shared.sleepers
                            d:incr("asleep", 1, 0)
                            while not d:get("go") do ngx.sleep(0.5) end
                            ngx.say("woke")
                        }
                    }
                    location = /asleep {
                        content_by_lua_block { ngx.say(ngx.shared.sleepers:get("asleep") or 0) }
                    }
                    location = /go {
                        content_by_lua_block { ngx.shared.sleepers:set("go", true) }
                    }
                    location = /heap {
                        content_by_lua_block {
                            collectgarbage("collect")
                            collectgarbage("collect")
                            ngx.say(collectgarbage("count"))
                        }
                    }
                }
                """);
    }

    @AfterEach
    void stop() {
        dynup.close();
    }

    @Test
    void hundredThousandRequestsKeepTheLuaHeapBounded() throws IOException {
        try (RawClient c = RawClient.connect(dynup.port())) {
            run(c, 2_000);
            double baseline = heapKb(c);
            run(c, REQUESTS);
            double after = heapKb(c);
            assertThat(after).as("Lua heap KiB after %s requests (baseline %s)", REQUESTS, baseline)
                    .isLessThan(baseline + 256);
        }
    }

    /**
     * 10 000 requests asleep at once on the one worker: each waits in {@code ngx.sleep} until the test says
     * go, so all of them are in flight when the count of sleepers reaches 10 000, and the server has no more
     * threads than before the first. The clients run in a child process (see {@link SleepClients}).
     */
    @Test
    void tenThousandSleepingRequestsCostNoThreads() throws Exception {
        int n = 10_000;
        try (RawClient warm = RawClient.connect(dynup.port())) {
            // the worker loop starts its thread with the first connection
            heapKb(warm);
        }
        Process clients = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m", "-cp",
                System.getProperty("java.class.path"), SleepClients.class.getName(),
                Integer.toString(dynup.port()), Integer.toString(n), "/sleep")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        // counted once the JDK has its process reaper; the polling below runs on this thread
        int threadsBefore = Thread.activeCount();
        try {
            await().pollInSameThread().atMost(Duration.ofSeconds(60)).until(() -> asleep() == n);
            assertThat(Thread.activeCount()).isLessThanOrEqualTo(threadsBefore);
            assertThat(RawClient.get(dynup.port(), "x", "/go").status()).isEqualTo(200);
            assertThat(clients.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(new String(clients.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip())
                    .isEqualTo("woke " + n);
        } finally {
            clients.destroyForcibly();
        }
    }

    private int asleep() throws IOException {
        RawClient.Response r = RawClient.get(dynup.port(), "x", "/asleep");
        return Integer.parseInt(new String(r.body(), StandardCharsets.US_ASCII).strip());
    }

    /** {@code n} requests, pipelined in batches on one keep-alive connection, each answer checked. */
    private static void run(RawClient c, int n) throws IOException {
        for (int done = 0; done < n; done += BATCH) {
            StringBuilder batch = new StringBuilder();
            for (int i = done; i < done + BATCH; i++) {
                String extra = switch (i % 4) {
                    case 1 -> "&sleep=1";
                    case 2 -> "&exit=1";
                    default -> "";
                };
                batch.append("GET /t?n=").append(i).append(extra).append(" HTTP/1.1\r\nHost: x\r\n")
                     .append(i % 4 == 3 ? "X-Deny: 1\r\n" : "").append("\r\n");
            }
            c.send(batch.toString());
            for (int i = done; i < done + BATCH; i++) {
                RawClient.Response r = c.read();
                switch (i % 4) {
                    case 2 -> assertThat(r.status()).isEqualTo(204);
                    case 3 -> assertThat(r.status()).isEqualTo(403);
                    default -> {
                        assertThat(r.status()).isEqualTo(200);
                        assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("n=" + i + " GET\n");
                    }
                }
            }
        }
    }

    private static double heapKb(RawClient c) throws IOException {
        c.send("GET /heap HTTP/1.1\r\nHost: x\r\n\r\n");
        RawClient.Response r = c.read();
        assertThat(r.status()).isEqualTo(200);
        return Double.parseDouble(new String(r.body(), StandardCharsets.UTF_8).strip());
    }
}

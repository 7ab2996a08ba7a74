package io.dynup.lua;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.dynup.testing.Dynup;
import io.dynup.testing.RawClient;

/**
 * The Lua heap of a worker stays bounded over 100 000 HTTP requests that go through every Lua phase and the
 * request API (tables for args, headers and ngx.ctx, suspended and resumed coroutines, early exits); the heap
 * is read from Lua itself, on the same worker ({@code worker_processes 1}). Requests asleep in
 * {@code ngx.sleep} hold no thread.
 */
class LuaHttpLeakTest {

    private static final int REQUESTS = 100_000;
    private static final int BATCH = 100;

    private Dynup dynup;

    @BeforeEach
    void start() throws Exception {
        dynup = Dynup.start("""
                keepalive_requests 1000000;
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
                            ngx.sleep(0.5)
                            ngx.say("woke")
                        }
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

    @Test
    void sleepingRequestsCostNoThreads() throws Exception {
        int n = 2_000;
        List<RawClient> clients = new ArrayList<>(n);
        try {
            // the worker loop starts its thread with the first connection
            try (RawClient warm = RawClient.connect(dynup.port())) {
                heapKb(warm);
            }
            int threadsBefore = Thread.activeCount();
            for (int i = 0; i < n; i++) {
                RawClient c = RawClient.connect(dynup.port());
                clients.add(c);
                c.send("GET /sleep HTTP/1.1\r\nHost: x\r\n\r\n");
            }
            // all of them are asleep on the one worker loop now, or about to be
            assertThat(Thread.activeCount()).isLessThanOrEqualTo(threadsBefore);
            for (RawClient c : clients) {
                RawClient.Response r = c.read();
                assertThat(r.status()).isEqualTo(200);
                assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("woke\n");
            }
        } finally {
            for (RawClient c : clients) {
                c.close();
            }
        }
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

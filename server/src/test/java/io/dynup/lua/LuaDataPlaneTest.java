package io.dynup.lua;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import io.dynup.testing.DataPlaneChecks;
import io.dynup.testing.Dynup;
import io.dynup.testing.RawClient;

/**
 * Lua responses and request bodies on the wire, under paranoid leak detection: bodies read whole (with a
 * length or chunked), output streamed chunked or until close, and clients that leave mid-response.
 */
@ExtendWith(DataPlaneChecks.class)
class LuaDataPlaneTest {

    private Dynup dynup;

    @BeforeEach
    void start() throws Exception {
        dynup = Dynup.start("""
                server {
                    listen 127.0.0.1:$PORT;
                    client_max_body_size 64k;
                    location /echo {
                        content_by_lua_block {
                            ngx.req.read_body()
                            local body = ngx.req.get_body_data()
                            ngx.say(#body, ":", body)
                        }
                    }
                    location /stream {
                        content_by_lua_block {
                            ngx.say("first")
                            ngx.flush(true)
                            ngx.sleep(0.01)
                            ngx.say("second")
                        }
                    }
                    location /hang {
                        content_by_lua_block {
                            ngx.say("started")
                            ngx.log(ngx.ERR, "hanging")
                            ngx.sleep(30)
                            ngx.say("never")
                        }
                        log_by_lua_block {
                            ngx.log(ngx.ERR, "hang request ended")
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
    void bodyWithALength() throws Exception {
        RawClient.Response r = RawClient.exchange(dynup.port(),
                "POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 11\r\n\r\nhello world");
        assertThat(body(r)).isEqualTo("11:hello world\n");
    }

    @Test
    void chunkedBodyIsDechunked() throws Exception {
        RawClient.Response r = RawClient.exchange(dynup.port(),
                "POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
        assertThat(body(r)).isEqualTo("11:hello world\n");
    }

    @Test
    void bodyAboveTheLimitIs413() throws Exception {
        String big = "x".repeat(65 * 1024);
        RawClient.Response r = RawClient.exchange(dynup.port(),
                "POST /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: " + big.length()
                + "\r\n\r\n" + big);
        assertThat(r.status()).isEqualTo(413);
    }

    @Test
    void outputAcrossASleepIsStreamedChunked() throws Exception {
        try (RawClient c = RawClient.connect(dynup.port())) {
            c.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
            RawClient.Response r = c.read();
            assertThat(r.header("Transfer-Encoding")).isEqualTo("chunked");
            assertThat(body(r)).isEqualTo("first\nsecond\n");
            // the connection goes on to the next request
            c.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(body(c.read())).isEqualTo("first\nsecond\n");
        }
    }

    @Test
    void http10OutputEndsWithTheConnection() throws Exception {
        RawClient.Response r = RawClient.exchange(dynup.port(), "GET /stream HTTP/1.0\r\nHost: x\r\n\r\n");
        assertThat(r.header("Transfer-Encoding")).isNull();
        assertThat(body(r)).isEqualTo("first\nsecond\n");
    }

    @Test
    void clientLeavingMidResponseEndsTheRequest() throws Exception {
        ListAppender<ILoggingEvent> log = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger("io.dynup.lua");
        log.start();
        logger.addAppender(log);
        try {
            try (RawClient c = RawClient.connect(dynup.port())) {
                c.send("GET /hang HTTP/1.1\r\nHost: x\r\n\r\n");
                c.readHead();
            }
            // the sleeping request ends with its connection, long before its sleep would: its log phase runs
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(
                    () -> assertThat(List.copyOf(log.list)).anySatisfy(
                            e -> assertThat(e.getFormattedMessage()).endsWith("hang request ended")));
        } finally {
            logger.detachAppender(log);
        }
    }

    private static String body(RawClient.Response r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }
}

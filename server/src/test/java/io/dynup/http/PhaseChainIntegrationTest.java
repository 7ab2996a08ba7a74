package io.dynup.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.dynup.balancer.Balancers;
import io.dynup.config.Config;
import io.dynup.config.ConfigParser;
import io.dynup.config.Context;
import io.dynup.config.CoreDirectives;
import io.dynup.config.DirectiveSpec;
import io.dynup.config.DirectiveTable;
import io.dynup.http.route.Location;
import io.dynup.internal.Ticker;
import io.dynup.model.HostResolver;
import io.dynup.model.UpstreamConfig;
import io.dynup.upstream.UpstreamRegistry;
import io.dynup.upstream.UpstreamService;
import io.dynup.testing.DataPlaneChecks;
import io.dynup.testing.Dynup;
import io.dynup.testing.RawClient;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;

/**
 * The phase SPI: rewrite and access handlers run in module order before content, may go on later from the
 * event loop, may answer instead of content; log handlers run once per exchange, finished or not.
 */
@ExtendWith(DataPlaneChecks.class)
class PhaseChainIntegrationTest {

    private final List<String> logged = Collections.synchronizedList(new ArrayList<>());
    private EventLoopGroup group;
    private HttpServer server;

    /** {@code test_tag WORD} in a location: rewrite sets $tag (later, from a timer), access denies "deny". */
    private final class TagModule implements HttpModule {
        @Override
        public List<DirectiveSpec> directives() {
            return List.of(DirectiveSpec.simple("test_tag", 1, 1, Context.HTTP_LOCATION));
        }

        @Override
        public @Nullable ContentHandler contentHandler(Location location, LocationConfig config) {
            return null;
        }

        @Override
        public List<PhaseHandler> phaseHandlers(Phase phase, Location location, LocationConfig config) {
            var d = config.own("test_tag");
            if (d == null) {
                return List.of();
            }
            String tag = d.arg(0);
            if (phase == Phase.REWRITE) {
                return List.of(ex -> ex.eventLoop().schedule(() -> {
                    ex.setVariable("tag", tag);
                    ex.proceed();
                }, 5, TimeUnit.MILLISECONDS));
            }
            return List.of(ex -> {
                if (Variables.get(ex, "tag").equals("deny")) {
                    ex.respondError(403);
                } else {
                    ex.proceed();
                }
            });
        }

        @Override
        public @Nullable LogHandler logHandler(Location location, LocationConfig config) {
            if (config.own("test_tag") == null) {
                return null;
            }
            return ex -> logged.add(ex.request().uri() + " " + ex.status() + " " + Variables.get(ex, "tag"));
        }
    }

    /** Content that echoes $tag. */
    private static final class EchoModule implements HttpModule {
        @Override
        public List<DirectiveSpec> directives() {
            return List.of(DirectiveSpec.simple("test_echo_tag", 0, 0, Context.HTTP_LOCATION));
        }

        @Override
        public @Nullable ContentHandler contentHandler(Location location, LocationConfig config) {
            if (config.own("test_echo_tag") == null) {
                return null;
            }
            return ex -> ex.respond(200, "text/plain",
                    Unpooled.copiedBuffer("tag=" + Variables.get(ex, "tag"), StandardCharsets.UTF_8));
        }
    }

    private int start() throws Exception {
        int port = Dynup.freePort();
        List<HttpModule> modules = List.of(new CoreHttpModule(), new TagModule(), new EchoModule());
        DirectiveTable.Builder b = DirectiveTable.builder().addAll(CoreDirectives.ALL);
        modules.forEach(m -> b.addAll(m.directives()));
        Config config = ConfigParser.parseString("""
                events {}
                http {
                    server {
                        listen 127.0.0.1:%d;
                        location /a { test_tag hello; test_echo_tag; }
                        location /d { test_tag deny; test_echo_tag; }
                        location /plain { test_echo_tag; }
                    }
                }
                """.formatted(port), Path.of("/tmp/nginx.conf"), b.build());
        UpstreamService upstreams = new UpstreamService(
                new UpstreamRegistry(UpstreamConfig.bind(config, HostResolver.system())), HostResolver.system(),
                Runnable::run);
        HttpRuntime runtime = HttpRuntime.build(config.first("http").orElseThrow(), modules,
                new HttpServices(upstreams.registry(), upstreams, new Balancers(Ticker.system())));
        Transport t = Transport.best();
        group = t.newGroup(1, "phase-test");
        server = HttpServer.start(runtime, t, group, group);
        return port;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void phasesRunInOrderAndMayResumeLater() throws Exception {
        int port = start();
        try (RawClient c = RawClient.connect(port)) {
            c.send("GET /a HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(c.read().text()).isEqualTo("tag=hello");
            c.send("GET /d HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(c.read().status()).isEqualTo(403);
            c.send("GET /plain HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(c.read().text()).isEqualTo("tag=");
        }
        Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> logged.size() == 2);
        // /plain has no test_tag: no log handler there
        assertThat(logged).containsExactly("/a 200 hello", "/d 403 deny");
    }

    @Test
    void anExchangeTheClientLeftIsLoggedOnce() throws Exception {
        int port = start();
        try (RawClient c = RawClient.connect(port)) {
            c.send("GET /a HTTP/1.1\r\nHost: t\r\n\r\n");
        }
        Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> logged.size() == 1);
        Thread.sleep(50);
        assertThat(logged).hasSize(1);
    }
}

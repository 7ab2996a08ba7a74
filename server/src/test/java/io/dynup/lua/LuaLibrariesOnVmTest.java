package io.dynup.lua;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.dynup.lua.lib.LibFunction;
import io.dynup.lua.lib.LibraryError;
import io.dynup.lua.lib.LibraryHost;
import io.dynup.lua.lib.LuaLibraries;
import io.dynup.model.HostResolver;
import io.dynup.model.PeerSpec;
import io.dynup.model.UpstreamKind;
import io.dynup.model.UpstreamSpec;
import io.dynup.upstream.UpstreamRegistry;
import io.dynup.upstream.UpstreamService;
import party.iroiro.luajava.JFunction;

/**
 * The libraries opened into the real VM (its sandbox, its guarded {@code ngx} table and {@code ngx.null}) and used
 * from a request, as a script does. Until the VM opens them itself, the test opens them on its state.
 */
class LuaLibrariesOnVmTest {

    private final LuaVm vm = new LuaVm();
    private final LuaVmTest.ManualScheduler scheduler = new LuaVmTest.ManualScheduler();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger("io.dynup.lua");

    LuaLibrariesOnVmTest() {
        UpstreamService service = new UpstreamService(new UpstreamRegistry(List.of(UpstreamSpec.of("backend",
                UpstreamKind.HTTP, List.of(PeerSpec.of("127.0.0.1:1", "127.0.0.1:1",
                                                       new InetSocketAddress("127.0.0.1", 1)))))),
                HostResolver.system(), Runnable::run);
        new LuaLibraries(service, Map.of("cache", 1L << 20)).open(vm.main(), new LibraryHost() {
            @Override
            public JFunction wrap(LibFunction f) {
                return l -> {
                    try {
                        return f.call(l);
                    } catch (LibraryError e) {
                        l.push(e.getMessage());
                        return -1;
                    }
                };
            }

            @Override
            public String currentUpstream() {
                return null;
            }
        });
        logs.start();
        logger.addAppender(logs);
    }

    @AfterEach
    void close() {
        logger.detachAppender(logs);
        vm.close();
    }

    private LuaVmTest.Recorder run(String source) {
        LuaVmTest.Recorder out = new LuaVmTest.Recorder();
        LuaRequest r = vm.request(vm.chunk("content_by_lua(nginx.conf:42)", source), out, scheduler);
        r.start();
        scheduler.advance(Long.MAX_VALUE / 4);
        assertThat(r.isDone()).isTrue();
        return out;
    }

    @Test
    void everyLibraryAnswersFromARequest() {
        LuaVmTest.Recorder out = run("""
                local du = require "ngx.dynamic_upstream"
                local ok, t = du.get_peers("backend")
                ngx.say(ok, " ", #t, " ", t[1].name, " ", t[1].weight, " ", t[1].backup, " ", t[1].down)
                ngx.say(du.add_backup_peer("backend", "127.0.0.1:2"))
                ngx.say(du.current_upstream())
                ngx.say(select(2, pcall(du.get_peers, nil)))
                local cjson = require "cjson"
                ngx.say(cjson.encode({ngx.null, 1, "a/b"}), " ", cjson.decode("[null]")[1] == ngx.null)
                ngx.say((require "cjson.safe").decode("x"))
                local cache = ngx.shared.cache
                ngx.say(cache:set("k", "v"), " ", cache:get("k"), " ", cache:incr("n", 1, 41))
                ngx.say(ngx.escape_uri("a b"), " ", ngx.md5("hello"), " ", ngx.encode_base64("hi"))
                ngx.say(ngx.encode_args({a = 1}), " ", ngx.decode_args("x=1").x)
                """);
        assertThat(out.body()).isEqualTo("true 1 127.0.0.1:1 1 false nil\n"
                                         + "truenilnil\n"
                                         + "falsenilno proxying\n"
                                         + "bad argument #1 to 'get_peers' (string expected, got nil)\n"
                                         + "[null,1,\"a\\/b\"] true\n"
                                         + "nilExpected value but found invalid token at character 1\n"
                                         + "true v 42nilfalse\n"
                                         + "a%20b 5d41402abc4b2a76b9719d911017c592 aGk=\n"
                                         + "a=1 1\n");
    }

    @Test
    void aWrongArgumentIsA500WithTheScriptsLineLogged() {
        LuaVmTest.Recorder out = run("local du = require 'ngx.dynamic_upstream'\ndu.get_peers(nil)");
        assertThat(out.finishStatus).isEqualTo(500);
        assertThat(logs.list).anyMatch(e -> e.getFormattedMessage().contains(
                "content_by_lua(nginx.conf:42):2: bad argument #1 to 'get_peers' (string expected, got nil)"));
    }
}

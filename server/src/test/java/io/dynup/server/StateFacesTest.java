package io.dynup.server;

import static io.dynup.model.UpstreamKind.HTTP;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.dynup.config.ConfigParser;
import io.dynup.testing.Dynup;
import io.dynup.testing.RawClient;
import io.dynup.upstream.Peer;

/**
 * The Lua and JSON API faces of issue 7: a change made through either is in the state file when it is
 * acknowledged and comes back on a new server started on the same config and state file.
 */
class StateFacesTest {

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private Path writeConf(int port) throws Exception {
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, "events {}\nhttp {\n"
                + " upstream backend { zone backend 64k; state backend.state;\n"
                + "   server 127.0.0.1:9001; server 127.0.0.1:9002; }\n"
                + " server { listen 127.0.0.1:" + port + ";\n"
                + "   location /api/ { upstream_api write=on; }\n"
                + "   location /lua { content_by_lua_block {\n"
                + "     local du = require \"ngx.dynamic_upstream\"\n"
                + "     local a = ngx.var.arg_a\n"
                + "     if a == \"add\" then ngx.say(du.add_peer(\"backend\", \"127.0.0.1:9003\", {weight = 3}))\n"
                + "     elseif a == \"update\" then\n"
                + "       ngx.say(du.update_peer(\"backend\", \"127.0.0.1:9001\", {weight = 5, down = true}))\n"
                + "     else ngx.say(du.remove_peer(\"backend\", \"127.0.0.1:9002\")) end\n"
                + "   } }\n"
                + " }\n}\n");
        return conf;
    }

    private static DynupServer start(Path conf) throws Exception {
        return DynupServer.start(ConfigParser.parse(conf, DynupServer.directives()));
    }

    /** name -> parameters. */
    private static Map<String, String> peers(DynupServer server) {
        Map<String, String> out = new TreeMap<>();
        for (Peer p : server.upstreams().getPeers(HTTP, "backend").get()) {
            out.put(p.name(), p.spec().parameters());
        }
        return out;
    }

    private String state() throws Exception {
        return Files.readString(dir.resolve("backend.state"));
    }

    private long commits() throws Exception {
        return state().lines().filter(l -> l.startsWith("commit ")).count();
    }

    private HttpResponse<String> send(int port, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/9" + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return http.send(b.build(), BodyHandlers.ofString());
    }

    @Test
    void changesFromLuaAreWrittenBeforeTheyAreAcknowledgedAndComeBackAfterARestart() throws Exception {
        int port = Dynup.freePort();
        Path conf = writeConf(port);
        Map<String, String> before;
        try (DynupServer server = start(conf)) {
            for (String a : new String[] {"add", "update", "remove"}) {
                RawClient.Response r = RawClient.get(port, "localhost", "/lua?a=" + a);
                assertThat(new String(r.body(), StandardCharsets.UTF_8)).as(a).isEqualTo("truenilnil\n");
            }
            // the answer went out after the write: the file holds all three without waiting
            assertThat(state()).contains("added 127.0.0.1:9003 ", "changed 127.0.0.1:9001 ",
                                         "removed 127.0.0.1:9002 ");
            assertThat(commits()).isEqualTo(3);
            before = peers(server);
            assertThat(before).containsOnlyKeys("127.0.0.1:9001", "127.0.0.1:9003");
            assertThat(before.get("127.0.0.1:9001")).startsWith("weight=5 ").endsWith(" down");
            assertThat(before.get("127.0.0.1:9003")).startsWith("weight=3 ");
        }
        try (DynupServer server = start(conf)) {
            assertThat(peers(server)).isEqualTo(before);
        }
    }

    @Test
    void changesFromTheJsonApiComeBackAfterARestartAndABatchIsOneCommit() throws Exception {
        int port = Dynup.freePort();
        Path conf = writeConf(port);
        Map<String, String> before;
        try (DynupServer server = start(conf)) {
            assertThat(send(port, "POST", "/http/upstreams/backend/servers",
                            "{\"server\":\"127.0.0.1:9003\",\"weight\":3}").statusCode()).isEqualTo(201);
            assertThat(send(port, "PATCH", "/http/upstreams/backend/servers/0", "{\"max_fails\":4}")
                    .statusCode()).isEqualTo(200);
            assertThat(send(port, "DELETE", "/http/upstreams/backend/servers/1", null).statusCode())
                    .isEqualTo(200);
            assertThat(commits()).isEqualTo(3);

            HttpResponse<String> batch = send(port, "POST", "/http/upstreams/backend/batch",
                    "[{\"op\":\"add\",\"server\":\"127.0.0.1:9004\",\"backup\":true},"
                    + "{\"op\":\"update\",\"id\":2,\"down\":true},"
                    + "{\"op\":\"update\",\"id\":0,\"weight\":7}]");
            assertThat(batch.statusCode()).as(batch.body()).isEqualTo(200);
            assertThat(commits()).as("one batch, one commit").isEqualTo(4);
            assertThat(state()).contains("added 127.0.0.1:9004 ", "removed 127.0.0.1:9002 ");
            assertThat(state().lines().reduce((a, b) -> b).orElseThrow()).startsWith("commit 4 ");

            before = peers(server);
            assertThat(before).containsOnlyKeys("127.0.0.1:9001", "127.0.0.1:9003", "127.0.0.1:9004");
            assertThat(before.get("127.0.0.1:9001")).startsWith("weight=7 max_fails=4 ");
            assertThat(before.get("127.0.0.1:9003")).startsWith("weight=3 ").endsWith(" down");
            assertThat(before.get("127.0.0.1:9004")).endsWith(" backup");
        }
        try (DynupServer server = start(conf)) {
            assertThat(peers(server)).isEqualTo(before);
            assertThat(send(port, "GET", "/http/upstreams/backend/servers", null).body())
                    .contains("\"server\":\"127.0.0.1:9004\"", "\"backup\":true", "\"weight\":7", "\"max_fails\":4");
        }
    }
}

package io.dynup.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The embedded default (what {@code bin/dynup} serves) on its real ports: the Synopsis' backends, traffic on
 * 8080 following changes made through the management server on 8888 (the Synopsis' Lua locations and the
 * reference module's HTTP API, the JSON API and the status page).
 */
class EmbeddedDefaultTest {

    private static DynupServer server;
    private static final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws InterruptedException {
        server = DynupServer.start(Main.load(null));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                           HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theSynopsisLuaLocationsManageTheUpstream() throws Exception {
        String initial = "backend\n    server 127.0.0.1:9090 weight=1 max_fails=1 fail_timeout=10 status=up\n\n";
        assertThat(get("http://127.0.0.1:8888/status").body()).isEqualTo(initial);
        HttpResponse<String> added = get("http://127.0.0.1:8888/backend/add?peer=127.0.0.1:9091");
        assertThat(added.statusCode()).isEqualTo(200);
        assertThat(added.body()).isEqualTo("Added 127.0.0.1:9091 to backend upstream\n");
        assertThat(get("http://127.0.0.1:8888/status").body()).isEqualTo(
                "backend\n    server 127.0.0.1:9091 weight=1 max_fails=2 fail_timeout=30 status=down\n"
                + "    server 127.0.0.1:9090 weight=1 max_fails=1 fail_timeout=10 status=up\n\n");
        // the peer was added down: traffic still goes to 9090 only, and always succeeds
        for (int i = 0; i < 4; i++) {
            assertThat(get("http://127.0.0.1:8080/").body()).isEqualTo("Hello world!");
        }
        HttpResponse<String> bad = get("http://127.0.0.1:8888/backend/add?peer=127.0.0.1:99999");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).isEqualTo("Failed to add peer 127.0.0.1:99999: invalid port\n");
        assertThat(get("http://127.0.0.1:8888/backend/remove?peer=127.0.0.1:9091").body())
                .isEqualTo("Removed 127.0.0.1:9091 from backend upstream\n");
        assertThat(get("http://127.0.0.1:8888/status").body()).isEqualTo(initial);
    }

    @Test
    void theManagementServerServesTheJsonApiAndTheStatusPage() throws Exception {
        HttpResponse<String> servers = get("http://127.0.0.1:8888/api/9/http/upstreams/backend/servers");
        assertThat(servers.statusCode()).isEqualTo(200);
        assertThat(servers.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(servers.body()).contains("\"server\":\"127.0.0.1:9090\"");
        HttpResponse<String> page = get("http://127.0.0.1:8888/upstreams");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("backend").contains("127.0.0.1:9090");
        assertThat(get("http://127.0.0.1:8888/nosuch").statusCode()).isEqualTo(404);
    }

    @Test
    void trafficFollowsChangesMadeThroughTheManagementApi() throws Exception {
        assertThat(get("http://127.0.0.1:8080/").body()).isEqualTo("Hello world!");
        assertThat(get("http://127.0.0.1:8888/dynamic?upstream=backend").body())
                .isEqualTo("server 127.0.0.1:9090 addr=127.0.0.1:9090;\n");

        HttpResponse<String> added = get("http://127.0.0.1:8888/dynamic?upstream=backend&add=&server=127.0.0.1:9091");
        assertThat(added.statusCode()).isEqualTo(200);
        assertThat(added.body()).startsWith("server 127.0.0.1:9091 addr=127.0.0.1:9091 weight=1");

        // both backends answer "Hello world!", so count where requests went through the peers' counters:
        // every request succeeds while the upstream changes under it
        for (int i = 0; i < 20; i++) {
            assertThat(get("http://127.0.0.1:8080/").statusCode()).isEqualTo(200);
        }
        // the proxy releases a peer just after the client has its response: wait for the last release
        await().atMost(Duration.ofSeconds(10)).until(
                () -> !get("http://127.0.0.1:8888/dynamic?upstream=backend&verbose=").body().contains("conns=1"));
        assertThat(get("http://127.0.0.1:8888/dynamic?upstream=backend&server=127.0.0.1:9090&down=").body())
                .contains("addr=127.0.0.1:9090 weight=1 max_fails=1 fail_timeout=10 max_conns=0 conns=0 down;");
        assertThat(get("http://127.0.0.1:8080/").body()).isEqualTo("Hello world!");
        assertThat(get("http://127.0.0.1:8888/dynamic?upstream=backend&server=127.0.0.1:9091&down=").statusCode())
                .isEqualTo(200);
        HttpResponse<String> none = get("http://127.0.0.1:8080/");
        assertThat(none.statusCode()).isEqualTo(502);
        assertThat(none.body()).contains("<title>502 Bad Gateway</title>");
        assertThat(get("http://127.0.0.1:8888/dynamic?upstream=backend&remove=&server=127.0.0.1:9091").statusCode())
                .isEqualTo(200);
        get("http://127.0.0.1:8888/dynamic?upstream=backend&server=127.0.0.1:9090&up=");
        assertThat(get("http://127.0.0.1:8080/").body()).isEqualTo("Hello world!");
    }
}

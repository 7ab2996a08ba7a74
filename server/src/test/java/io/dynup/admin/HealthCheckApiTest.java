package io.dynup.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.dynup.model.HealthCheck;
import io.dynup.model.HostResolver;
import io.dynup.model.PeerSpec;
import io.dynup.model.UpstreamKind;
import io.dynup.model.UpstreamSpec;
import io.dynup.upstream.Upstream;
import io.dynup.upstream.UpstreamRegistry;
import io.dynup.upstream.UpstreamService;
import io.dynup.upstream.UpstreamSnapshot;

/**
 * The health check over HTTP without sockets: the JSON API's {@code health_check} with ETag and If-Match, and
 * {@code healthcheck_update} applying all its arguments as one change or none.
 */
class HealthCheckApiTest {

    private final UpstreamService service = new UpstreamService(new UpstreamRegistry(List.of(
            UpstreamSpec.of("backend", UpstreamKind.HTTP, List.of(peer("127.0.0.1:9090"), peer("127.0.0.1:9091")))
                    .withCheck(HealthCheck.defaults().toBuilder().initialUp(true).build()),
            UpstreamSpec.of("plain", UpstreamKind.HTTP, List.of(peer("127.0.0.1:9092"))),
            UpstreamSpec.of("tcp", UpstreamKind.STREAM, List.of(peer("127.0.0.1:9200"))))),
            HostResolver.system(), Runnable::run);
    private final UpstreamApi api = new UpstreamApi(service, () -> 0, () -> 1_700_000_000_000L, true);

    private static PeerSpec peer(String address) {
        int colon = address.indexOf(':');
        return PeerSpec.of(address, address,
                           new InetSocketAddress(address.substring(0, colon),
                                                 Integer.parseInt(address.substring(colon + 1))));
    }

    private UpstreamSnapshot snapshot(UpstreamKind kind, String name) {
        Upstream u = service.registry().find(kind, name);
        return u.snapshot();
    }

    private UpstreamApi.Response patch(String path, String ifMatch, String body) {
        return api.handle("PATCH", path, ifMatch, body.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(UpstreamApi.Response r) {
        return new String(r.json(), StandardCharsets.UTF_8);
    }

    @Test
    void aPatchAtTheGenerationReadAppliesAndAnswersTheNewETag() {
        UpstreamApi.Response read = api.handle("GET", "9/http/upstreams/backend/health_check", null, new byte[0]);
        assertThat(read.status()).isEqualTo(200);
        long etag = read.etag();
        assertThat(etag).isEqualTo(snapshot(UpstreamKind.HTTP, "backend").generation());

        UpstreamApi.Response changed = patch("9/http/upstreams/backend/health_check", "\"" + etag + "\"",
                                             "{\"rise\":3,\"off\":true}");
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.etag()).isEqualTo(etag + 1);
        assertThat(text(changed)).contains("\"rise\":3").contains("\"off\":1");

        UpstreamApi.Response stale = patch("9/http/upstreams/backend/health_check", "\"" + etag + "\"",
                                           "{\"rise\":4}");
        assertThat(stale.status()).isEqualTo(412);
        assertThat(text(stale)).contains("\"code\":\"PreconditionFailed\"");
        assertThat(snapshot(UpstreamKind.HTTP, "backend").check().rise()).isEqualTo(3);
    }

    @Test
    void aPatchGivesAnUpstreamWithoutChecksAnOffCheckUntilTurnedOn() {
        assertThat(api.handle("GET", "9/http/upstreams/plain/health_check", null, new byte[0]).status())
                .isEqualTo(404);
        assertThat(text(patch("9/http/upstreams/plain/health_check", null, "{\"fall\":2}")))
                .contains("\"fall\":2").contains("\"off\":1");
        assertThat(text(patch("9/http/upstreams/plain/health_check", null, "{\"off\":0}"))).contains("\"off\":0");
    }

    @Test
    void refusedPatchesChangeNothing() {
        UpstreamSnapshot before = snapshot(UpstreamKind.HTTP, "backend");
        UpstreamApi.Response bad = patch("9/http/upstreams/backend/health_check", null, "{\"fall\":0}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(text(bad)).contains("\"text\":\"fall: 0 (expected: an integer 1..1000)\"")
                .contains("\"code\":\"UpstreamConfFormatError\"");
        assertThat(patch("9/http/upstreams/backend/health_check", null, "[1]").status()).isEqualTo(400);
        assertThat(patch("9/http/upstreams/backend/health_check", null, "{\"fall\":null}").status()).isEqualTo(400);
        assertThat(text(patch("9/stream/upstreams/tcp/health_check", null, "{\"type\":\"udp\"}")))
                .contains("type: \\\"udp\\\" (expected: tcp, http or ssl)");
        assertThat(api.handle("DELETE", "9/http/upstreams/backend/health_check", null, new byte[0]).status())
                .isEqualTo(405);
        assertThat(snapshot(UpstreamKind.HTTP, "backend")).isSameAs(before);
    }

    @Test
    void healthcheckUpdateAppliesEveryArgumentAsOneChangeOrNone() {
        long g = snapshot(UpstreamKind.HTTP, "backend").generation();
        HealthCheckApiModule.Answer ok = HealthCheckApiModule.update(
                new QueryArgs("upstream=backend&fall=3&disable_host=127.0.0.1:9091&request_uri=/health"), service);
        assertThat(ok.status()).isEqualTo(200);
        UpstreamSnapshot after = snapshot(UpstreamKind.HTTP, "backend");
        assertThat(after.generation()).isEqualTo(g + 1);
        assertThat(after.check().fall()).isEqualTo(3);
        assertThat(after.check().disabledHosts()).containsExactly("127.0.0.1:9091");
        assertThat(after.check().uri()).isEqualTo("/health");

        HealthCheckApiModule.Answer bad = HealthCheckApiModule.update(
                new QueryArgs("upstream=backend&fall=4&enable_host=127.0.0.1:9091&keepalive=0"), service);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.body()).isEqualTo("keepalive: \"0\" (expected: an integer 1..1000000)");
        assertThat(snapshot(UpstreamKind.HTTP, "backend")).isSameAs(after);
    }

    @Test
    void healthcheckGetOfStreamUpstreams() {
        assertThat(HealthCheckApiModule.read(new QueryArgs("stream="), service, s -> java.util.Map.of()).body())
                .isEqualTo("{}");
        assertThat(HealthCheckApiModule.read(new QueryArgs(""), service, s -> java.util.Map.of()).body())
                .isEqualTo("{\"backend\":{}}");
    }
}

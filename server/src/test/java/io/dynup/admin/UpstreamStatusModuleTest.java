package io.dynup.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.dynup.balancer.Attempt;
import io.dynup.balancer.Balancer;
import io.dynup.model.HealthCheck;
import io.dynup.model.HostResolver;
import io.dynup.model.PeerSpec;
import io.dynup.model.UpstreamKind;
import io.dynup.model.UpstreamSpec;
import io.dynup.upstream.Peer;
import io.dynup.upstream.UpstreamRegistry;
import io.dynup.upstream.UpstreamService;

/** The status page: every upstream of both namespaces, peers with state and counters, names escaped. */
class UpstreamStatusModuleTest {

    private final UpstreamService service = new UpstreamService(new UpstreamRegistry(List.of(
            UpstreamSpec.of("web", UpstreamKind.HTTP, List.of(peer("127.0.0.1:9090"), peer("127.0.0.1:9091"))),
            UpstreamSpec.of("tcp", UpstreamKind.STREAM, List.of(peer("127.0.0.1:9200").withDown(true))))),
            host -> {
                throw new java.net.UnknownHostException(host);
            }, Runnable::run);

    @Test
    void listsEveryPeerWithStateAndCounters() {
        Balancer b = Balancer.create(service.registry().find(UpstreamKind.HTTP, "web"), () -> 0L);
        Attempt a = b.newAttempt();
        b.pick(a).state().recordResponse(503);
        b.release(a, true);
        String page = UpstreamStatusModule.page(service, 0);
        assertThat(page).startsWith("<!DOCTYPE html>").contains("<meta http-equiv=\"refresh\" content=\"5\">")
                        .contains("<h2>http upstream web <small>(generation 1)</small></h2>")
                        .contains("<h2>stream upstream tcp <small>(generation 1)</small></h2>")
                        .contains("<tr class=\"unavail\"><td>0</td><td class=\"l\">127.0.0.1:9090</td>")
                        .contains("<tr class=\"up\"><td>1</td>")
                        .contains("<tr class=\"down\"><td>0</td><td class=\"l\">127.0.0.1:9200</td>")
                        // requests 1; 1xx..5xx 0 0 0 0 1; fails 1; unavail 1
                        .contains("<td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>1</td>"
                                  + "<td>1</td><td>1</td>")
                        .endsWith("</body></html>\n");
    }

    @Test
    void showsTheHealthOfCheckedPeersAndTheCheckEscaped() {
        UpstreamService checked = new UpstreamService(new UpstreamRegistry(List.of(
                UpstreamSpec.of("web", UpstreamKind.HTTP, List.of(peer("127.0.0.1:9090"), peer("127.0.0.1:9091"),
                                                                  peer("127.0.0.1:9092")))
                            .withCheck(HealthCheck.defaults().toBuilder().type(HealthCheck.Type.HTTP).fall(2)
                                               .uri("/health?x=<b>").initialUp(true).build()))),
                HostResolver.system(), Runnable::run);
        List<Peer> peers = checked.registry().find(UpstreamKind.HTTP, "web").snapshot().all();
        long failedAt = Instant.parse("2026-11-25T10:15:30.250Z").toEpochMilli();
        peers.get(0).state().recordCheck(false, failedAt, 1, 1);
        peers.get(1).state().recordCheck(false, failedAt - 5000, 2, 1);
        peers.get(1).state().recordCheck(true, failedAt, 2, 1);

        String page = UpstreamStatusModule.page(checked, 0);
        assertThat(page).contains("<p>health check: type=http interval=10000ms timeout=1000ms fall=2 rise=1 "
                                  + "GET /health?x=&lt;b&gt;</p>")
                        .contains("<th>health</th><th>checks</th><th>check fails</th><th>last check failure</th>")
                        // unhealthy: 1 check, 1 failed
                        .containsPattern("<tr class=\"unhealthy\"><td>0</td>.*<td class=\"l\">unhealthy</td>"
                                         + "<td>1</td><td>1</td><td class=\"l\">2026-11-25T10:15:30Z</td></tr>")
                        .containsPattern("<tr class=\"up\"><td>1</td>.*<td class=\"l\">healthy</td>"
                                         + "<td>2</td><td>1</td><td class=\"l\">2026-11-25T10:15:25Z</td></tr>")
                        .containsPattern("<tr class=\"up\"><td>2</td>.*<td class=\"l\">healthy</td>"
                                         + "<td>0</td><td>0</td><td class=\"l\">never</td></tr>");

        assertThat(UpstreamStatusModule.page(service, 0)).as("no check, no health shown").doesNotContain("health check")
                .contains("<td>0</td><td></td><td></td><td></td><td class=\"l\"></td></tr>");
    }

    @Test
    void escapesWhatItShows() {
        assertThat(UpstreamStatusModule.escape("<a href=\"x\">&'"))
                .isEqualTo("&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }

    private static PeerSpec peer(String addr) {
        int c = addr.lastIndexOf(':');
        return PeerSpec.of(addr, addr, new InetSocketAddress(addr.substring(0, c),
                                                            Integer.parseInt(addr.substring(c + 1))));
    }
}

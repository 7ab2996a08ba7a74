package io.dynup.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.junit.jupiter.api.Test;

import io.dynup.config.ConfigParser;
import io.dynup.config.CoreDirectives;
import io.dynup.model.HostResolver;
import io.dynup.model.UpstreamConfig;
import io.dynup.model.UpstreamKind;

class DnsUpdaterTest {

    private final Map<String, InetAddress[]> dns = new ConcurrentHashMap<>();
    private final HostResolver resolver = host -> {
        InetAddress[] a = dns.get(host);
        if (a == null) {
            throw new UnknownHostException(host);
        }
        return a;
    };

    @Test
    void upstreamsWithDnsUpdateFollowTheirHostNames() throws Exception {
        dns.put("app.local", new InetAddress[] {InetAddress.getByName("10.0.0.1")});
        UpstreamRegistry registry = new UpstreamRegistry(UpstreamConfig.bind(ConfigParser.parseString(
                "http {\n upstream dyn { server app.local:8080; dns_update 50ms; }\n"
                + " upstream fixed { server app.local:8080; }\n}\n",
                Path.of("/t/nginx.conf"), CoreDirectives.table()), resolver));
        UpstreamService service = new UpstreamService(registry, resolver, Runnable::run);
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try (DnsUpdater updater = DnsUpdater.start(service, scheduler)) {
            assertThat(updater.size()).isEqualTo(1);
            dns.put("app.local", new InetAddress[] {InetAddress.getByName("10.0.0.2"),
                                                   InetAddress.getByName("10.0.0.3")});
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                    service.getPeers(UpstreamKind.HTTP, "dyn").get()).extracting(Peer::name)
                    .containsExactly("10.0.0.2:8080", "10.0.0.3:8080"));
            assertThat(service.getPeers(UpstreamKind.HTTP, "fixed").get()).extracting(Peer::name)
                    .containsExactly("10.0.0.1:8080");
        } finally {
            scheduler.shutdownNow();
        }
    }
}

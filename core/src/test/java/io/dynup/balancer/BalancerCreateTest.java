package io.dynup.balancer;

import static io.dynup.testing.Peers.peer;
import static io.dynup.testing.Peers.upstream;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.dynup.model.Balancing;
import io.dynup.testing.FakeTicker;

class BalancerCreateTest {

    private static Class<?> created(Balancing balancing) {
        return Balancer.create(upstream(balancing, peer('A'), peer('B')), new FakeTicker()).getClass();
    }

    @Test
    void eachMethodGetsItsBalancer() {
        assertThat(created(Balancing.ROUND_ROBIN)).isEqualTo(RoundRobinBalancer.class);
        assertThat(created(Balancing.LEAST_CONN)).isEqualTo(LeastConnBalancer.class);
        assertThat(created(Balancing.IP_HASH)).isEqualTo(IpHashBalancer.class);
        assertThat(created(Balancing.hash("$request_uri", false))).isEqualTo(HashBalancer.class);
        assertThat(created(Balancing.hash("$request_uri", true))).isEqualTo(ConsistentHashBalancer.class);
        assertThat(created(Balancing.random(false))).isEqualTo(RandomBalancer.class);
        assertThat(created(Balancing.random(true))).isEqualTo(RandomBalancer.class);
    }
}

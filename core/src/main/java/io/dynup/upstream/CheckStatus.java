package io.dynup.upstream;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The peers of an upstream as ngx_dynamic_healthcheck's {@code status} shows them, for every API that does:
 * {@code {primary = {[name] = {down, fall, rise, fall_total, rise_total}}, backup = {...}}}. {@code down} is 1
 * when the peer is not selectable for its health ({@code unhealthy}, {@code checking}, {@code disabled}) or the
 * operator's {@code down}, as the module's one {@code down} flag meant both; {@code fall} and {@code rise} are the
 * failed and passed checks in a row, the totals every check made. Both tiers are always there (the module
 * leaves out an empty backup tier).
 */
public final class CheckStatus {

    private CheckStatus() {
    }

    /** Insertion-ordered maps of integers, by tier then peer name. */
    public static Map<String, Object> view(UpstreamSnapshot snapshot) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("primary", tier(snapshot.primary()));
        m.put("backup", tier(snapshot.backup()));
        return m;
    }

    private static Map<String, Object> tier(List<Peer> peers) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Peer p : peers) {
            PeerState s = p.state();
            Map<String, Object> peer = new LinkedHashMap<>();
            peer.put("down", p.spec().down() || s.health() != HealthStatus.HEALTHY ? 1 : 0);
            peer.put("fall", s.consecutiveFails());
            peer.put("rise", s.consecutivePasses());
            peer.put("fall_total", s.checkFails());
            peer.put("rise_total", s.checkPasses());
            m.put(p.spec().name(), peer);
        }
        return m;
    }
}

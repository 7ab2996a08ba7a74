package io.dynup.upstream;

import java.util.concurrent.atomic.LongAdder;

/**
 * The runtime state of one peer, nginx's {@code ngx_http_upstream_rr_peer_t} counters. One object per peer
 * identity: it is carried from snapshot to snapshot when the peer's parameters change, so failures and
 * active connections survive a weight edit, and a request releases to the object it was given, so a peer
 * removed mid-request drains correctly.
 *
 * <p>Balancing fields are read and written only under the lock of the upstream's balancer (nginx takes the
 * zone's {@code peers_wlock} for the same reason: smooth weighted round robin updates every peer on each
 * pick). {@code conns} and {@code fails} are volatile so status readers see recent values without the lock.
 *
 * <p>The statistics the JSON API and the status page show (NGINX Plus's {@code requests}, {@code fails},
 * {@code unavail}, {@code selected}) are counted by the balancer under the same lock, so they cost a field
 * write; only {@code responses}, recorded by the proxy outside any lock, are adders.
 *
 * <p>The active health of the peer lives here too, so it survives weight edits and reloads like the
 * counters do. Checks record their verdicts under this object's monitor (one prober per peer, but a reload
 * may briefly overlap two); the balancer reads only the volatile {@link #health()}.
 */
public final class PeerState {

    private int currentWeight;
    private int effectiveWeight;
    /** The weight {@code effectiveWeight} was last reset for; a weight edit resets it (see balancer). */
    private int weightApplied;
    private volatile int conns;
    private volatile int fails;
    /** nginx starts these at the epoch, i.e. long ago; the ticker's origin is arbitrary, so say so. */
    private long accessedMillis = LONG_AGO;
    private long checkedMillis = LONG_AGO;

    private volatile long requests;
    private volatile long failures;
    private volatile long unavail;
    private volatile long selectedMillis;
    /** Responses by status class, 1xx at index 0. */
    private final LongAdder[] responses = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder(),
                                           new LongAdder()};

    private volatile HealthStatus health = HealthStatus.HEALTHY;
    /** Guarded by {@code this}: the current run of failed or passed checks. */
    private int consecutiveFails;
    private int consecutivePasses;
    private volatile long checks;
    private volatile long checkFails;
    private volatile long unhealthyTimes;
    private volatile boolean lastPassed;
    /** Wall-clock epoch milliseconds of the last failed and passed check, 0 for never. */
    private volatile long lastFailureEpochMillis;
    private volatile long lastPassEpochMillis;

    /** Far enough in the past for any fail_timeout, far enough from overflow for any subtraction. */
    private static final long LONG_AGO = Long.MIN_VALUE / 4;

    PeerState(int weight) {
        this.effectiveWeight = weight;
        this.weightApplied = weight;
    }

    PeerState(int weight, HealthStatus initialHealth) {
        this(weight);
        this.health = initialHealth;
    }

    /** A state for a peer built outside a registry (benchmarks, balancer tests). */
    public static PeerState forWeight(int weight) {
        return new PeerState(weight);
    }

    public int currentWeight() {
        return currentWeight;
    }

    public void currentWeight(int v) {
        currentWeight = v;
    }

    public int effectiveWeight() {
        return effectiveWeight;
    }

    public void effectiveWeight(int v) {
        effectiveWeight = v;
    }

    public int weightApplied() {
        return weightApplied;
    }

    public void weightApplied(int v) {
        weightApplied = v;
    }

    /** Requests currently using this peer. */
    public int conns() {
        return conns;
    }

    @SuppressWarnings("NonAtomicOperationOnVolatileField") // written under the balancer lock only
    public void incrementConns() {
        conns++;
    }

    @SuppressWarnings("NonAtomicOperationOnVolatileField")
    public void decrementConns() {
        if (conns > 0) {
            conns--;
        }
    }

    /** Failures counted toward {@code max_fails} in the current window. */
    public int fails() {
        return fails;
    }

    public void fails(int v) {
        fails = v;
    }

    public long accessedMillis() {
        return accessedMillis;
    }

    public void accessedMillis(long v) {
        accessedMillis = v;
    }

    public long checkedMillis() {
        return checkedMillis;
    }

    public void checkedMillis(long v) {
        checkedMillis = v;
    }

    /** The balancer gave this peer a request at {@code nowMillis} (ticker time); under the balancer lock. */
    @SuppressWarnings("NonAtomicOperationOnVolatileField")
    public void recordSelected(long nowMillis) {
        requests++;
        selectedMillis = nowMillis;
    }

    /**
     * An attempt failed; {@code disabled} when it took the peer out for {@code fail_timeout} (nginx logs
     * "upstream server temporarily disabled"). Under the balancer lock.
     */
    @SuppressWarnings("NonAtomicOperationOnVolatileField")
    public void recordFailure(boolean disabled) {
        failures++;
        if (disabled) {
            unavail++;
        }
    }

    /** The peer answered with {@code status}; statuses outside 100..599 are not counted. */
    public void recordResponse(int status) {
        if (status >= 100 && status < 600) {
            responses[status / 100 - 1].increment();
        }
    }

    /** Requests the balancer gave this peer, retries included (Plus's {@code requests}). */
    public long requests() {
        return requests;
    }

    /** Failed attempts ever (Plus's {@code fails}); {@link #fails()} is the count in the current window. */
    public long failures() {
        return failures;
    }

    /** Times the peer became unavailable by reaching {@code max_fails} (Plus's {@code unavail}). */
    public long unavail() {
        return unavail;
    }

    /** Ticker time of the last selection; meaningful once {@link #requests()} is not zero. */
    public long selectedMillis() {
        return selectedMillis;
    }

    /** Responses of status class {@code statusClass} (1 for 1xx ... 5 for 5xx). */
    public long responses(int statusClass) {
        return responses[statusClass - 1].sum();
    }

    /** Responses of every class. */
    public long responsesTotal() {
        long total = 0;
        for (LongAdder a : responses) {
            total += a.sum();
        }
        return total;
    }

    /** Whether active checks let the balancer select this peer; an operator's {@code down} is separate. */
    public HealthStatus health() {
        return health;
    }

    /**
     * Records one check's verdict at {@code epochMillis} (wall clock): {@code fall} failures in a row make the peer
     * unhealthy, {@code rise} passes in a row (one, for a peer still {@code checking}) healthy.
     *
     * @return the status after the check
     */
    @SuppressWarnings("NonAtomicOperationOnVolatileField") // written under this object's monitor only
    public synchronized HealthStatus recordCheck(boolean passed, long epochMillis, int fall, int rise) {
        if (health == HealthStatus.DISABLED) {
            return health; // a probe that was in flight when the peer was disabled
        }
        checks++;
        lastPassed = passed;
        if (passed) {
            lastPassEpochMillis = epochMillis;
            consecutiveFails = 0;
            consecutivePasses++;
            if (health == HealthStatus.CHECKING || health == HealthStatus.UNHEALTHY && consecutivePasses >= rise) {
                health = HealthStatus.HEALTHY;
            }
        } else {
            checkFails++;
            lastFailureEpochMillis = epochMillis;
            consecutivePasses = 0;
            consecutiveFails++;
            if (health == HealthStatus.HEALTHY && consecutiveFails >= fall) {
                health = HealthStatus.UNHEALTHY;
                unhealthyTimes++;
            }
        }
        return health;
    }

    /** The upstream no longer has checks: whatever they decided no longer holds. */
    public synchronized void resetHealth() {
        startHealth(HealthStatus.HEALTHY);
    }

    /**
     * Starts the health over at {@code status}, as for a new peer: consecutive counts cleared, totals kept.
     * {@link HealthStatus#DISABLED} holds the peer out of service until started over again.
     */
    synchronized void startHealth(HealthStatus status) {
        health = status;
        consecutiveFails = 0;
        consecutivePasses = 0;
    }

    /** Whether active checks have judged this peer or hold it back: the APIs show its health then. */
    public boolean checked() {
        return checks != 0 || health != HealthStatus.HEALTHY;
    }

    /** Failed checks in a row now (ngx_dynamic_healthcheck's {@code fall} in its status). */
    public synchronized int consecutiveFails() {
        return consecutiveFails;
    }

    /** Passed checks in a row now (ngx_dynamic_healthcheck's {@code rise} in its status). */
    public synchronized int consecutivePasses() {
        return consecutivePasses;
    }

    /** Checks made (Plus's {@code health_checks.checks}). */
    public long checks() {
        return checks;
    }

    /** Checks failed (Plus's {@code health_checks.fails}; ngx_dynamic_healthcheck's {@code fall_total}). */
    public long checkFails() {
        return checkFails;
    }

    /** Checks passed (ngx_dynamic_healthcheck's {@code rise_total}). */
    public long checkPasses() {
        return checks - checkFails;
    }

    /** Times the peer became unhealthy (Plus's {@code health_checks.unhealthy}). */
    public long unhealthyTimes() {
        return unhealthyTimes;
    }

    /** Whether the last check passed (Plus's {@code health_checks.last_passed}); false before any check. */
    public boolean lastPassed() {
        return lastPassed;
    }

    /** Epoch milliseconds of the last failed check, 0 for none. */
    public long lastFailureEpochMillis() {
        return lastFailureEpochMillis;
    }

    /** Epoch milliseconds of the last passed check, 0 for none. */
    public long lastPassEpochMillis() {
        return lastPassEpochMillis;
    }

    @Override
    public String toString() {
        return "conns=" + conns + " fails=" + fails + " cw=" + currentWeight + " ew=" + effectiveWeight
               + (health == HealthStatus.HEALTHY ? "" : " " + health.label());
    }
}

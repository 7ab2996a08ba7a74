package io.dynup.upstream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dynup.model.UpstreamKind;

/**
 * Runs {@code dns_update}: every upstream that sets it has its peers' host names resolved again at that
 * interval, on the given scheduler (never an event loop, since lookups block). Lookups of one upstream
 * never overlap (fixed delay).
 */
public final class DnsUpdater implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(DnsUpdater.class);

    private final List<ScheduledFuture<?>> tasks = new ArrayList<>();

    private DnsUpdater() {
    }

    /** Schedules refreshes for every upstream of {@code service}'s registry that sets {@code dns_update}. */
    public static DnsUpdater start(UpstreamService service, ScheduledExecutorService scheduler) {
        DnsUpdater updater = new DnsUpdater();
        for (UpstreamKind kind : UpstreamKind.values()) {
            for (Upstream u : service.registry().upstreams(kind)) {
                Duration every = u.config().dnsUpdate();
                if (every == null) {
                    continue;
                }
                long ms = Math.max(1, every.toMillis());
                updater.tasks.add(scheduler.scheduleWithFixedDelay(() -> refresh(service, kind, u.name()),
                                                                   ms, ms, TimeUnit.MILLISECONDS));
            }
        }
        return updater;
    }

    private static void refresh(UpstreamService service, UpstreamKind kind, String name) {
        try {
            service.refreshDns(kind, name);
        } catch (RuntimeException e) {
            // a failed round must not cancel the schedule
            logger.error("dns_update of upstream \"{}\" failed", name, e);
        }
    }

    /** Number of upstreams being refreshed. */
    public int size() {
        return tasks.size();
    }

    @Override
    public void close() {
        tasks.forEach(t -> t.cancel(false));
    }
}

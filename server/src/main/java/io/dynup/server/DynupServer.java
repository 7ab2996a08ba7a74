package io.dynup.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dynup.admin.DynamicUpstreamModule;
import io.dynup.admin.HealthCheckApiModule;
import io.dynup.admin.UpstreamApiModule;
import io.dynup.admin.UpstreamStatusModule;
import io.dynup.balancer.Balancers;
import io.dynup.config.Config;
import io.dynup.config.ConfigException;
import io.dynup.config.CoreDirectives;
import io.dynup.config.Directive;
import io.dynup.config.DirectiveTable;
import io.dynup.health.HealthChecker;
import io.dynup.http.CoreHttpModule;
import io.dynup.http.HttpModule;
import io.dynup.http.HttpRuntime;
import io.dynup.http.HttpServer;
import io.dynup.http.HttpServices;
import io.dynup.http.Transport;
import io.dynup.http.access.AccessModule;
import io.dynup.http.log.AccessLogModule;
import io.dynup.http.log.LogFiles;
import io.dynup.http.rewrite.RewriteModule;
import io.dynup.internal.Ticker;
import io.dynup.lua.LuaModule;
import io.dynup.model.HostResolver;
import io.dynup.model.UpstreamConfig;
import io.dynup.proxy.ProxyModule;
import io.dynup.stream.StreamDirectives;
import io.dynup.stream.StreamRuntime;
import io.dynup.stream.StreamServer;
import io.dynup.state.StateFiles;
import io.dynup.upstream.DnsUpdater;
import io.dynup.upstream.UpstreamRegistry;
import io.dynup.upstream.UpstreamService;
import io.netty.channel.EventLoopGroup;

/**
 * A running dynup: the composition root that turns a parsed configuration into upstreams, the mutation
 * service, balancers and listening HTTP servers, and the only place that constructs them.
 */
public final class DynupServer implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(DynupServer.class);

    /** How long a graceful quit waits for open connections. */
    private static final Duration DRAIN_LIMIT = Duration.ofSeconds(30);

    /** The layers of the HTTP server, in the order they are asked for a location's content handler. */
    static List<HttpModule> modules() {
        return List.of(new CoreHttpModule(), new ProxyModule(), new DynamicUpstreamModule(), new RewriteModule(),
                       new AccessModule(), new AccessLogModule(), new UpstreamApiModule(), new UpstreamStatusModule(),
                       new HealthCheckApiModule(), new LuaModule());
    }

    /** Every directive this build understands. */
    static DirectiveTable directives() {
        DirectiveTable.Builder b = DirectiveTable.builder().addAll(CoreDirectives.ALL).addAll(StreamDirectives.ALL);
        for (HttpModule m : modules()) {
            b.addAll(m.directives());
        }
        return b.build();
    }

    private final HostResolver resolver = HostResolver.system();
    private final Balancers balancers = new Balancers(Ticker.system());
    private final LogFiles logFiles;
    private final StateFiles stateFiles = new StateFiles();
    private final EventLoopGroup acceptors;
    private final EventLoopGroup workers;
    private final ScheduledExecutorService background;
    private volatile UpstreamService upstreams;
    private DnsUpdater dns;
    private @Nullable HttpServer http;
    private @Nullable StreamServer stream;
    private final Transport transport = Transport.best();
    private final HealthChecker health;
    /** The configuration served now, retired when a reload replaces it or at stop (its Lua VMs close). */
    private @Nullable HttpRuntime runtime;

    private DynupServer(Config config, Path prefix) throws InterruptedException {
        logFiles = LogFiles.at(prefix);
        // host names added at run time are resolved here, never on an event loop
        background = Executors.newScheduledThreadPool(1, r -> {
            Thread t = new Thread(r, "dynup-background");
            t.setDaemon(true);
            return t;
        });
        UpstreamRegistry registry = new UpstreamRegistry(UpstreamConfig.bind(config, resolver), null, stateFiles);
        registry.takeOver();
        upstreams = new UpstreamService(registry, resolver, background);
        dns = DnsUpdater.start(upstreams, background);
        HttpRuntime runtime = runtime(config, upstreams);
        StreamRuntime streamRuntime = StreamRuntime.build(config, registry, balancers);
        int n = workerProcesses(config);
        acceptors = transport.newGroup(1, "dynup-accept");
        workers = transport.newGroup(n, "dynup-worker");
        health = new HealthChecker(workers, transport);
        try {
            health.follow(upstreams);
            if (runtime != null) {
                http = HttpServer.start(runtime, transport, acceptors, workers);
                this.runtime = runtime;
                runtime.activate(workers);
            }
            if (streamRuntime != null) {
                stream = StreamServer.start(streamRuntime, upstreams, transport, acceptors, workers);
            }
        } catch (InterruptedException | RuntimeException e) {
            close();
            throw e;
        }
        logger.info("dynup started: {} worker(s), {} transport", n, transport);
    }

    private @Nullable HttpRuntime runtime(Config config, UpstreamService service) {
        Directive block = config.first("http").orElse(null);
        return block == null ? null : HttpRuntime.build(block, modules(),
                new HttpServices(service.registry(), service, balancers, logFiles));
    }

    /**
     * nginx's reload (SIGHUP): the new configuration is parsed and bound first; if anything fails, the old one
     * keeps running and the error is logged. Otherwise new connections get the new configuration (requests in
     * flight finish on the old one), listeners follow the new {@code listen}s, and upstreams keep their
     * run-time changes and peer counters, replayed on an edited block (docs/STATE.md); a change that races the
     * reload lands once, on the new upstream.
     *
     * @return whether the new configuration took effect
     */
    public synchronized boolean reload(Supplier<Config> loader) {
        try {
            Config config = loader.get();
            UpstreamRegistry registry = new UpstreamRegistry(UpstreamConfig.bind(config, resolver),
                                                             upstreams.registry(), stateFiles);
            UpstreamService service = new UpstreamService(registry, resolver, background);
            HttpRuntime runtime = runtime(config, service);
            StreamRuntime streamRuntime = StreamRuntime.build(config, registry, balancers);
            registry.takeOver(() -> {
                if (http != null && runtime != null) {
                    http.update(runtime);
                    runtime.activate(workers);
                    HttpRuntime old = this.runtime;
                    this.runtime = runtime;
                    if (old != null) {
                        old.retire();
                    }
                } else if (runtime != null) {
                    runtime.retire();
                }
                updateStream(streamRuntime, service);
            });
            dns.close();
            dns = DnsUpdater.start(service, background);
            upstreams = service;
            health.follow(service);
            logger.info("reconfiguring: done");
            return true;
        } catch (ConfigException e) {
            logger.error("[emerg] {}; the running configuration is kept", e.getMessage());
        } catch (RuntimeException e) {
            logger.error("reload failed; the running configuration is kept", e);
        }
        return false;
    }

    /**
     * Stream listeners follow the reload like http ones: a new {@code stream} server starts, one no longer
     * configured stops accepting while its relays finish.
     */
    private void updateStream(@Nullable StreamRuntime next, UpstreamService service) {
        if (next == null) {
            if (stream != null) {
                stream.stopAccepting();
            }
        } else if (stream != null) {
            stream.update(next, service);
        } else {
            try {
                stream = StreamServer.start(next, service, transport, acceptors, workers);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while binding stream listeners", e);
            }
        }
    }

    /** nginx's graceful quit (SIGQUIT): stop accepting, let requests and relays in flight finish, then stop. */
    public void quit() {
        long deadline = System.nanoTime() + DRAIN_LIMIT.toNanos();
        if (stream != null) {
            stream.stopAccepting();
        }
        if (http != null) {
            http.shutdownGracefully(DRAIN_LIMIT);
        }
        if (stream != null) {
            stream.awaitIdle(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
        close();
    }

    /** {@link #check(Config, Path)} relative to the working directory. */
    public static void check(Config config) {
        check(config, Path.of(""));
    }

    /**
     * Binds everything {@code config} declares without opening sockets: what {@code -t} checks (log files are
     * opened, as nginx does, relative to {@code prefix}).
     */
    public static void check(Config config, Path prefix) {
        UpstreamRegistry registry = new UpstreamRegistry(UpstreamConfig.bind(config, HostResolver.system()));
        UpstreamService service = new UpstreamService(registry, HostResolver.system(), Runnable::run);
        workerProcesses(config);
        try (LogFiles files = LogFiles.at(prefix)) {
            HttpServices services = new HttpServices(registry, service, new Balancers(Ticker.system()), files);
            for (Directive http : config.all("http")) {
                HttpRuntime.build(http, modules(), services);
            }
            StreamRuntime.build(config, registry, services.balancers());
        }
    }

    /** Starts serving {@code config}, relative paths against the working directory. */
    public static DynupServer start(Config config) throws InterruptedException {
        return start(config, Path.of(""));
    }

    /**
     * Starts serving {@code config}; relative paths ({@code access_log}) resolve against {@code prefix} ({@code
     * -p}). Bind failures and config errors are thrown, nothing is left running.
     */
    public static DynupServer start(Config config, Path prefix) throws InterruptedException {
        return new DynupServer(config, prefix);
    }

    /** nginx's reopen (SIGUSR1): the access logs are reopened, after a rotation moved them away. */
    public void reopenLogs() {
        logFiles.reopen();
    }

    /** The mutation service of the running configuration. */
    public UpstreamService upstreams() {
        return upstreams;
    }

    public @Nullable HttpServer httpServer() {
        return http;
    }

    public @Nullable StreamServer streamServer() {
        return stream;
    }

    /** nginx's {@code worker_processes N|auto}: event-loop threads. */
    static int workerProcesses(Config config) {
        @Nullable Directive d = config.first("worker_processes").orElse(null);
        if (d == null) {
            return 1;
        }
        if (d.arg(0).equals("auto")) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int n = Integer.parseInt(d.arg(0));
            if (n > 0 && n <= 1024) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to nginx's message
        }
        throw ConfigException.at(d.pos(), "invalid value \"%s\" in \"worker_processes\" directive", d.arg(0));
    }

    /** The active health checks of the running configuration. */
    public HealthChecker healthChecker() {
        return health;
    }

    @Override
    public void close() {
        health.close();
        if (http != null) {
            http.close();
        }
        if (stream != null) {
            stream.close();
        }
        HttpRuntime r = runtime;
        runtime = null;
        if (r != null) {
            r.retire();
        }
        dns.close();
        background.shutdownNow();
        stateFiles.close();
        acceptors.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        // requests ending while the workers stop are logged: the log files close after them
        workers.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(6, TimeUnit.SECONDS);
        logFiles.close();
    }
}

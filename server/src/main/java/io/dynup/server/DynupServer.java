package io.dynup.server;

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
import io.dynup.balancer.Balancers;
import io.dynup.config.Config;
import io.dynup.config.ConfigException;
import io.dynup.config.CoreDirectives;
import io.dynup.config.Directive;
import io.dynup.config.DirectiveTable;
import io.dynup.http.CoreHttpModule;
import io.dynup.http.HttpModule;
import io.dynup.http.HttpRuntime;
import io.dynup.http.HttpServer;
import io.dynup.http.HttpServices;
import io.dynup.http.Transport;
import io.dynup.internal.Ticker;
import io.dynup.model.HostResolver;
import io.dynup.model.UpstreamConfig;
import io.dynup.proxy.ProxyModule;
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

    /** The layers of the HTTP server, in the order they are asked for a location's content handler. */
    static List<HttpModule> modules() {
        return List.of(new CoreHttpModule(), new ProxyModule(), new DynamicUpstreamModule());
    }

    /** Every directive this build understands. */
    static DirectiveTable directives() {
        DirectiveTable.Builder b = DirectiveTable.builder().addAll(CoreDirectives.ALL);
        for (HttpModule m : modules()) {
            b.addAll(m.directives());
        }
        return b.build();
    }

    private final HostResolver resolver = HostResolver.system();
    private final Balancers balancers = new Balancers(Ticker.system());
    private final StateFiles stateFiles = new StateFiles();
    private final EventLoopGroup acceptors;
    private final EventLoopGroup workers;
    private final ScheduledExecutorService background;
    private volatile UpstreamService upstreams;
    private DnsUpdater dns;
    private @Nullable HttpServer http;

    private DynupServer(Config config) throws InterruptedException {
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
        Transport transport = Transport.best();
        int n = workerProcesses(config);
        acceptors = transport.newGroup(1, "dynup-accept");
        workers = transport.newGroup(n, "dynup-worker");
        try {
            if (runtime != null) {
                http = HttpServer.start(runtime, transport, acceptors, workers);
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
                new HttpServices(service.registry(), service, balancers));
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
            registry.takeOver(() -> {
                if (http != null && runtime != null) {
                    http.update(runtime);
                }
            });
            dns.close();
            dns = DnsUpdater.start(service, background);
            upstreams = service;
            logger.info("reconfiguring: done");
            return true;
        } catch (ConfigException e) {
            logger.error("[emerg] {}; the running configuration is kept", e.getMessage());
        } catch (RuntimeException e) {
            logger.error("reload failed; the running configuration is kept", e);
        }
        return false;
    }

    /** nginx's graceful quit (SIGQUIT): stop accepting, let requests in flight finish, then stop. */
    public void quit() {
        if (http != null) {
            http.shutdownGracefully(Duration.ofSeconds(30));
        }
        close();
    }

    /** Binds everything {@code config} declares without opening sockets: what {@code -t} checks. */
    public static void check(Config config) {
        UpstreamRegistry registry = new UpstreamRegistry(UpstreamConfig.bind(config, HostResolver.system()));
        UpstreamService service = new UpstreamService(registry, HostResolver.system(), Runnable::run);
        HttpServices services = new HttpServices(registry, service, new Balancers(Ticker.system()));
        workerProcesses(config);
        for (Directive http : config.all("http")) {
            HttpRuntime.build(http, modules(), services);
        }
    }

    /** Starts serving {@code config}; bind failures and config errors are thrown, nothing is left running. */
    public static DynupServer start(Config config) throws InterruptedException {
        return new DynupServer(config);
    }

    /** The mutation service of the running configuration. */
    public UpstreamService upstreams() {
        return upstreams;
    }

    public @Nullable HttpServer httpServer() {
        return http;
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

    @Override
    public void close() {
        if (http != null) {
            http.close();
        }
        dns.close();
        background.shutdownNow();
        stateFiles.close();
        acceptors.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 5, TimeUnit.SECONDS);
    }
}

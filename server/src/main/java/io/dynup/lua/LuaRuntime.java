package io.dynup.lua;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dynup.lua.lib.LuaLibraries;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;

/**
 * The Lua side of one loaded configuration: one {@link LuaVm} per worker event loop, made on that loop when it
 * first runs Lua, prepared as an OpenResty worker is: {@code lua_package_path}, the libraries,
 * {@code init_by_lua}, then {@code init_worker_by_lua}. A reload retires it: each VM exits once its requests in
 * flight are done.
 *
 * <p>Difference from OpenResty: {@code init_by_lua} runs once when the configuration loads, as OpenResty runs it
 * in the master (its errors refuse the configuration), and again in every VM, since VMs are not forked from a
 * master state: its globals are per VM, what it puts in {@code ngx.shared} dictionaries is shared.
 */
final class LuaRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(LuaRuntime.class);

    private final LuaLibraries libraries;
    private final @Nullable String packagePath;
    private final @Nullable String packageCpath;
    private final @Nullable LuaCode init;
    private final @Nullable LuaCode initWorker;
    private final Map<EventExecutor, LuaWorker> workers = new ConcurrentHashMap<>();
    private volatile boolean retired;
    private volatile boolean used;

    LuaRuntime(LuaLibraries libraries, @Nullable String packagePath, @Nullable String packageCpath,
               @Nullable LuaCode init, @Nullable LuaCode initWorker) {
        this.libraries = libraries;
        this.packagePath = packagePath;
        this.packageCpath = packageCpath;
        this.init = init;
        this.initWorker = initWorker;
    }

    /**
     * The worker of {@code loop}, made now if it has none; call on {@code loop}. Null once the configuration is
     * retired and that worker's VM has closed (a late phase of a request in flight then does without Lua).
     */
    @Nullable LuaWorker worker(EventExecutor loop) {
        LuaWorker w = workers.get(loop);
        if (w == null) {
            w = start(loop);
            workers.put(loop, w);
            if (retired) {
                exitLater(w);
            }
        }
        return w.vm().isClosed() ? null : w;
    }

    private LuaWorker start(EventExecutor loop) {
        LuaVm vm = new LuaVm();
        LuaScheduler scheduler = LuaScheduler.of(loop);
        int id = 0;
        int count = 0;
        if (loop.parent() == null) {
            count = 1;
        } else {
            for (EventExecutor e : loop.parent()) {
                if (e == loop) {
                    id = count;
                }
                count++;
            }
        }
        vm.worker(id, count, scheduler);
        vm.packagePaths(packagePath, packageCpath);
        libraries.open(vm.main(), vm);
        LuaCode i = init;
        if (i != null) {
            String err = vm.runInit(i.name(), i.text());
            if (err != null) {
                LOG.error("init_by_lua error: {}", err);
            }
        }
        LuaCode iw = initWorker;
        if (iw != null) {
            vm.thread(iw.chunk(vm), LuaPhase.INIT_WORKER, scheduler).start();
        }
        return new LuaWorker(loop, vm, scheduler);
    }

    /**
     * Runs {@code init_by_lua} on the loading thread in a VM of its own, as OpenResty does at load time.
     *
     * @return null, or the Lua error
     */
    @Nullable String loadInit() {
        LuaCode i = init;
        if (i == null) {
            return null;
        }
        try (LuaVm vm = new LuaVm()) {
            vm.packagePaths(packagePath, packageCpath);
            libraries.open(vm.main(), vm);
            return vm.runInit(i.name(), i.text());
        }
    }

    /** Whether the configuration has any Lua to run (else no worker needs a VM). */
    boolean hasCode() {
        return used || init != null || initWorker != null;
    }

    /** A location of the configuration runs Lua. */
    void used() {
        used = true;
    }

    /** Makes every worker's VM on its loop now, as nginx workers run init_worker_by_lua when they start. */
    void activate(EventLoopGroup loops) {
        for (EventExecutor loop : loops) {
            loop.execute(() -> worker(loop));
        }
    }

    /** The configuration is no longer served: every VM exits on its loop (pending timers run premature). */
    void retire() {
        retired = true;
        for (LuaWorker w : workers.values()) {
            exitLater(w);
        }
    }

    private static void exitLater(LuaWorker w) {
        if (!w.loop().isShuttingDown()) {
            w.loop().execute(() -> {
                if (!w.vm().isClosed()) {
                    w.vm().exit();
                }
            });
        }
    }
}

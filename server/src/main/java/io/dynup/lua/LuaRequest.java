package io.dynup.lua;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import party.iroiro.luajava.Lua;

/**
 * One request's run of a chunk: a coroutine on its worker's {@link LuaVm} (OpenResty's entry thread). Output
 * goes to a {@link LuaOutput}; {@code ngx.sleep} suspends the coroutine and a {@link LuaScheduler} task resumes
 * it, so suspended requests cost no thread. When the coroutine ends (normally, by {@code ngx.exit}, by error,
 * or by {@link #cancel()}) it is released at once: a coroutine whose chunk returned goes back to the VM for the
 * next entry thread, any other is freed with its registry reference and luajava's thread record.
 *
 * <p>The same class runs every kind of Lua entry thread ({@link LuaPhase}): request phases, timers and
 * {@code init_worker_by_lua}; the phase decides which parts of the API work.
 */
public final class LuaRequest {

    private static final Logger LOG = LoggerFactory.getLogger(LuaRequest.class);

    private final LuaVm vm;
    private final LuaChunk chunk;
    private final LuaOutput output;
    private final LuaScheduler scheduler;
    private final LuaPhase phase;
    private final @Nullable LuaHttpRequest http;
    private final LuaResponse response;
    private LuaVm.@Nullable EntryThread entry;
    /** Coroutines created by the script that called into Java (luajava keeps a record of each). */
    private @Nullable List<Lua> adopted;
    private boolean done;
    /** What the coroutine asked for when it yielded. */
    private boolean exited;
    private int exitStatus = -1;
    private long sleepMillis = -1;
    /** Suspended until Java code calls {@link #wake()} (the request body arrived). */
    private boolean waiting;

    LuaRequest(LuaVm vm, LuaChunk chunk, LuaOutput output, LuaScheduler scheduler, LuaPhase phase,
               @Nullable LuaHttpRequest http, LuaResponse response) {
        this.vm = vm;
        this.chunk = chunk;
        this.output = output;
        this.scheduler = scheduler;
        this.phase = phase;
        this.http = http;
        this.response = response;
    }

    /** Runs the chunk until it ends or first suspends. */
    public void start() {
        start(null, 0);
    }

    /** Runs the chunk with {@code nargs} arguments pushed by {@code args}. */
    void start(@Nullable Consumer<Lua> args, int nargs) {
        vm.checkThread();
        if (entry != null || done) {
            throw new IllegalStateException("request already started");
        }
        LuaVm.EntryThread e = vm.entryThread();
        Lua t = e.lua();
        entry = e;
        vm.started();
        t.refGet(chunk.ref);
        if (args != null) {
            args.accept(t);
        }
        resume(nargs);
    }

    /** Whether the request ended (its output was finished or aborted). */
    public boolean isDone() {
        return done;
    }

    /** {@code ngx.status}: 0 until set or sent (OpenResty's value before the head goes out). */
    public int status() {
        return response.status;
    }

    public LuaPhase phase() {
        return phase;
    }

    /** The argument of {@code ngx.exit} once called, else -1 (the chunk ended, or has not yet). */
    public int exitCode() {
        return exited ? exitStatus : -1;
    }

    /**
     * Wakes a request suspended by {@link #awaitWake()}: its coroutine resumes from the scheduler. Does nothing
     * if it is not waiting or already ended.
     */
    void wake() {
        if (waiting && !done) {
            waiting = false;
            scheduler.schedule(this::resume, 0);
        }
    }

    /** The coroutine is about to yield and stays suspended until {@link #wake()}. */
    void awaitWake() {
        waiting = true;
    }

    @Nullable LuaHttpRequest http() {
        return http;
    }

    /**
     * Ends a suspended request without output (the client went away): its coroutine is released, pending
     * resumptions do nothing, and the output is not called again.
     */
    public void cancel() {
        vm.checkThread();
        if (!done) {
            release(false);
        }
    }

    private void resume() {
        resume(0);
    }

    private void resume(int nargs) {
        if (done || vm.isClosed()) {
            return;
        }
        vm.checkThread();
        Lua t = Objects.requireNonNull(entry).lua();
        boolean yielded;
        exited = false;
        exitStatus = -1;
        sleepMillis = -1;
        vm.enter(this);
        try {
            yielded = t.resume(nargs);
        } catch (party.iroiro.luajava.LuaException e) {
            vm.leave();
            failed(e.getMessage());
            return;
        } finally {
            vm.leave();
        }
        int status = response.status;
        if (!yielded) {
            end(status == 0 ? 200 : status, true);
            return;
        }
        t.setTop(0);
        if (exited && exitStatus < 0) {
            // ngx.exit(ngx.ERROR): nginx terminates the request, the connection closes
            release(false);
            output.abort();
        } else if (exited) {
            // ngx.exit: >= 200 is the response status (if the head is not out yet), else the current one
            end(exitStatus >= 200 ? exitStatus : status == 0 ? 200 : status, false);
        } else {
            output.suspended();
            if (!waiting) {
                // ngx.sleep, ngx.flush, or a bare coroutine.yield() in the entry thread (resumed at once, as
                // OpenResty does)
                scheduler.schedule(this::resume, Math.max(0, sleepMillis));
            }
        }
    }

    private void failed(@Nullable String message) {
        String report = message;
        try {
            Lua main = vm.main();
            main.refGet(vm.abortReportRef());
            main.refGet(Objects.requireNonNull(entry).ref());
            main.push(message == null ? "unknown error" : message);
            main.pCall(2, 1);
            report = main.toString(-1);
            main.pop(1);
        } catch (RuntimeException e) {
            LOG.debug("no traceback for {}", chunk, e);
        }
        // the phase ends as by ngx.exit(500): rewrite and access do not go on
        exited = true;
        exitStatus = 500;
        if (phase.reportsAsFailedToRun()) {
            LOG.error("failed to run {}: {}", phase.context(), report);
        } else {
            LOG.error("lua entry thread aborted: runtime error: {}", report);
        }
        if (response.headSent) {
            release(false);
            output.abort();
        } else {
            end(500, false);
        }
    }

    /** @param returned whether the chunk returned (its coroutine can be reused) */
    private void end(int finalStatus, boolean returned) {
        release(returned);
        output.finish(response.headSent ? response.status : finalStatus);
    }

    private void release(boolean returned) {
        done = true;
        LuaVm.EntryThread e = entry;
        entry = null;
        if (e != null) {
            vm.endEntryThread(e, returned);
            vm.ended();
        }
        List<Lua> a = adopted;
        adopted = null;
        if (a != null && !vm.isClosed()) {
            // if the script kept one and runs it again, luajava adopts it anew
            for (Lua l : a) {
                l.close();
            }
        }
    }

    @Nullable Lua thread() {
        LuaVm.EntryThread e = entry;
        return e == null ? null : e.lua();
    }

    void adopted(Lua l) {
        if (l == l.getMainState()) {
            return;
        }
        List<Lua> a = adopted;
        if (a == null) {
            a = adopted = new ArrayList<>(2);
        }
        for (Lua known : a) {
            if (known == l) {
                return;
            }
        }
        a.add(l);
    }

    // --- called by the VM's Java functions while this request runs -----------------------------------------

    @Nullable String write(byte[] bytes) {
        if (exited || done) {
            return "request already finished";
        }
        if (!response.headSent) {
            response.headSent = true;
            if (response.status == 0) {
                response.status = 200;
            }
            output.sendHead(response.status);
        }
        if (bytes.length > 0) {
            output.write(bytes);
        }
        return null;
    }

    void exit(int st) {
        exited = true;
        exitStatus = st;
        if (st >= 200 && !response.headSent) {
            response.status = st;
        }
    }

    void sleep(double seconds) {
        sleepMillis = Math.round(seconds * 1000);
    }

    void setStatus(int st) {
        if (response.headSent) {
            LOG.error("attempt to set ngx.status after sending out response headers");
            return;
        }
        response.status = st;
    }

    @Override
    public String toString() {
        return phase.context() + " " + chunk;
    }
}

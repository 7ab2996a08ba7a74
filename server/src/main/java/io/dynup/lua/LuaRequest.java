package io.dynup.lua;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import party.iroiro.luajava.Lua;

/**
 * One request's run of a chunk: a coroutine on its worker's {@link LuaVm} (OpenResty's entry thread). Output
 * goes to a {@link LuaOutput}; {@code ngx.sleep} suspends the coroutine and a {@link LuaScheduler} task resumes
 * it, so suspended requests cost no thread. When the coroutine ends (normally, by {@code ngx.exit}, by error,
 * or by {@link #cancel()}) it is released at once: its registry reference and luajava's thread record go.
 */
public final class LuaRequest {

    private static final Logger LOG = LoggerFactory.getLogger(LuaRequest.class);

    private final LuaVm vm;
    private final LuaChunk chunk;
    private final LuaOutput output;
    private final LuaScheduler scheduler;
    private @Nullable Lua thread;
    private int threadRef;
    /** Coroutines created by the script that called into Java (luajava keeps a record of each). */
    private @Nullable List<Lua> adopted;
    private int status;
    private boolean headSent;
    private boolean done;
    /** What the coroutine asked for when it yielded. */
    private int exitStatus = -1;
    private long sleepMillis = -1;

    LuaRequest(LuaVm vm, LuaChunk chunk, LuaOutput output, LuaScheduler scheduler) {
        this.vm = vm;
        this.chunk = chunk;
        this.output = output;
        this.scheduler = scheduler;
    }

    /** Runs the chunk until it ends or first suspends. */
    public void start() {
        vm.checkThread();
        if (thread != null || done) {
            throw new IllegalStateException("request already started");
        }
        Lua main = vm.main();
        Lua t = main.newThread();
        threadRef = main.ref();
        thread = t;
        vm.started();
        t.refGet(chunk.ref);
        resume();
    }

    /** Whether the request ended (its output was finished or aborted). */
    public boolean isDone() {
        return done;
    }

    /** {@code ngx.status}: 0 until set or sent (OpenResty's value before the head goes out). */
    public int status() {
        return status;
    }

    /**
     * Ends a suspended request without output (the client went away): its coroutine is released, pending
     * resumptions do nothing, and the output is not called again.
     */
    public void cancel() {
        vm.checkThread();
        if (!done) {
            release();
        }
    }

    private void resume() {
        if (done || vm.isClosed()) {
            return;
        }
        vm.checkThread();
        Lua t = thread;
        boolean yielded;
        exitStatus = -1;
        sleepMillis = -1;
        vm.enter(this);
        try {
            yielded = t.resume(0);
        } catch (party.iroiro.luajava.LuaException e) {
            vm.leave();
            failed(e.getMessage());
            return;
        } finally {
            vm.leave();
        }
        if (!yielded) {
            end(status == 0 ? 200 : status);
            return;
        }
        t.setTop(0);
        if (exitStatus >= 0) {
            // ngx.exit: >= 200 is the response status (if the head is not out yet), else the current one
            end(exitStatus >= 200 ? exitStatus : status == 0 ? 200 : status);
        } else {
            // ngx.sleep, or a bare coroutine.yield() in the entry thread (resumed at once, as OpenResty does)
            scheduler.schedule(this::resume, Math.max(0, sleepMillis));
        }
    }

    private void failed(@Nullable String message) {
        String report = message;
        try {
            Lua main = vm.main();
            main.refGet(vm.abortReportRef());
            main.refGet(threadRef);
            main.push(message == null ? "unknown error" : message);
            main.pCall(2, 1);
            report = main.toString(-1);
            main.pop(1);
        } catch (RuntimeException e) {
            LOG.debug("no traceback for {}", chunk, e);
        }
        LOG.error("lua entry thread aborted: runtime error: {}", report);
        if (headSent) {
            release();
            output.abort();
        } else {
            end(500);
        }
    }

    private void end(int finalStatus) {
        release();
        output.finish(headSent ? status : finalStatus);
    }

    private void release() {
        done = true;
        Lua t = thread;
        thread = null;
        if (t != null) {
            vm.main().unref(threadRef);
            t.close();
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
        return thread;
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
        if (exitStatus >= 0 || done) {
            return "request already finished";
        }
        if (!headSent) {
            headSent = true;
            if (status == 0) {
                status = 200;
            }
            output.sendHead(status);
        }
        if (bytes.length > 0) {
            output.write(bytes);
        }
        return null;
    }

    void exit(int st) {
        exitStatus = Math.max(0, st);
        if (st >= 200 && !headSent) {
            status = st;
        }
    }

    void sleep(double seconds) {
        sleepMillis = Math.round(seconds * 1000);
    }

    void setStatus(int st) {
        if (headSent) {
            LOG.error("attempt to set ngx.status after sending out response headers");
            return;
        }
        status = st;
    }

    void log(int level, String message) {
        String line = "[lua] " + message;
        if (level <= 4) {
            LuaVm.NGX_LOG.error(line);
        } else if (level == 5) {
            LuaVm.NGX_LOG.warn(line);
        } else if (level <= 7) {
            LuaVm.NGX_LOG.info(line);
        } else {
            LuaVm.NGX_LOG.debug(line);
        }
    }
}

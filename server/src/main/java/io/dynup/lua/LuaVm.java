package io.dynup.lua;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import party.iroiro.luajava.JFunction;
import party.iroiro.luajava.Lua;
import party.iroiro.luajava.luajit.LuaJit;

/**
 * One LuaJIT state, as an nginx worker has one: standard libraries, the {@code ngx} API, no way into the JVM.
 * Requests run on it as coroutines ({@link LuaRequest}).
 *
 * <p>Confined to the thread that created it (the worker's event loop): every method, and every resume of its
 * requests, checks this and throws {@link IllegalStateException} from any other thread. Create it on the loop,
 * e.g. {@code loop.submit(LuaVm::new)}.
 */
public final class LuaVm implements AutoCloseable {

    static final Logger NGX_LOG = LoggerFactory.getLogger("io.dynup.lua.ngx");

    private final Thread owner;
    private final LuaJit lua;
    private final Map<String, LuaChunk> chunks = new HashMap<>();
    private final int abortReportRef;
    /** The request whose coroutine is running (Java functions called from Lua act on it). */
    private @Nullable LuaRequest current;
    private int running;
    private boolean closed;

    public LuaVm() {
        this.owner = Thread.currentThread();
        this.lua = new LuaJit();
        boolean ok = false;
        try {
            lua.openLibraries();
            ByteBuffer src = direct(NgxBootstrap.SOURCE);
            lua.load(src, NgxBootstrap.CHUNK_NAME);
            lua.push(guard(this::ngxWrite));
            lua.push(guard(this::ngxExit));
            lua.push(guard(this::ngxLog));
            lua.push(guard(this::ngxSleep));
            lua.push(guard(this::ngxGetStatus));
            lua.push(guard(this::ngxSetStatus));
            lua.pCall(6, 1);
            abortReportRef = lua.ref();
            ok = true;
        } catch (party.iroiro.luajava.LuaException e) {
            throw new LuaException("ngx bootstrap failed: " + e.getMessage(), e);
        } finally {
            if (!ok) {
                lua.close();
            }
        }
    }

    /**
     * The compiled chunk of {@code source}, compiled once per VM (OpenResty's {@code lua_code_cache on}).
     *
     * @param name the chunk name shown in errors, e.g. {@code content_by_lua(nginx.conf:42)}
     * @throws LuaException with Lua's syntax error message
     */
    public LuaChunk chunk(String name, String source) {
        checkThread();
        String key = name + '\0' + source;
        LuaChunk chunk = chunks.get(key);
        if (chunk == null) {
            try {
                lua.load(direct(source), '=' + name);
            } catch (party.iroiro.luajava.LuaException e) {
                throw new LuaException(e.getMessage(), e);
            }
            chunk = new LuaChunk(this, name, lua.ref());
            chunks.put(key, chunk);
        }
        return chunk;
    }

    /** A request running {@code chunk}; call {@link LuaRequest#start()} to run it. */
    public LuaRequest request(LuaChunk chunk, LuaOutput output, LuaScheduler scheduler) {
        checkThread();
        if (chunk.vm() != this) {
            throw new IllegalArgumentException("chunk " + chunk + " belongs to another VM");
        }
        return new LuaRequest(this, chunk, output, scheduler);
    }

    /** Runs a full garbage collection and returns the Lua heap in KiB ({@code collectgarbage("count")}). */
    public double collectGarbageKb() {
        checkThread();
        try {
            lua.run("collectgarbage('collect') collectgarbage('collect') __dynup_kb = collectgarbage('count')");
            lua.getGlobal("__dynup_kb");
            double kb = lua.toNumber(-1);
            lua.pop(1);
            lua.pushNil();
            lua.setGlobal("__dynup_kb");
            return kb;
        } catch (party.iroiro.luajava.LuaException e) {
            throw new LuaException(e.getMessage(), e);
        }
    }

    /** Requests started and not yet ended (running or suspended). */
    public int liveRequests() {
        checkThread();
        return running;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Closes the state; suspended requests are dropped (their resumptions then do nothing). */
    @Override
    public void close() {
        checkThread();
        if (!closed) {
            closed = true;
            chunks.clear();
            lua.close();
        }
    }

    // --- for LuaRequest -------------------------------------------------------------------------------------

    Lua main() {
        return lua;
    }

    int abortReportRef() {
        return abortReportRef;
    }

    void checkThread() {
        if (Thread.currentThread() != owner) {
            throw new IllegalStateException("LuaVm is confined to thread " + owner.getName() + ", used from "
                    + Thread.currentThread().getName());
        }
        if (closed) {
            throw new IllegalStateException("LuaVm is closed");
        }
    }

    void enter(LuaRequest request) {
        if (current != null) {
            throw new IllegalStateException("a Lua request is already running on this VM");
        }
        current = request;
    }

    void leave() {
        current = null;
    }

    void started() {
        running++;
    }

    void ended() {
        running--;
    }

    // --- the Java half of ngx (called from Lua, on the running request) -------------------------------------

    @FunctionalInterface
    private interface NgxFunction {
        /** Returns the number of results pushed; a returned String is raised as a Lua error. */
        int call(Lua lua, LuaRequest request);
    }

    /**
     * A Java function as Lua sees it: no Java exception or object ever reaches Lua; failures become Lua errors
     * with a message string.
     */
    private JFunction guard(NgxFunction f) {
        return l -> {
            LuaRequest request = current;
            if (request == null) {
                l.push("ngx API called outside of a request");
                return -1;
            }
            if (l != request.thread()) {
                // a coroutine the script created: luajava adopted it to call us, and keeps a record of it
                // (Java side and registry) until closed; the request closes it when it ends
                request.adopted(l);
            }
            try {
                return f.call(l, request);
            } catch (NgxError e) {
                l.push(e.getMessage());
                return -1;
            } catch (RuntimeException | Error e) {
                NGX_LOG.error("internal error in ngx API", e);
                l.push("dynup internal error: " + e.getClass().getSimpleName());
                return -1;
            }
        };
    }

    /** A Lua error raised from a Java function (its message only). */
    static final class NgxError extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NgxError(String message) {
            super(message, null, false, false);
        }
    }

    private int ngxWrite(Lua l, LuaRequest r) {
        ByteBuffer buf = l.toBuffer(1);
        byte[] bytes = new byte[buf.remaining()];
        buf.get(bytes);
        String err = r.write(bytes);
        if (err == null) {
            return 0;
        }
        l.push(err);
        return 1;
    }

    private int ngxExit(Lua l, LuaRequest r) {
        entryThreadOnly(l, r, "exit");
        r.exit((int) l.toNumber(1));
        return 0;
    }

    private int ngxLog(Lua l, LuaRequest r) {
        int level = (int) l.toNumber(1);
        String msg = l.toString(2);
        r.log(level, msg);
        return 0;
    }

    private int ngxSleep(Lua l, LuaRequest r) {
        entryThreadOnly(l, r, "sleep");
        r.sleep(l.toNumber(1));
        return 0;
    }

    private int ngxGetStatus(Lua l, LuaRequest r) {
        l.push(r.status());
        return 1;
    }

    private int ngxSetStatus(Lua l, LuaRequest r) {
        r.setStatus((int) l.toNumber(1));
        return 0;
    }

    /**
     * Yielding calls work from the request's own coroutine only, for now: from a coroutine the script created,
     * the yield would go to that coroutine instead of suspending the request (OpenResty makes both work).
     */
    private static void entryThreadOnly(Lua l, LuaRequest r, String function) {
        if (l != r.thread()) {
            throw new NgxError("ngx." + function + " inside a user coroutine is not supported by dynup yet");
        }
    }

    private static ByteBuffer direct(String source) {
        byte[] bytes = source.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocateDirect(bytes.length);
        buf.put(bytes).flip();
        return buf;
    }
}

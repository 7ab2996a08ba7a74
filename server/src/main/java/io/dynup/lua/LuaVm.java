package io.dynup.lua;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dynup.lua.lib.LibFunction;
import io.dynup.lua.lib.LibraryError;
import io.dynup.lua.lib.LibraryHost;
import party.iroiro.luajava.JFunction;
import party.iroiro.luajava.Lua;
import party.iroiro.luajava.luajit.LuaJit;
import party.iroiro.luajava.luajit.LuaJitConsts;
import party.iroiro.luajava.luajit.LuaJitNatives;

/**
 * One LuaJIT state, as an nginx worker has one: standard libraries, the {@code ngx} API, no way into the JVM.
 * Requests, timers and {@code init_worker_by_lua} run on it as coroutines ({@link LuaRequest}).
 *
 * <p>Confined to the thread that created it (the worker's event loop): every method, and every resume of its
 * requests, checks this and throws {@link IllegalStateException} from any other thread. Create it on the loop,
 * e.g. {@code loop.submit(LuaVm::new)}.
 */
public final class LuaVm implements AutoCloseable, LibraryHost {

    static final Logger NGX_LOG = LoggerFactory.getLogger("io.dynup.lua.ngx");

    /** OpenResty's lua_max_pending_timers default. */
    static final int MAX_PENDING_TIMERS = 1024;

    /** Coroutines kept for reuse at most: the peak of entry threads in flight, bounded. */
    static final int MAX_IDLE_THREADS = 128;

    private static final LuaOutput NO_OUTPUT = new LuaOutput() {
        @Override
        public void sendHead(int status) {
        }

        @Override
        public void write(byte[] bytes) {
        }

        @Override
        public void finish(int status) {
        }

        @Override
        public void abort() {
        }
    };

    private final Thread owner;
    private final LuaJit lua;
    /** Compiled chunks by name: a file read again with lua_code_cache off replaces its older version. */
    private final Map<String, Compiled> chunks = new HashMap<>();
    private final int abortReportRef;
    private final LuaChunk timerRunner;
    /** The request whose coroutine is running (Java functions called from Lua act on it). */
    private @Nullable LuaRequest current;
    private int running;
    private boolean closed;
    private boolean closeWhenIdle;
    private int workerId;
    private int workerCount = 1;
    private @Nullable LuaScheduler timerScheduler;
    private boolean exiting;
    private long timerSeq;
    private final Set<Long> pendingTimers = new LinkedHashSet<>();
    /**
     * Entry-thread coroutines whose chunk returned, ready for the next entry thread: a new one costs luajava a
     * Java record, an id and a registry slot, and LuaJIT a stack, which reuse saves on every request.
     */
    private final ArrayDeque<EntryThread> idleThreads = new ArrayDeque<>();

    public LuaVm() {
        this.owner = Thread.currentThread();
        this.lua = new LuaJit();
        boolean ok = false;
        try {
            lua.openLibraries();
            ByteBuffer src = direct(NgxBootstrap.SOURCE);
            lua.load(src, NgxBootstrap.CHUNK_NAME);
            pushJavaHalf();
            lua.pCall(1, 2);
            timerRunner = new LuaChunk(this, "ngx.timer", lua.ref());
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

    /** The table of Java functions the bootstrap takes ({@code J} there). */
    private void pushJavaHalf() {
        lua.newTable();
        field("write", guard(this::ngxWrite));
        field("exit", guard(this::ngxExit));
        field("log", guardAny(this::ngxLog));
        field("sleep", guard(this::ngxSleep));
        field("getstatus", guard(this::ngxGetStatus));
        field("setstatus", guard(this::ngxSetStatus));
        field("flush", guard(this::ngxFlush));
        field("var_get", guard((l, r) -> http(r).pushVar(l)));
        field("var_set", guard((l, r) -> http(r).setVar(l)));
        field("header_get", guard((l, r) -> http(r).pushHeader(l)));
        field("header_set", guard((l, r) -> http(r).setHeader(l)));
        field("method", guard((l, r) -> {
            l.push(http(r).method());
            return 1;
        }));
        field("headers", guard((l, r) -> http(r).pushHeaders(l)));
        field("read_body", guard(this::ngxReadBody));
        field("body_data", guard((l, r) -> http(r).pushBodyData(l)));
        field("discard_body", guard((l, r) -> {
            http(r).discardBody();
            return 0;
        }));
        field("ctx", guard((l, r) -> http(r).pushCtx(this, l)));
        field("set_ctx", guard((l, r) -> http(r).setCtx(this, l)));
        field("now", guardAny((l, r) -> {
            l.push(System.currentTimeMillis() / 1000.0);
            return 1;
        }));
        field("timer", guardAny(this::ngxTimer));
        field("worker", guardAny((l, r) -> {
            l.push(workerId);
            l.push(workerCount);
            l.push(ProcessHandle.current().pid());
            l.push(exiting);
            return 4;
        }));
        ((LuaJitNatives) lua.getLuaNatives()).lua_pushlightuserdata(lua.getPointer(), 0);
        lua.setField(-2, "null");
    }

    private void field(String name, JFunction f) {
        lua.push(f);
        lua.setField(-2, name);
    }

    /**
     * The compiled chunk of {@code source}, compiled once per VM (OpenResty's {@code lua_code_cache on}); a new
     * source under the same name (a file changed, with {@code lua_code_cache off}) replaces the old chunk.
     * Requests started from the old one keep running it.
     *
     * @param name the chunk name shown in errors, e.g. {@code content_by_lua(nginx.conf:42)}; a name starting
     *             with {@code @} names a file, as Lua shows it ({@code @/etc/dynup/a.lua} as {@code /etc/...})
     * @throws LuaException with Lua's syntax error message
     */
    public LuaChunk chunk(String name, String source) {
        checkThread();
        Compiled known = chunks.get(name);
        if (known != null && known.source().equals(source)) {
            return known.chunk();
        }
        try {
            lua.load(direct(source), luaName(name));
        } catch (party.iroiro.luajava.LuaException e) {
            throw new LuaException(e.getMessage(), e);
        }
        LuaChunk chunk = new LuaChunk(this, name, lua.ref());
        chunks.put(name, new Compiled(source, chunk));
        if (known != null) {
            // a started request holds the function itself, not this reference
            lua.unref(known.chunk().ref);
        }
        return chunk;
    }

    private record Compiled(String source, LuaChunk chunk) {
    }

    /** Lua's name for a chunk: a file as {@code @path}, anything else verbatim ({@code =name}). */
    static String luaName(String name) {
        return name.startsWith("@") ? name : '=' + name;
    }

    /**
     * Checks that {@code source} compiles, without a VM: the syntax check of configuration loading.
     *
     * @return null, or Lua's error message
     */
    public static @Nullable String syntaxError(String name, String source) {
        try (LuaJit check = new LuaJit()) {
            check.load(direct(source), luaName(name));
            return null;
        } catch (party.iroiro.luajava.LuaException e) {
            return e.getMessage();
        }
    }

    /** A request running {@code chunk} in the content phase; call {@link LuaRequest#start()} to run it. */
    public LuaRequest request(LuaChunk chunk, LuaOutput output, LuaScheduler scheduler) {
        return request(chunk, LuaPhase.CONTENT, output, scheduler, null, new LuaResponse());
    }

    LuaRequest request(LuaChunk chunk, LuaPhase phase, LuaOutput output, LuaScheduler scheduler,
                       @Nullable LuaHttpRequest http, LuaResponse response) {
        checkThread();
        if (chunk.vm() != this) {
            throw new IllegalArgumentException("chunk " + chunk + " belongs to another VM");
        }
        return new LuaRequest(this, chunk, output, scheduler, phase, http, response);
    }

    /** A non-request entry thread ({@code init_worker_by_lua}) without output; call start to run it. */
    LuaRequest thread(LuaChunk chunk, LuaPhase phase, LuaScheduler scheduler) {
        return request(chunk, phase, NO_OUTPUT, scheduler, null, new LuaResponse());
    }

    /**
     * Makes this VM a worker's: {@code ngx.worker.id()/count()}, and the loop timers run on.
     */
    void worker(int id, int count, LuaScheduler scheduler) {
        checkThread();
        this.workerId = id;
        this.workerCount = count;
        this.timerScheduler = scheduler;
    }

    /** Sets {@code package.path} and {@code package.cpath}; {@code ;;} in either stands for Lua's default. */
    void packagePaths(@Nullable String path, @Nullable String cpath) {
        checkThread();
        lua.getGlobal("package");
        for (String[] p : new String[][] {{"path", path}, {"cpath", cpath}}) {
            if (p[1] != null) {
                lua.getField(-1, p[0]);
                String dflt = lua.toString(-1);
                lua.pop(1);
                lua.push(p[1].replace(";;", ";" + dflt + ";"));
                lua.setField(-2, p[0]);
            }
        }
        lua.pop(1);
    }

    /**
     * Runs {@code source} in the main state (OpenResty's {@code init_by_lua}: no request, no yielding).
     *
     * @return null, or the Lua error
     */
    @Nullable String runInit(String name, String source) {
        checkThread();
        try {
            lua.load(direct(source), luaName(name));
            lua.pCall(0, 0);
            return null;
        } catch (party.iroiro.luajava.LuaException e) {
            lua.setTop(0);
            return e.getMessage();
        }
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

    /** Coroutines kept for reuse by the next entry threads. */
    int idleThreads() {
        checkThread();
        return idleThreads.size();
    }

    /** Timers waiting to run. */
    public int pendingTimers() {
        checkThread();
        return pendingTimers.size();
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * The worker stops (nginx's worker exit on quit or reload): {@code ngx.worker.exiting()} turns true, new
     * timers are refused, pending timers run now with {@code premature} true, and the VM closes once no entry
     * thread is left.
     */
    void exit() {
        checkThread();
        exiting = true;
        for (Long id : new ArrayList<>(pendingTimers)) {
            fireTimer(id, true);
        }
        closeWhenIdle = true;
        if (running == 0) {
            close();
        }
    }

    /** Closes the state; suspended requests are dropped (their resumptions then do nothing). */
    @Override
    public void close() {
        checkThread();
        if (!closed) {
            closed = true;
            chunks.clear();
            pendingTimers.clear();
            idleThreads.clear();
            lua.close();
        }
    }

    // --- LibraryHost ----------------------------------------------------------------------------------------

    @Override
    public JFunction wrap(LibFunction f) {
        return l -> {
            LuaRequest request = current;
            if (request != null && l != request.thread()) {
                request.adopted(l);
            }
            try {
                return f.call(l);
            } catch (LibraryError e) {
                l.push(e.getMessage());
                return -1;
            } catch (RuntimeException | Error e) {
                NGX_LOG.error("internal error in a Lua library", e);
                l.push("dynup internal error: " + e.getClass().getSimpleName());
                return -1;
            }
        };
    }

    @Override
    public @Nullable String currentUpstream() {
        LuaRequest r = current;
        LuaHttpRequest h = r == null ? null : r.http();
        return h == null ? null : h.upstream();
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

    /** A coroutine held by the registry (so Lua's GC leaves it alone) for an entry thread to run a chunk in. */
    record EntryThread(Lua lua, int ref) {
    }

    /** An idle coroutine, else a new one. */
    EntryThread entryThread() {
        EntryThread t = idleThreads.pollLast();
        if (t != null) {
            return t;
        }
        Lua thread = lua.newThread();
        return new EntryThread(thread, lua.ref());
    }

    /**
     * The entry thread is done with {@code t}. A coroutine whose chunk returned is dead to Lua but, unlike one
     * that failed or is suspended, can run a new function from its empty stack: it is kept for the next entry
     * thread. Any other is released with luajava's record of it.
     */
    void endEntryThread(EntryThread t, boolean returned) {
        if (closed) {
            // the state and every coroutine in it are gone
            return;
        }
        if (returned && idleThreads.size() < MAX_IDLE_THREADS) {
            Lua co = t.lua();
            co.setTop(0);
            // the chunk may have given its coroutine other globals (setfenv(0, env)); the next one starts with
            // those a new coroutine would get, the main state's
            LuaJitNatives c = (LuaJitNatives) lua.getLuaNatives();
            c.lua_pushvalue(lua.getPointer(), LuaJitConsts.LUA_GLOBALSINDEX);
            c.lua_xmove(lua.getPointer(), co.getPointer(), 1);
            c.lua_replace(co.getPointer(), LuaJitConsts.LUA_GLOBALSINDEX);
            idleThreads.addLast(t);
        } else {
            lua.unref(t.ref());
            t.lua().close();
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
        LuaScheduler s = timerScheduler;
        if (running == 0 && closeWhenIdle && s != null) {
            // not now: the request that ended may hand over to its next phase on this VM in the same task
            s.schedule(() -> {
                if (running == 0 && !closed) {
                    close();
                }
            }, 0);
        }
    }

    // --- the Java half of ngx (called from Lua) -------------------------------------------------------------

    @FunctionalInterface
    private interface NgxFunction {
        /** Returns the number of results pushed. */
        int call(Lua lua, LuaRequest request);
    }

    @FunctionalInterface
    private interface AnyFunction {
        /** Returns the number of results pushed; {@code request} is null outside entry threads (init_by_lua). */
        int call(Lua lua, @Nullable LuaRequest request);
    }

    /**
     * A Java function as Lua sees it: no Java exception or object ever reaches Lua; failures become Lua errors
     * with a message string.
     */
    private JFunction guard(NgxFunction f) {
        return guardAny((l, r) -> {
            if (r == null) {
                throw new NgxError("ngx API called outside of a request");
            }
            return f.call(l, r);
        });
    }

    private JFunction guardAny(AnyFunction f) {
        return l -> {
            LuaRequest request = current;
            if (request != null && l != request.thread()) {
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

    private static LuaHttpRequest http(LuaRequest r) {
        LuaHttpRequest h = r.http();
        if (h == null) {
            throw new NgxError(r.phase().request() ? "no HTTP request behind this Lua thread"
                    : r.phase().disabled());
        }
        return h;
    }

    private static void outputPhase(LuaRequest r) {
        if (!r.phase().output()) {
            throw new NgxError(r.phase().disabled());
        }
    }

    private int ngxWrite(Lua l, LuaRequest r) {
        outputPhase(r);
        // a view of the Lua string, valid while it is on the stack (toBuffer would allocate a direct buffer)
        ByteBuffer buf = l.toDirectBuffer(1);
        byte[] bytes = new byte[buf.remaining()];
        buf.get(bytes);
        String err = r.write(bytes);
        if (err == null) {
            return 0;
        }
        l.push(err);
        return 1;
    }

    private int ngxFlush(Lua l, LuaRequest r) {
        outputPhase(r);
        return 0;
    }

    private int ngxExit(Lua l, LuaRequest r) {
        if (r.phase() == LuaPhase.LOG) {
            throw new NgxError(r.phase().disabled());
        }
        r.exit((int) l.toNumber(1));
        return 0;
    }

    private int ngxLog(Lua l, @Nullable LuaRequest r) {
        log((int) l.toNumber(1), l.toString(2));
        return 0;
    }

    static void log(int level, String message) {
        String line = "[lua] " + message;
        if (level <= 4) {
            NGX_LOG.error(line);
        } else if (level == 5) {
            NGX_LOG.warn(line);
        } else if (level <= 7) {
            NGX_LOG.info(line);
        } else {
            NGX_LOG.debug(line);
        }
    }

    private int ngxSleep(Lua l, LuaRequest r) {
        if (!r.phase().yieldable()) {
            throw new NgxError(r.phase().disabled());
        }
        r.sleep(l.toNumber(1));
        return 0;
    }

    private int ngxReadBody(Lua l, LuaRequest r) {
        outputPhase(r);
        boolean wait = http(r).readBody(r);
        l.push(wait);
        return 1;
    }

    private int ngxGetStatus(Lua l, LuaRequest r) {
        l.push(r.status());
        return 1;
    }

    private int ngxSetStatus(Lua l, LuaRequest r) {
        if (!r.phase().request()) {
            throw new NgxError(r.phase().disabled());
        }
        r.setStatus((int) l.toNumber(1));
        return 0;
    }

    private int ngxTimer(Lua l, @Nullable LuaRequest r) {
        if (r == null) {
            // init_by_lua: OpenResty runs it in the master, which has no event loop for timers
            throw new NgxError(LuaPhase.INIT.disabled());
        }
        LuaScheduler s = timerScheduler;
        if (exiting) {
            l.pushNil();
            l.push("process exiting");
            return 2;
        }
        if (s == null) {
            throw new NgxError("ngx.timer needs a worker event loop");
        }
        if (pendingTimers.size() >= MAX_PENDING_TIMERS) {
            l.pushNil();
            l.push("too many pending timers");
            return 2;
        }
        long id = ++timerSeq;
        pendingTimers.add(id);
        s.schedule(() -> fireTimer(id, false), Math.round(l.toNumber(1) * 1000));
        l.push(id);
        return 1;
    }

    private void fireTimer(long id, boolean premature) {
        LuaScheduler s = timerScheduler;
        if (closed || s == null || !pendingTimers.remove(id)) {
            return;
        }
        thread(timerRunner, LuaPhase.TIMER, s).start(t -> {
            t.push(id);
            t.push(premature);
        }, 2);
    }

    private static ByteBuffer direct(String source) {
        byte[] bytes = source.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocateDirect(bytes.length);
        buf.put(bytes).flip();
        return buf;
    }
}

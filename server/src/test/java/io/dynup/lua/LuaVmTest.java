package io.dynup.lua;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

class LuaVmTest {

    /** A virtual clock: tasks run in due order when the test advances it; nothing really sleeps. */
    static final class ManualScheduler implements LuaScheduler {
        record Task(long due, long seq, Runnable task) {
        }

        final PriorityQueue<Task> queue = new PriorityQueue<>(
                (a, b) -> a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.seq, b.seq));
        long now;
        long seq;

        @Override
        public void schedule(Runnable task, long delayMillis) {
            queue.add(new Task(now + delayMillis, seq++, task));
        }

        void advance(long millis) {
            long until = now + millis;
            while (!queue.isEmpty() && queue.peek().due <= until) {
                Task t = queue.poll();
                now = t.due;
                t.task.run();
            }
            now = until;
        }
    }

    static class Recorder implements LuaOutput {
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        int headStatus = -1;
        int finishStatus = -1;
        boolean aborted;

        @Override
        public void sendHead(int status) {
            assertThat(headStatus).as("one head").isEqualTo(-1);
            headStatus = status;
        }

        @Override
        public void write(byte[] bytes) {
            body.writeBytes(bytes);
        }

        @Override
        public void finish(int status) {
            assertThat(finishStatus).as("one finish").isEqualTo(-1);
            finishStatus = status;
        }

        @Override
        public void abort() {
            aborted = true;
        }

        String body() {
            return body.toString(StandardCharsets.UTF_8);
        }
    }

    LuaVm vm;
    ManualScheduler scheduler = new ManualScheduler();
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    Level savedLevel;

    @BeforeEach
    void setUp() {
        vm = new LuaVm();
        logs.start();
        Logger logger = (Logger) LoggerFactory.getLogger("io.dynup.lua");
        savedLevel = logger.getLevel();
        logger.setLevel(Level.DEBUG);
        logger.addAppender(logs);
    }

    @AfterEach
    void tearDown() {
        Logger logger = (Logger) LoggerFactory.getLogger("io.dynup.lua");
        logger.detachAppender(logs);
        logger.setLevel(savedLevel);
        if (!vm.isClosed()) {
            vm.close();
        }
    }

    Recorder run(String source) {
        Recorder out = new Recorder();
        LuaRequest r = vm.request(vm.chunk("content_by_lua(nginx.conf:42)", source), out, scheduler);
        r.start();
        scheduler.advance(Long.MAX_VALUE / 4);
        assertThat(r.isDone()).isTrue();
        return out;
    }

    List<String> messages() {
        List<String> m = new ArrayList<>();
        for (ILoggingEvent e : logs.list) {
            m.add(e.getLevel() + " " + e.getFormattedMessage());
        }
        return m;
    }

    @Test
    void sayAndPrintWriteTheBody() {
        Recorder out = run("ngx.say('hello', ' ', 42) ngx.print('a', true, nil, false) ngx.say()");
        assertThat(out.headStatus).isEqualTo(200);
        assertThat(out.body()).isEqualTo("hello 42\natruenilfalse\n");
        assertThat(out.finishStatus).isEqualTo(200);
    }

    @Test
    void tablesAreFlattenedAsOpenRestyDoes() {
        Recorder out = run("ngx.say({'a', {'b', 1, {'c'}}, ngx.null}, 'd') ngx.print({})");
        assertThat(out.body()).isEqualTo("ab1cnulld\n");
    }

    @Test
    void nonArrayTableIsAnError() {
        Recorder out = run("ngx.say({a = 1})");
        assertThat(out.finishStatus).isEqualTo(500);
        assertThat(messages()).anyMatch(m -> m.contains(
                "content_by_lua(nginx.conf:42):1: bad argument #1 to 'say' (non-array table found)"));
    }

    @Test
    void sayReturnsOne() {
        assertThat(run("ngx.say(ngx.say('x'))").body()).isEqualTo("x\n1\n");
    }

    @Test
    void exitEndsTheRequestWithItsStatus() {
        Recorder out = run("ngx.exit(404) ngx.say('never')");
        assertThat(out.headStatus).isEqualTo(-1);
        assertThat(out.finishStatus).isEqualTo(404);
        assertThat(out.body()).isEmpty();
    }

    @Test
    void exitInsidePcallStillEnds() {
        Recorder out = run("pcall(function() ngx.exit(403) end) ngx.say('never')");
        assertThat(out.finishStatus).isEqualTo(403);
        assertThat(out.body()).isEmpty();
    }

    @Test
    void exitAfterOutputKeepsTheSentStatus() {
        Recorder out = run("ngx.say('x') ngx.exit(ngx.HTTP_OK) ngx.say('never')");
        assertThat(out.finishStatus).isEqualTo(200);
        assertThat(out.body()).isEqualTo("x\n");
    }

    @Test
    void statusIsReadAndSet() {
        Recorder out = run("ngx.say(ngx.status) ngx.status = 201 ngx.say(ngx.status)");
        // the head went out with the first say: 200, and later sets are refused with an error log
        assertThat(out.headStatus).isEqualTo(200);
        assertThat(out.body()).isEqualTo("0\n200\n");
        assertThat(messages()).anyMatch(m -> m.contains("attempt to set ngx.status after sending out"));

        Recorder out2 = run("ngx.status = 201 ngx.say(ngx.status)");
        assertThat(out2.headStatus).isEqualTo(201);
        assertThat(out2.finishStatus).isEqualTo(201);
        assertThat(out2.body()).isEqualTo("201\n");
    }

    @Test
    void logGoesToTheErrorLogWithItsLevel() {
        run("ngx.log(ngx.ERR, 'bad ', 1, ' ', nil)\nngx.log(ngx.WARN, 'careful')\nngx.log(ngx.INFO, 'fyi')");
        assertThat(messages()).contains(
                "ERROR [lua] content_by_lua(nginx.conf:42):1: bad 1 nil",
                "WARN [lua] content_by_lua(nginx.conf:42):2: careful",
                "INFO [lua] content_by_lua(nginx.conf:42):3: fyi");
        assertThat(run("ngx.say(ngx.ERR, ngx.WARN, ngx.INFO)").body()).isEqualTo("457\n");
    }

    @Test
    void sleepSuspendsAndResumesInOrderOnTheScheduler() {
        List<Recorder> outs = new ArrayList<>();
        LuaChunk chunk = vm.chunk("content_by_lua(nginx.conf:1)",
                "ngx.say('a') ngx.sleep(0.5) ngx.say('b') ngx.sleep(0.001) ngx.say('c')");
        LuaChunk fast = vm.chunk("content_by_lua(nginx.conf:2)", "ngx.sleep(0.1) ngx.say('fast')");
        Recorder slow = new Recorder();
        Recorder quick = new Recorder();
        vm.request(chunk, slow, scheduler).start();
        vm.request(fast, quick, scheduler).start();
        outs.add(slow);
        assertThat(slow.body()).isEqualTo("a\n");
        assertThat(quick.body()).isEmpty();
        assertThat(vm.liveRequests()).isEqualTo(2);

        scheduler.advance(100);
        assertThat(quick.body()).isEqualTo("fast\n");
        assertThat(quick.finishStatus).isEqualTo(200);
        assertThat(slow.body()).isEqualTo("a\n");

        scheduler.advance(400);
        assertThat(slow.body()).isEqualTo("a\nb\n");
        assertThat(slow.finishStatus).isEqualTo(-1);
        scheduler.advance(1);
        assertThat(slow.body()).isEqualTo("a\nb\nc\n");
        assertThat(slow.finishStatus).isEqualTo(200);
        assertThat(vm.liveRequests()).isZero();
    }

    @Test
    void coroutinesWhoseChunkReturnedAreReusedAndOthersAreFreed() throws Exception {
        LuaChunk ok = vm.chunk("content_by_lua(nginx.conf:1)", "ngx.print(select('#', ...), ' ', n or 0) n = 1");
        LuaChunk exits = vm.chunk("content_by_lua(nginx.conf:2)", "ngx.exit(201)");
        LuaChunk fails = vm.chunk("content_by_lua(nginx.conf:3)", "error('boom')");
        for (int i = 0; i < 100; i++) {
            Recorder out = new Recorder();
            vm.request(i % 3 == 0 ? ok : i % 3 == 1 ? exits : fails, out, scheduler).start();
            // a reused coroutine starts with an empty stack: the chunk gets no leftover arguments
            assertThat(out.finishStatus).isEqualTo(i % 3 == 0 ? 200 : i % 3 == 1 ? 201 : 500);
            if (i % 3 == 0) {
                assertThat(out.body()).isEqualTo(i == 0 ? "0 0" : "0 1");
            }
        }
        assertThat(vm.idleThreads()).isEqualTo(1);
        assertThat(subThreads()).hasSize(1);

        // globals a chunk gave its coroutine do not reach the next entry thread on it
        Recorder env = new Recorder();
        vm.request(vm.chunk("content_by_lua(nginx.conf:5)", "setfenv(0, {ngx = ngx}) ngx.print('set')"), env,
                   scheduler).start();
        assertThat(env.body()).isEqualTo("set");
        assertThat(run("ngx.print(type(loadstring('return string')()))").body()).isEqualTo("table");

        // as many kept as were in flight at once, up to a bound
        List<Recorder> outs = new ArrayList<>();
        LuaChunk sleeps = vm.chunk("content_by_lua(nginx.conf:4)", "ngx.sleep(0.1) ngx.print('x')");
        for (int i = 0; i < LuaVm.MAX_IDLE_THREADS + 10; i++) {
            Recorder out = new Recorder();
            outs.add(out);
            vm.request(sleeps, out, scheduler).start();
        }
        scheduler.advance(100);
        assertThat(outs).allMatch(o -> o.body().equals("x"));
        assertThat(vm.idleThreads()).isEqualTo(LuaVm.MAX_IDLE_THREADS);
        assertThat(subThreads()).hasSize(LuaVm.MAX_IDLE_THREADS);
    }

    @Test
    void tenThousandConcurrentSleepersCostNoThreads() {
        int n = 10_000;
        int threadsBefore = Thread.activeCount();
        LuaChunk chunk = vm.chunk("content_by_lua(nginx.conf:7)",
                "local t = ... ngx.sleep(1) ngx.sleep(0.001) ngx.print('done')");
        List<Recorder> outs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Recorder out = new Recorder();
            outs.add(out);
            vm.request(chunk, out, scheduler).start();
        }
        assertThat(vm.liveRequests()).isEqualTo(n);
        assertThat(Thread.activeCount()).isLessThanOrEqualTo(threadsBefore);
        scheduler.advance(1000);
        assertThat(outs).allMatch(o -> o.finishStatus == -1);
        scheduler.advance(1);
        assertThat(outs).allMatch(o -> o.finishStatus == 200 && o.body().equals("done"));
        assertThat(vm.liveRequests()).isZero();
    }

    @Test
    void runtimeErrorIs500AndLoggedAsOpenRestyDoes() {
        Recorder out = run("local a = 1\n\n\n\nsay('hello')\n");
        assertThat(out.finishStatus).isEqualTo(500);
        assertThat(out.headStatus).isEqualTo(-1);
        assertThat(messages()).anyMatch(m -> m.startsWith("ERROR lua entry thread aborted: runtime error: "
                + "content_by_lua(nginx.conf:42):5: attempt to call global 'say' (a nil value)")
                && m.contains("stack traceback:"));
    }

    @Test
    void errorAfterOutputAbortsTheResponse() {
        Recorder out = run("ngx.say('partial') error('boom')");
        assertThat(out.aborted).isTrue();
        assertThat(out.finishStatus).isEqualTo(-1);
        assertThat(messages()).anyMatch(m -> m.contains("content_by_lua(nginx.conf:42):1: boom"));
    }

    @Test
    void javaExceptionsNeverReachLuaAsObjects() {
        Recorder out = new Recorder() {
            @Override
            public void write(byte[] bytes) {
                throw new IllegalStateException("sink broke");
            }
        };
        vm.request(vm.chunk("content_by_lua(nginx.conf:9)",
                "local ok, err = pcall(ngx.say, 'x') ngx.status = 200 "
                        + "_G.err_type = type(err) _G.err_msg = err"), out, scheduler).start();
        Recorder probe = run("ngx.say(err_type, ' ', err_msg, ' ', type(__jthrowable__))");
        assertThat(probe.body()).isEqualTo("string dynup internal error: IllegalStateException nil\n");
    }

    @Test
    void sandboxHasNoJava() {
        Recorder out = run("ngx.say(type(java), ' ', type(package.loaded.java), ' ', type(debug.getregistry), "
                + "' ', type(debug.getupvalue), ' ', type(debug.traceback))");
        assertThat(out.body()).isEqualTo("nil nil nil nil function\n");
    }

    @Test
    void requireCannotLoadJavaClassesOrMethods() {
        Recorder out = run("ngx.say(#package.loaders, ' ', pcall(require, 'java.lang.System'), ' ', "
                + "pcall(require, 'java'), ' ', type(require('ffi').cdef))");
        assertThat(out.body()).isEqualTo("4 false false function\n");
    }

    @Test
    void scriptCoroutinesThatCallNgxAreReleasedWithTheRequest() throws Exception {
        LuaChunk chunk = vm.chunk("content_by_lua(nginx.conf:3)",
                "for i = 1, 3 do coroutine.wrap(function() ngx.print(i) end)() end "
                        + "kept = kept or coroutine.wrap(function() while true do ngx.print('k') "
                        + "coroutine.yield() end end) kept()");
        for (int i = 0; i < 1000; i++) {
            Recorder out = new Recorder();
            vm.request(chunk, out, scheduler).start();
            assertThat(out.body()).isEqualTo("123k");
        }
        // luajava's records left are the coroutines kept for reuse
        assertThat(subThreads()).hasSize(vm.idleThreads());
    }

    @Test
    void sleepInAScriptCoroutineSuspendsTheRequestUntilItsTime() {
        Recorder out = new Recorder();
        vm.request(vm.chunk("content_by_lua(nginx.conf:1)",
                "local f = coroutine.wrap(function(a) ngx.sleep(0.5) local b = coroutine.yield(a + 1) "
                        + "ngx.sleep(0.25) return b * 2 end) ngx.say(f(1)) ngx.say(f(5))"), out, scheduler)
                .start();
        assertThat(out.body()).isEmpty();
        scheduler.advance(499);
        assertThat(out.body()).isEmpty();
        scheduler.advance(1);
        assertThat(out.body()).isEqualTo("2\n");
        scheduler.advance(249);
        assertThat(out.finishStatus).isEqualTo(-1);
        scheduler.advance(1);
        assertThat(out.body()).isEqualTo("2\n10\n");
        assertThat(out.finishStatus).isEqualTo(200);
    }

    @Test
    void yieldingCallsPassThroughNestedScriptCoroutines() throws Exception {
        Recorder out = run("local co = coroutine.create(function() "
                + "local inner = coroutine.wrap(function() ngx.sleep(1) ngx.flush() return 'inner' end) "
                + "coroutine.yield(inner()) ngx.sleep(0.5) return 'done' end) "
                + "ngx.say(coroutine.resume(co)) ngx.say(coroutine.resume(co)) ngx.say(coroutine.status(co)) "
                + "ngx.say(coroutine.resume(co))");
        assertThat(out.body()).isEqualTo("trueinner\ntruedone\ndead\nfalsecannot resume dead coroutine\n");
        // luajava's records left are the coroutines kept for reuse
        assertThat(subThreads()).hasSize(vm.idleThreads());
    }

    @Test
    void exitInAScriptCoroutineEndsTheRequest() {
        Recorder out = run("coroutine.wrap(function() ngx.sleep(0.1) ngx.exit(201) end)() "
                + "ngx.say('not reached')");
        assertThat(out.body()).isEmpty();
        assertThat(out.finishStatus).isEqualTo(201);
    }

    @Test
    void anErrorInAWrappedCoroutineReachesItsCaller() {
        Recorder out = run("local ok, err = pcall(coroutine.wrap(function() ngx.sleep(0.1) error('boom') end)) "
                + "ngx.say(ok, ' ', err)");
        assertThat(out.body()).isEqualTo("false content_by_lua(nginx.conf:42):1: boom\n");
    }

    @Test
    void bareYieldInTheEntryThreadResumesAtOnce() {
        assertThat(run("ngx.print('a') coroutine.yield() ngx.print('b')").body()).isEqualTo("ab");
    }

    List<?> subThreads() throws Exception {
        java.lang.reflect.Field subThreads = party.iroiro.luajava.AbstractLua.class.getDeclaredField("subThreads");
        subThreads.setAccessible(true);
        return (List<?>) subThreads.get(vm.main());
    }

    @Test
    void printLogsAtNoticeAsOpenRestyDoes() {
        run("print('hello ', 1, nil)");
        assertThat(messages()).contains("INFO [lua] content_by_lua(nginx.conf:42):1: hello 1nil");
    }

    @Test
    void sleepInsidePcallSuspendsTheRequest() {
        Recorder out = run("local ok = pcall(function() ngx.sleep(1) ngx.print('in') end) ngx.print(' ', ok)");
        assertThat(out.body()).isEqualTo("in true");
    }

    @Test
    void cancelledRequestIsReleasedAndSilent() {
        Recorder out = new Recorder();
        LuaRequest r = vm.request(vm.chunk("content_by_lua(nginx.conf:1)", "ngx.sleep(1) ngx.say('late')"),
                out, scheduler);
        r.start();
        assertThat(vm.liveRequests()).isOne();
        r.cancel();
        assertThat(vm.liveRequests()).isZero();
        assertThat(r.isDone()).isTrue();
        scheduler.advance(2000);
        assertThat(out.body()).isEmpty();
        assertThat(out.finishStatus).isEqualTo(-1);
    }

    @Test
    void isLuaJit() {
        assertThat(run("ngx.print(type(jit), ' ', jit.version:sub(1, 6))").body()).isEqualTo("table LuaJIT");
    }

    @Test
    void unsupportedNgxFunctionsRaiseANamedError() {
        Recorder out = run("ngx.location.capture('/x')");
        assertThat(out.finishStatus).isEqualTo(500);
        assertThat(messages()).anyMatch(m -> m.contains(
                "content_by_lua(nginx.conf:42):1: ngx.location is not supported by dynup"));
        assertThat(run("local ok, err = pcall(function() return ngx.nope end) ngx.say(ok, ' ', err)").body())
                .isEqualTo("false content_by_lua(nginx.conf:42):1: ngx.nope is not supported by dynup\n");
    }

    @Test
    void chunksAreCompiledOncePerVm() {
        LuaChunk a = vm.chunk("content_by_lua(nginx.conf:1)", "ngx.say(1)");
        assertThat(vm.chunk("content_by_lua(nginx.conf:1)", "ngx.say(1)")).isSameAs(a);
        assertThat(vm.chunk("content_by_lua(nginx.conf:2)", "ngx.say(1)")).isNotSameAs(a);
        assertThatThrownBy(() -> vm.chunk("content_by_lua(nginx.conf:3)", "ngx.say("))
                .isInstanceOf(LuaException.class).hasMessageContaining("content_by_lua(nginx.conf:3):1:");
    }

    @Test
    void aChangedSourceReplacesItsChunkAndRunningRequestsKeepTheOldCode() {
        String name = "@/etc/dynup/handler.lua";
        Recorder old = new Recorder();
        vm.request(vm.chunk(name, "ngx.sleep(1) ngx.say('v1')"), old, scheduler).start();
        LuaChunk v2 = vm.chunk(name, "ngx.say('v2')");
        double before = vm.collectGarbageKb();
        for (int i = 0; i < 2_000; i++) {
            vm.chunk(name, "ngx.say('edit " + i + "')");
        }
        assertThat(vm.chunk(name, "ngx.say('v2')")).isNotSameAs(v2);
        // replaced chunks are released: 2 000 recompilations leave no trace in the heap
        assertThat(vm.collectGarbageKb()).isLessThan(before + 64);
        scheduler.advance(1000);
        assertThat(old.body()).isEqualTo("v1\n");
        Recorder current = new Recorder();
        vm.request(vm.chunk(name, "ngx.say('v2')"), current, scheduler).start();
        assertThat(current.body()).isEqualTo("v2\n");
    }

    @Test
    void finishedCoroutinesAreReleased() throws Exception {
        LuaChunk chunk = vm.chunk("content_by_lua(nginx.conf:5)",
                "local t = {} for i = 1, 10 do t[i] = i end ngx.say(#t) ngx.sleep(0)");
        LuaChunk failing = vm.chunk("content_by_lua(nginx.conf:6)", "ngx.exit(204)");
        for (int i = 0; i < 2_000; i++) {
            vm.request(i % 2 == 0 ? chunk : failing, new Recorder(), scheduler).start();
            scheduler.advance(0);
        }
        double baseline = vm.collectGarbageKb();
        for (int i = 0; i < 100_000; i++) {
            vm.request(i % 2 == 0 ? chunk : failing, new Recorder(), scheduler).start();
            scheduler.advance(0);
        }
        assertThat(vm.liveRequests()).isZero();
        double after = vm.collectGarbageKb();
        assertThat(after).as("Lua heap KiB after 100k requests (baseline %s)", baseline)
                .isLessThan(baseline + 256).isLessThan(4096);
        // luajava's Java-side record of each coroutine is gone too
        // luajava's records left are the coroutines kept for reuse
        assertThat(subThreads()).hasSize(vm.idleThreads());
    }

    @Test
    void vmIsConfinedToItsThread() throws Exception {
        LuaChunk chunk = vm.chunk("content_by_lua(nginx.conf:1)", "ngx.say(1)");
        AtomicReference<Throwable> error = new AtomicReference<>();
        CompletableFuture.runAsync(() -> {
            try {
                vm.request(chunk, new Recorder(), scheduler).start();
            } catch (Throwable t) {
                error.set(t);
            }
        }).get();
        assertThat(error.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("confined");
        assertThatThrownBy(() -> CompletableFuture.runAsync(() -> vm.chunk("x", "return 1")).get())
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void closedVmDropsSuspendedRequests() {
        Recorder out = new Recorder();
        vm.request(vm.chunk("content_by_lua(nginx.conf:1)", "ngx.sleep(1) ngx.say(1)"), out, scheduler).start();
        vm.close();
        scheduler.advance(2000);
        assertThat(out.finishStatus).isEqualTo(-1);
        assertThatThrownBy(() -> vm.chunk("x", "return 1")).isInstanceOf(IllegalStateException.class);
    }
}

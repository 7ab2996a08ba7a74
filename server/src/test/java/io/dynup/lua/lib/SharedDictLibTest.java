package io.dynup.lua.lib;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.dynup.model.HostResolver;
import io.dynup.upstream.UpstreamRegistry;
import io.dynup.upstream.UpstreamService;

/** {@code ngx.shared.DICT} with OpenResty's results and error texts; time moves by hand. */
class SharedDictLibTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);
    private final LuaLibraries libraries = new LuaLibraries(
            new UpstreamService(new UpstreamRegistry(List.of()), HostResolver.system(), Runnable::run),
            Map.of("cache", 1L << 20, "tiny", 1000L), nanos::get);
    private final LibVm vm = new LibVm(libraries);

    @AfterEach
    void close() {
        vm.close();
    }

    private String lua(String code) {
        return vm.eval("local cache, tiny = ngx.shared.cache, ngx.shared.tiny\n" + code);
    }

    private void advanceSeconds(double s) {
        nanos.addAndGet((long) (s * 1e9));
    }

    @Test
    void setGetWithTypesAndFlags() {
        assertThat(lua("return show(cache:set('s', 'hello'))")).isEqualTo("true nil false");
        assertThat(lua("return show(cache:get('s'))")).isEqualTo("hello");
        assertThat(lua("cache:set('n', 3.5) return show(cache:get('n'), type(cache:get('n')))"))
                .isEqualTo("3.5 number");
        assertThat(lua("cache:set('b', false) return show(cache:get('b'))")).isEqualTo("false");
        assertThat(lua("cache:set('f', 'x', 0, 7) return show(cache:get('f'))")).isEqualTo("x 7");
        assertThat(lua("return show(cache:get('missing'))")).isEqualTo("nil");
        assertThat(lua("return show(ngx.shared.nosuch)")).isEqualTo("nil");
        assertThat(lua("cache:set('k', 1) cache:set('k', nil) return show(cache:get('k'))")).isEqualTo("nil");
        assertThat(lua("return show(cache:set(12, 'numeric key'), cache:get('12'))"))
                .isEqualTo("true numeric key");
    }

    @Test
    void bytesSurviveTheTripThroughJava() {
        assertThat(lua("local s = 'a\\0b\\255\\128c' cache:set(s, s) local v = cache:get(s) "
                       + "return show(v == s, #v, cache:get_keys()[1] == s)")).isEqualTo("true 6 true");
        assertThat(lua("cache:set('u', 'héllo ✓ 😀') return cache:get('u')")).isEqualTo("héllo ✓ 😀");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "cache:get(nil)|nil nil key",
            "cache:get('')|nil empty key",
            "cache:get(string.rep('k', 65536))|nil key too long",
            "cache:set(nil, 1)|nil nil key",
            "cache:set('k', {})|nil bad value type",
            "cache:set('k', print)|nil bad value type",
            "cache:incr(nil, 1)|nil nil key",
            "cache:ttl('')|nil empty key",
            "cache:expire(nil, 1)|nil nil key",
            "cache:delete(nil)|nil nil key"})
    void badKeysAndValuesAnswerNilAndTheReason(String call, String expected) {
        assertThat(lua("return show(" + call + ")")).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "cache.get('k')|bad \"zone\" argument",
            "cache.set(nil, 'k', 1)|bad \"zone\" argument",
            "cache.flush_all()|bad \"zone\" argument",
            "cache.capacity({})|bad \"zone\" argument",
            "cache:set('k', 1, -1)|bad \"exptime\" argument",
            "cache:expire('k')|bad \"exptime\" argument",
            "cache:incr('k', 1, 'x')|bad init arg: number expected, got string",
            "cache:incr('k', 1, nil, 5)|must provide \"init\" when providing \"init_ttl\"",
            "cache:incr('k', 1, 0, -5)|bad \"init_ttl\" argument"})
    void misuseRaisesAtTheCallersLine(String call, String message) {
        assertThat(lua(call + " return 'no error'"))
                .matches("error: \\[string \".*\"]:2: \\Q" + message + "\\E");
    }

    @Test
    void addAndReplace() {
        assertThat(lua("return show(cache:add('k', 1))")).isEqualTo("true nil false");
        assertThat(lua("return show(cache:add('k', 2))")).isEqualTo("false exists false");
        assertThat(lua("return show(cache:safe_add('k', 2))")).isEqualTo("false exists false");
        assertThat(lua("return show(cache:replace('k', 3), cache:get('k'))")).isEqualTo("true 3");
        assertThat(lua("return show(cache:replace('other', 3))")).isEqualTo("false not found false");
        lua("cache:set('e', 1, 1)");
        advanceSeconds(1);
        assertThat(lua("return show(cache:replace('e', 2))")).isEqualTo("false not found false");
        assertThat(lua("return show(cache:add('e', 2), cache:get('e'))")).isEqualTo("true 2");
    }

    @Test
    void incr() {
        assertThat(lua("return show(cache:incr('c', 1))")).isEqualTo("nil not found");
        assertThat(lua("return show(cache:incr('c', 1, 10))")).isEqualTo("11 nil false");
        assertThat(lua("return show(cache:incr('c', -2))")).isEqualTo("9");
        assertThat(lua("return show(cache:incr('c', '5'))")).isEqualTo("14");
        assertThat(lua("cache:set('s', 'x') return show(cache:incr('s', 1))")).isEqualTo("nil not a number");
        assertThat(lua("return show(cache:incr('t', 1, 0, 2), cache:ttl('t'))")).isEqualTo("1 2");
        advanceSeconds(2);
        assertThat(lua("return show(cache:get('t'), cache:incr('t', 1))")).isEqualTo("nil nil not found");
    }

    @Test
    void expiryTtlAndStaleReads() {
        lua("cache:set('k', 'v', 10, 3)");
        assertThat(lua("return show(cache:ttl('k'))")).isEqualTo("10");
        advanceSeconds(2.5);
        assertThat(lua("return show(cache:ttl('k'))")).isEqualTo("7.5");
        assertThat(lua("return show(cache:expire('k', 0), cache:ttl('k'))")).isEqualTo("true 0");
        assertThat(lua("return show(cache:expire('k', 1))")).isEqualTo("true");
        assertThat(lua("return show(cache:expire('nosuch', 1))")).isEqualTo("nil not found");
        assertThat(lua("return show(cache:ttl('nosuch'))")).isEqualTo("nil not found");
        advanceSeconds(1);
        assertThat(lua("return show(cache:get('k'))")).isEqualTo("nil");
        assertThat(lua("return show(cache:get_stale('k'))")).isEqualTo("v 3 true");
        lua("cache:set('fresh', 'f')");
        assertThat(lua("return show(cache:get_stale('fresh'))")).isEqualTo("f nil false");
    }

    @Test
    void keysFlushAllAndFlushExpired() {
        lua("for i = 1, 1100 do cache:set('k' .. i, i) end");
        assertThat(lua("return #cache:get_keys()")).isEqualTo("1024");
        assertThat(lua("return #cache:get_keys(0)")).isEqualTo("1100");
        assertThat(lua("return table.concat(cache:get_keys(3), ',')")).isEqualTo("k1100,k1099,k1098");
        lua("cache:get('k1')");
        assertThat(lua("return cache:get_keys(1)[1]")).isEqualTo("k1");
        lua("cache:flush_all()");
        assertThat(lua("return show(cache:get('k1'), #cache:get_keys(0), cache:get_stale('k1'))"))
                .isEqualTo("nil 0 1 nil true");
        assertThat(lua("return show(cache:flush_expired(100))")).isEqualTo("100");
        assertThat(lua("return show(cache:flush_expired())")).isEqualTo("1000");
        assertThat(lua("return show(cache:get_stale('k1'), cache:free_space() == cache:capacity())"))
                .isEqualTo("nil true");
    }

    @Test
    void setEvictsTheLeastRecentlyUsedWhenFullAndSafeSetRefuses() {
        // tiny holds 1000 bytes: entries of 64 + 2 + 100 bytes, six fit
        assertThat(lua("return show(tiny:capacity(), tiny:free_space())")).isEqualTo("1000 1000");
        lua("for i = 1, 6 do assert(tiny:set('k' .. i, string.rep('x', 100))) end");
        assertThat(lua("return show(tiny:free_space())")).isEqualTo("4");
        lua("tiny:get('k1')");
        assertThat(lua("return show(tiny:safe_set('k7', string.rep('x', 100)))"))
                .isEqualTo("false no memory false");
        assertThat(lua("return show(tiny:safe_add('k7', string.rep('x', 100)))"))
                .isEqualTo("false no memory false");
        assertThat(lua("return show(tiny:set('k7', string.rep('x', 100)))")).isEqualTo("true nil true");
        assertThat(lua("return show(tiny:get('k2') ~= nil, tiny:get('k1') ~= nil, tiny:get('k7') ~= nil)"))
                .isEqualTo("false true true");
        assertThat(lua("return show(tiny:set('big', string.rep('x', 2000)))"))
                .isEqualTo("false no memory false");
    }

    @Test
    void expiredEntriesMakeRoomBeforeLiveOnes() {
        lua("for i = 1, 6 do tiny:set('k' .. i, string.rep('x', 100), i == 1 and 1 or 0) end");
        advanceSeconds(1);
        assertThat(lua("return show(tiny:safe_set('k7', string.rep('x', 100)))")).isEqualTo("true nil false");
        assertThat(lua("return show(#tiny:get_keys())")).isEqualTo("6");
    }

    @Test
    void lists() {
        assertThat(lua("return show(cache:lpush('l', 'b'), cache:lpush('l', 'a'), cache:rpush('l', 3))"))
                .isEqualTo("1 2 3");
        assertThat(lua("return show(cache:llen('l'), cache:llen('missing'))")).isEqualTo("3 0");
        assertThat(lua("return show(cache:get('l'))")).isEqualTo("nil value is a list");
        assertThat(lua("return show(cache:lpop('l'), cache:rpop('l'), cache:lpop('l'), cache:lpop('l'))"))
                .isEqualTo("a 3 b nil");
        assertThat(lua("return show(cache:get_keys(0)[1], cache:free_space() == cache:capacity())"))
                .isEqualTo("nil true");
        assertThat(lua("cache:set('s', 1) return show(cache:lpush('s', 1))")).isEqualTo("nil value not a list");
        assertThat(lua("return show(cache:lpop('s'))")).isEqualTo("nil value not a list");
        assertThat(lua("return show(cache:llen('s'))")).isEqualTo("nil value not a list");
        assertThat(lua("return show(cache:rpush('l', {}))")).isEqualTo("nil bad value type");
        assertThat(lua("cache:rpush('b', '\\0\\255') return tostring(cache:lpop('b') == '\\0\\255')"))
                .isEqualTo("true");
        assertThat(lua("cache:rpush('n', 1) return show(cache:incr('n', 1))")).isEqualTo("nil not a number");
    }

    @Test
    void aFullDictRefusesListPushesWithoutEvicting() {
        lua("for i = 1, 6 do tiny:set('k' .. i, string.rep('x', 100)) end");
        assertThat(lua("return show(tiny:rpush('l', string.rep('x', 100)))")).isEqualTo("nil no memory");
        assertThat(lua("return #tiny:get_keys()")).isEqualTo("6");
    }

    @Test
    void oneStoreForEveryVm() {
        try (LibVm other = new LibVm(libraries)) {
            lua("cache:set('shared', 'yes')");
            assertThat(other.eval("return ngx.shared.cache:get('shared')")).isEqualTo("yes");
        }
    }

    @Test
    void openingNeedsTheNgxTable() {
        try (party.iroiro.luajava.luajit.LuaJit bare = new party.iroiro.luajava.luajit.LuaJit()) {
            bare.openLibraries();
            assertThatThrownBy(() -> libraries.open(bare, vm)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("ngx table");
        }
    }

    @Test
    void concurrentIncrementsAreNotLost() throws InterruptedException {
        SharedDict dict = new SharedDict("d", 1 << 20, nanos::get);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    dict.incr("n", 1, 0.0, 0);
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(dict.get("n", false).value()).isEqualTo(40_000.0);
    }
}

package io.dynup.lua.lib;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.dynup.model.HostResolver;
import io.dynup.upstream.UpstreamRegistry;
import io.dynup.upstream.UpstreamService;

/** {@code require "cjson"} and {@code "cjson.safe"}: lua-cjson 2.1's output and error texts. */
class CjsonLibTest {

    private final LibVm vm = new LibVm(new LuaLibraries(
            new UpstreamService(new UpstreamRegistry(List.of()), HostResolver.system(), Runnable::run), Map.of()));

    @AfterEach
    void close() {
        vm.close();
    }

    private String lua(String code) {
        return vm.eval("local cjson, safe = require 'cjson', require 'cjson.safe'\n" + code);
    }

    /** The expected JSON is a Lua long string, so bytes that are not text stay bytes. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "{1, 2, 3}|[1,2,3]",
            "{}|{}",
            "{a = {}}|{\"a\":{}}",
            "{1, nil, 3}|[1,null,3]",
            "{[1] = 1, [2] = 2, [10] = 3}|[1,2,null,null,null,null,null,null,null,3]",
            "{[0] = 'z'}|{\"0\":\"z\"}",
            "{[1.5] = true}|{\"1.5\":true}",
            "100|100",
            "-0.0|-0",
            "0.1|0.1",
            "1/3|0.33333333333333",
            "1e20|1e+20",
            "123456789012345678|1.2345678901235e+17",
            "2^53|9.007199254741e+15",
            "'a/b\"c\\\\d'|\"a\\/b\\\"c\\\\d\"",
            "'\\b\\t\\n\\f\\r\\1\\31\\127'|\"\\b\\t\\n\\f\\r\\u0001\\u001f\\u007f\"",
            "true|true",
            "ngx.null|null",
            "cjson.null|null",
            "{ngx.null, false}|[null,false]",
            "cjson.empty_array|[]",
            "setmetatable({}, cjson.empty_array_mt)|[]",
            "setmetatable({a = 1}, cjson.empty_array_mt)|{\"a\":1}",
            "setmetatable({1, 2, x = 3}, cjson.array_mt)|[1,2]"})
    void encodes(String value, String json) {
        assertThat(lua("local got = cjson.encode(" + value + ") "
                       + "if got == [==[" + json + "]==] then return 'ok' end return 'got ' .. got")).isEqualTo("ok");
    }

    @Test
    void invalidUtf8IsKept() {
        assertThat(lua("return tostring(cjson.encode('h\\195\\169 \\255') == '\"h\\195\\169 \\255\"')"))
                .isEqualTo("true");
    }

    @Test
    void encodesObjectsInTableOrder() {
        assertThat(lua("return cjson.encode({a = 1, b = 'x'})"))
                .isIn("{\"a\":1,\"b\":\"x\"}", "{\"b\":\"x\",\"a\":1}");
        assertThat(lua("return cjson.encode({1, 2, a = 3})")).contains("\"1\":1", "\"2\":2", "\"a\":3");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{[1] = 1, [2] = 2, [20] = 3}|Cannot serialise table: excessively sparse array",
            "print|Cannot serialise function: type not supported",
            "{coroutine.create(print)}|Cannot serialise thread: type not supported",
            "{[true] = 1}|Cannot serialise boolean: table key must be a number or string",
            "1/0|Cannot serialise number: must not be NaN or Infinity",
            "{0/0}|Cannot serialise number: must not be NaN or Infinity",
            "deep(1000)|Cannot serialise, excessive nesting (1001)"})
    void encodeErrorsRaiseAtTheCallerAndSafeAnswersNil(String value, String message) {
        String deep = "local function deep(n) local t = {} local c = t for i = 1, n do c[1] = {} c = c[1] end "
                      + "return t end\n";
        assertThat(lua(deep + "local json = cjson.encode(" + value + ") return json"))
                .startsWith("error: [string ").endsWith("]:3: " + message);
        assertThat(lua(deep + "return show(safe.encode(" + value + "))")).isEqualTo("nil " + message);
    }

    @Test
    void nestingUpToTheLimitEncodes() {
        assertThat(lua("local t = {} local c = t for i = 1, 999 do c[1] = {} c = c[1] end "
                       + "return #cjson.encode(t)")).isEqualTo("2000");
    }

    @Test
    void options() {
        assertThat(lua("cjson.encode_empty_table_as_object(false) return cjson.encode({a = {}})"))
                .isEqualTo("{\"a\":[]}");
        assertThat(lua("return cjson.encode({})")).as("options belong to the module instance").isEqualTo("[]");
        assertThat(lua("return safe.encode({})")).isEqualTo("{}");
        assertThat(lua("cjson.encode_sparse_array(true) return cjson.encode({[1] = 1, [20] = 2})"))
                .isIn("{\"1\":1,\"20\":2}", "{\"20\":2,\"1\":1}");
        assertThat(lua("cjson.encode_number_precision(3) return cjson.encode(1/3)")).isEqualTo("0.333");
        assertThat(lua("cjson.decode_array_with_array_mt(true) local t = cjson.decode('[]') "
                       + "return cjson.encode(t) .. tostring(getmetatable(t) == cjson.array_mt)"))
                .isEqualTo("[]true");
        assertThat(lua("cjson.encode_invalid_numbers('null') return cjson.encode({1/0})")).isEqualTo("[null]");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "`[1, 2.5, -3e2, \"x\"]`|1 2.5 -300 x",
            "`{\"a\": {\"b\": [true, false, null]}}`|true false null",
            "`[ 42 ]`|42",
            "`0x10`|16",
            "`-Infinity`|-inf"})
    void decodes(String json, String shown) {
        String code = "local v = cjson.decode([==[" + json + "]==]) local out = {} "
                      + "local function walk(x) if type(x) == 'table' then for _, y in ipairs(x) do walk(y) end "
                      + "if x.a then walk(x.a.b) end else out[#out + 1] = tostring(x) end end "
                      + "walk(v) return table.concat(out, ' ')";
        assertThat(lua(code)).isEqualTo(shown);
    }

    @Test
    void decodesEscapesToUtf8() {
        // compared in Lua: JNI's modified UTF-8 cannot carry the 4-byte sequence to Java
        assertThat(lua("return tostring(cjson.decode([[\"\\u00e9\\ud83d\\ude00\\/\\t\\u0000.\"]]) "
                       + "== '\\195\\169\\240\\159\\152\\128/\\t\\0.')")).isEqualTo("true");
    }

    @Test
    void decodeNullIsNgxNullAndObjectsAreTables() {
        assertThat(lua("local v = cjson.decode('{\"k\": null, \"n\": 1}') "
                       + "return show(v.k == ngx.null, v.k == cjson.null, v.n)")).isEqualTo("true true 1");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "``|Expected value but found T_END at character 1",
            "`x`|Expected value but found invalid token at character 1",
            "`{`|Expected object key string but found T_END at character 2",
            "`{1: 2}`|Expected object key string but found T_NUMBER at character 2",
            "`{\"a\" 2}`|Expected colon but found T_NUMBER at character 6",
            "`{\"a\": 2 3}`|Expected comma or object end but found T_NUMBER at character 9",
            "`[1 2]`|Expected comma or array end but found T_NUMBER at character 4",
            "`[1,]`|Expected value but found T_ARR_END at character 4",
            "`[1] x`|Expected the end but found invalid token at character 5",
            "`truex`|Expected the end but found invalid token at character 5",
            "`\"abc`|Expected value but found unexpected end of string at character 5",
            "`\"a\\qb\"`|Expected value but found invalid escape code at character 3",
            "`\"\\u12\"`|Expected value but found invalid unicode escape code at character 2",
            "`\"\\udc00\"`|Expected value but found invalid unicode escape code at character 2",
            "`-`|Expected value but found invalid number at character 1",
            "`nul`|Expected value but found invalid token at character 1"})
    void decodeErrors(String json, String message) {
        assertThat(lua("return show(safe.decode([==[" + json + "]==]))")).isEqualTo("nil " + message);
        assertThat(lua("local v = cjson.decode([==[" + json + "]==]) return v"))
                .startsWith("error: [string ").endsWith("]:2: " + message);
    }

    @Test
    void decodeLimitsNesting() {
        assertThat(lua("return show(safe.decode(string.rep('[', 1001) .. string.rep(']', 1001)))"))
                .isEqualTo("nil Found too many nested data structures (1001) at character 1001");
        assertThat(lua("return #safe.decode(string.rep('[', 1000) .. string.rep(']', 1000))")).isEqualTo("1");
    }

    @Test
    void argumentMisuseRaisesEvenInSafe() {
        assertThat(lua("local v = safe.encode() return v"))
                .endsWith(":2: bad argument #1 to 'encode' (expected 1 argument)");
        assertThat(lua("local v = cjson.decode('1', 2) return v"))
                .endsWith(":2: bad argument #1 to 'decode' (expected 1 argument)");
        assertThat(lua("local v = cjson.decode(nil) return v"))
                .endsWith(":2: bad argument #1 to 'decode' (string expected, got nil)");
        assertThat(lua("return cjson.decode(12)")).isEqualTo("12");
        assertThat(lua("return show(safe.decode('\\0\\0'))"))
                .isEqualTo("nil JSON parser does not support UTF-16 or UTF-32");
    }

    @Test
    void roundTrip() {
        assertThat(lua("local s = cjson.encode({name = 'backend', peers = {{server = '127.0.0.1:80', weight = 2}}}) "
                       + "local t = cjson.decode(s) return show(t.name, t.peers[1].server, t.peers[1].weight)"))
                .isEqualTo("backend 127.0.0.1:80 2");
    }
}

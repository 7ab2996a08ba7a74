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

/** The {@code ngx} string codecs with lua-nginx-module 0.10.23's outputs. */
class CodecsLibTest {

    private final LibVm vm = new LibVm(new LuaLibraries(
            new UpstreamService(new UpstreamRegistry(List.of()), HostResolver.system(), Runnable::run), Map.of()));

    @AfterEach
    void close() {
        vm.close();
    }

    private String lua(String code) {
        return vm.eval("local function hex(s) return (s:gsub('.', function(c) "
                       + "return string.format('%02x', c:byte()) end)) end\n" + code);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "'a b/c?d=e&f+g~h.i_j-k'|a%20b%2Fc%3Fd%3De%26f%2Bg~h.i_j-k",
            "'\\228\\184\\173'|%E4%B8%AD",
            "'\\0\\31\\127'|%00%1F%7F",
            "'a b/c?#%', 0|a%20b/c%3F%23%25",
            "'a+b c', 1|a%2Bb%20c",
            "'<a href=\"x\">', 3|<a%20href=%22x%22>",
            "nil|``",
            "12|12"})
    void escapeUri(String args, String escaped) {
        assertThat(lua("return ngx.escape_uri(" + args + ")")).isEqualTo(escaped);
    }

    @Test
    void escapeUriKeepsUnreservedAndSubDelimiterMarks() {
        // lua-nginx-module's uri_component table leaves ! * ( ) ' as they are (as JavaScript's encodeURIComponent)
        assertThat(lua("return ngx.escape_uri([[!*()'\"#$%,:;<>@[\\]^`{|}]])"))
                .isEqualTo("!*()'%22%23%24%25%2C%3A%3B%3C%3E%40%5B%5C%5D%5E%60%7B%7C%7D");
    }

    @Test
    void escapeUriChecksItsType() {
        assertThat(lua("local v = ngx.escape_uri('x', 'a') return v"))
                .endsWith(":2: \"esc_type\" is not number");
        assertThat(lua("local v = ngx.escape_uri('x', 9) return v"))
                .endsWith(":2: \"esc_type\" 9 out of range");
    }

    @Test
    void unescapeUri() {
        assertThat(lua("return ngx.unescape_uri('a%20b+c%2Bd%zz%4%e4%b8%ad') == 'a b c+d%zz%4\\228\\184\\173'"))
                .isEqualTo("true");
        assertThat(lua("return ngx.unescape_uri(nil)")).isEqualTo("");
        assertThat(lua("local s = '\\0\\1 /?&=\\255' return ngx.unescape_uri(ngx.escape_uri(s)) == s"))
                .isEqualTo("true");
    }

    @Test
    void encodeArgs() {
        assertThat(lua("return ngx.encode_args({a = 'x y/z'})")).isEqualTo("a=x%20y%2Fz");
        assertThat(lua("return ngx.encode_args({['k y'] = 3.5})")).isEqualTo("k%20y=3.5");
        assertThat(lua("return ngx.encode_args({e = {1, 'z/', true, false}})")).isEqualTo("e=1&e=z%2F&e");
        assertThat(lua("return ngx.encode_args({t = true})")).isEqualTo("t");
        assertThat(lua("return ngx.encode_args({f = false})")).isEqualTo("");
        assertThat(lua("return ngx.encode_args({})")).isEqualTo("");
        assertThat(lua("local s = ngx.encode_args({a = 1, b = 2}) return tostring(s == 'a=1&b=2' or s == 'b=2&a=1')"))
                .isEqualTo("true");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{[1] = 'x'}|attempt to use a non-string key in the \"args\" option table",
            "{a = print}|attempt to use function as query arg value",
            "{a = {{}}}|attempt to use table as query arg value",
            "nil|bad argument #1 to 'encode_args' (table expected, got nil)"})
    void encodeArgsErrors(String args, String message) {
        assertThat(lua("local v = ngx.encode_args(" + args + ") return v")).endsWith(":2: " + message);
    }

    @Test
    void decodeArgs() {
        String show = "local function show_args(t) local keys = {} for k in pairs(t) do keys[#keys + 1] = k end "
                      + "table.sort(keys) local out = {} for _, k in ipairs(keys) do local v = t[k] "
                      + "if type(v) == 'table' then v = '{' .. table.concat(v, ',') .. '}' end "
                      + "out[#out + 1] = k .. '=' .. tostring(v) end return table.concat(out, ' ') end\n";
        assertThat(lua(show + "return show_args(ngx.decode_args('a=1&b&c=&a=2&=x&d=%41+b&&e=f=g&a=3'))"))
                .isEqualTo("a={1,2,3} b=true c= d=A b e=f=g");
        assertThat(lua(show + "local t, err = ngx.decode_args('a=1&b=2&c=3', 2) return show_args(t) .. ' ' .. err"))
                .isEqualTo("a=1 b=2 truncated");
        assertThat(lua(show + "local t, err = ngx.decode_args('a=1&b=2&c=3', 0) return show_args(t) .. tostring(err)"))
                .isEqualTo("a=1 b=2 c=3nil");
        assertThat(lua(show + "local args = {} for i = 1, 150 do args[i] = 'k' .. i .. '=' .. i end "
                       + "local t, err = ngx.decode_args(table.concat(args, '&')) local n = 0 "
                       + "for _ in pairs(t) do n = n + 1 end return n .. ' ' .. err")).isEqualTo("100 truncated");
        assertThat(lua("local v = ngx.decode_args() return v"))
                .endsWith(":2: expecting 1 or 2 arguments but seen 0");
    }

    @Test
    void digests() {
        assertThat(lua("return ngx.md5('hello')")).isEqualTo("5d41402abc4b2a76b9719d911017c592");
        assertThat(lua("return ngx.md5(nil)")).isEqualTo("d41d8cd98f00b204e9800998ecf8427e");
        assertThat(lua("return hex(ngx.md5_bin('hello'))")).isEqualTo("5d41402abc4b2a76b9719d911017c592");
        assertThat(lua("return hex(ngx.sha1_bin('hello'))"))
                .isEqualTo("aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d");
        assertThat(lua("return hex(ngx.hmac_sha1('key', 'The quick brown fox jumps over the lazy dog'))"))
                .isEqualTo("de7c9b85b8b78aa6bc8a7a36f70a90701c9db4d9");
        assertThat(lua("return hex(ngx.hmac_sha1('', ''))"))
                .isEqualTo("fbdb1d1b18aa6c08324b7d64b71fb76370690e1d");
        assertThat(lua("return ngx.crc32_short('hello') .. ' ' .. ngx.crc32_long('hello')"))
                .isEqualTo("907060870 907060870");
    }

    @Test
    void base64() {
        assertThat(lua("return ngx.encode_base64('hello')")).isEqualTo("aGVsbG8=");
        assertThat(lua("return ngx.encode_base64('hello', true)")).isEqualTo("aGVsbG8");
        assertThat(lua("return ngx.encode_base64('he')")).isEqualTo("aGU=");
        assertThat(lua("return ngx.encode_base64('')")).isEqualTo("");
        assertThat(lua("return ngx.encode_base64('\\0\\255\\254')")).isEqualTo("AP/+");
        assertThat(lua("local v = ngx.encode_base64('x', 1) return v"))
                .endsWith(":2: bad no_padding: boolean expected, got number");
        assertThat(lua("return ngx.decode_base64('aGVsbG8=')")).isEqualTo("hello");
        assertThat(lua("return ngx.decode_base64('aGVsbG8')")).isEqualTo("hello");
        assertThat(lua("return ngx.decode_base64('aGVsbG8=junk')")).isEqualTo("hello");
        assertThat(lua("return hex(ngx.decode_base64('AP/+'))")).isEqualTo("00fffe");
        assertThat(lua("return tostring(ngx.decode_base64('a'))")).isEqualTo("nil");
        assertThat(lua("return tostring(ngx.decode_base64('a*bc'))")).isEqualTo("nil");
        assertThat(lua("return ngx.decode_base64('')")).isEqualTo("");
        assertThat(lua("local v = ngx.decode_base64(nil) return v")).endsWith(":2: string argument only");
    }
}

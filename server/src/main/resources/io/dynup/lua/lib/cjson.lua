-- require "cjson" and "cjson.safe": lua-cjson 2.1 (OpenResty's build) in plain Lua, with its output rules
-- (numbers "%.14g", "/" escaped, sparse arrays refused, nesting limit 1000) and its error texts. The null value
-- is ngx.null. Registers both modules in package.preload.
local null = ...
local type, pairs, next, error, pcall, select, tostring, setmetatable, getmetatable, rawget =
      type, pairs, next, error, pcall, select, tostring, setmetatable, getmetatable, rawget
local floor, huge = math.floor, math.huge
local byte, sub, find, format, gsub, char, lower = string.byte, string.sub, string.find, string.format,
      string.gsub, string.char, string.lower
local concat, tonumber = table.concat, tonumber

local empty_array_mt, array_mt = {}, {}
local empty_array = newproxy(false)

local escapes = {
    ["\b"] = "\\b", ["\t"] = "\\t", ["\n"] = "\\n", ["\f"] = "\\f", ["\r"] = "\\r",
    ['"'] = '\\"', ["\\"] = "\\\\", ["/"] = "\\/",
}
for c = 0, 31 do
    local ch = char(c)
    if not escapes[ch] then escapes[ch] = format("\\u%04x", c) end
end
escapes["\127"] = "\\u007f"

local function quote(s)
    return '"' .. gsub(s, '[%c"\\/]', escapes) .. '"'
end

local function option_bool(v, current)
    if v == nil then return current end
    if v == true or v == "on" then return true end
    if v == false or v == "off" then return false end
    error("bad argument #1 to '?' (invalid option '" .. tostring(v) .. "')", 3)
end

local function option_int(v, current, min, max)
    if v == nil then return current end
    local n = tonumber(v)
    if not n or n < min or n > max then
        error("bad argument #1 to '?' (expected integer between " .. min .. " and " .. max .. ")", 3)
    end
    return floor(n)
end

local function new()
    local cfg = {
        sparse_convert = false, sparse_ratio = 2, sparse_safe = 10,
        encode_max_depth = 1000, decode_max_depth = 1000,
        encode_invalid_numbers = false, decode_invalid_numbers = true,
        precision = 14, empty_table_as_object = true, array_with_array_mt = false,
        decode_json_null = true, keep_buffer = true,
    }
    local number_format = "%.14g"

    local function encode_number(n, what)
        if n ~= n or n == huge or n == -huge then
            if cfg.encode_invalid_numbers == "null" then return "null" end
            if cfg.encode_invalid_numbers then
                if n ~= n then return "NaN" end
                return n > 0 and "Infinity" or "-Infinity"
            end
            error("Cannot serialise " .. what .. ": must not be NaN or Infinity", 0)
        end
        return format(number_format, n)
    end

    -- the array length of t, or -1 for an object (as lua_array_length)
    local function array_length(t)
        local max, items = 0, 0
        for k in pairs(t) do
            if type(k) == "number" and k >= 1 and floor(k) == k then
                if k > max then max = k end
                items = items + 1
            else
                return -1
            end
        end
        if cfg.sparse_ratio > 0 and max > items * cfg.sparse_ratio and max > cfg.sparse_safe then
            if not cfg.sparse_convert then
                error("Cannot serialise table: excessively sparse array", 0)
            end
            return -1
        end
        return max
    end

    local encode_value

    local function encode_array(t, n, depth, buf)
        buf[#buf + 1] = "["
        for i = 1, n do
            if i > 1 then buf[#buf + 1] = "," end
            encode_value(rawget(t, i), depth, buf)
        end
        buf[#buf + 1] = "]"
    end

    local function encode_table(t, depth, buf)
        depth = depth + 1
        if depth > cfg.encode_max_depth then
            error("Cannot serialise, excessive nesting (" .. depth .. ")", 0)
        end
        local mt = getmetatable(t)
        if mt == array_mt then
            return encode_array(t, #t, depth, buf)
        end
        local n = array_length(t)
        if n > 0 or (n == 0 and (not cfg.empty_table_as_object or mt == empty_array_mt)) then
            return encode_array(t, n, depth, buf)
        end
        buf[#buf + 1] = "{"
        local first = true
        for k, v in next, t do
            if not first then buf[#buf + 1] = "," end
            first = false
            local kt = type(k)
            if kt == "string" then
                buf[#buf + 1] = quote(k)
            elseif kt == "number" then
                buf[#buf + 1] = '"' .. encode_number(k, "number") .. '"'
            else
                error("Cannot serialise " .. kt .. ": table key must be a number or string", 0)
            end
            buf[#buf + 1] = ":"
            encode_value(v, depth, buf)
        end
        buf[#buf + 1] = "}"
    end

    encode_value = function(v, depth, buf)
        local t = type(v)
        if t == "string" then
            buf[#buf + 1] = quote(v)
        elseif t == "number" then
            buf[#buf + 1] = encode_number(v, "number")
        elseif t == "boolean" then
            buf[#buf + 1] = v and "true" or "false"
        elseif t == "table" then
            encode_table(v, depth, buf)
        elseif v == nil or v == null then
            buf[#buf + 1] = "null"
        elseif v == empty_array then
            buf[#buf + 1] = "[]"
        else
            error("Cannot serialise " .. t .. ": type not supported", 0)
        end
    end

    local cjson = {
        null = null, empty_array = empty_array, empty_array_mt = empty_array_mt, array_mt = array_mt,
        _NAME = "cjson", _VERSION = "2.1.0.10",
    }

    local function encode(v)
        local buf = {}
        encode_value(v, 0, buf)
        return concat(buf)
    end

    -- decoding: positions are 1-based byte offsets, as cjson reports them
    local unescapes = {
        ['"'] = '"', ["\\"] = "\\", ["/"] = "/", b = "\b", t = "\t", n = "\n", f = "\f", r = "\r",
    }
    local token_names = {
        ["{"] = "T_OBJ_BEGIN", ["}"] = "T_OBJ_END", ["["] = "T_ARR_BEGIN", ["]"] = "T_ARR_END",
        [":"] = "T_COLON", [","] = "T_COMMA",
    }

    local function decode(s)
        local pos = 1
        local depth = 0
        local len = #s

        -- the next token: its cjson type name (T_STRING...) or an error text, its value, where it starts
        local function token()
            local _, e = find(s, "^[ \t\n\r]*", pos)
            pos = e + 1
            local start = pos
            local c = sub(s, pos, pos)
            if c == "" or c == "\0" then return "T_END", nil, start end
            local name = token_names[c]
            if name then
                pos = pos + 1
                return name, nil, start
            end
            if c == '"' then
                local out, i = {}, pos + 1
                while true do
                    local a = find(s, '["\\%z]', i)
                    if not a or byte(s, a) == 0 then
                        pos = a or len + 1
                        return "unexpected end of string", nil, pos
                    end
                    out[#out + 1] = sub(s, i, a - 1)
                    if byte(s, a) == 34 then
                        pos = a + 1
                        return "T_STRING", concat(out), start
                    end
                    local esc = sub(s, a + 1, a + 1)
                    local simple = unescapes[esc]
                    if simple then
                        out[#out + 1] = simple
                        i = a + 2
                    elseif esc == "u" then
                        local cp = tonumber(sub(s, a + 2, a + 5), 16)
                        local used = 6
                        if not cp or not find(sub(s, a + 2, a + 5), "^%x%x%x%x$") then cp = nil end
                        if cp and cp >= 0xD800 and cp <= 0xDFFF then
                            local low = sub(s, a + 6, a + 7) == "\\u" and sub(s, a + 8, a + 11)
                            low = low and find(low, "^%x%x%x%x$") and tonumber(low, 16)
                            if cp >= 0xDC00 or not low or low < 0xDC00 or low > 0xDFFF then
                                cp = nil
                            else
                                cp = (cp - 0xD800) * 0x400 + (low - 0xDC00) + 0x10000
                                used = 12
                            end
                        end
                        if not cp then
                            pos = a
                            return "invalid unicode escape code", nil, a
                        end
                        if cp < 0x80 then
                            out[#out + 1] = char(cp)
                        elseif cp < 0x800 then
                            out[#out + 1] = char(0xC0 + floor(cp / 64), 0x80 + cp % 64)
                        elseif cp < 0x10000 then
                            out[#out + 1] = char(0xE0 + floor(cp / 4096), 0x80 + floor(cp / 64) % 64,
                                                 0x80 + cp % 64)
                        else
                            out[#out + 1] = char(0xF0 + floor(cp / 262144), 0x80 + floor(cp / 4096) % 64,
                                                 0x80 + floor(cp / 64) % 64, 0x80 + cp % 64)
                        end
                        i = a + used
                    else
                        pos = a
                        return "invalid escape code", nil, a
                    end
                end
            end
            if sub(s, pos, pos + 3) == "true" then pos = pos + 4 return "T_BOOLEAN", true, start end
            if sub(s, pos, pos + 4) == "false" then pos = pos + 5 return "T_BOOLEAN", false, start end
            if sub(s, pos, pos + 3) == "null" then pos = pos + 4 return "T_NULL", nil, start end
            local word = lower(sub(s, pos, pos + 2))
            if find(c, "^[-+%d]") or cfg.decode_invalid_numbers and (word == "inf" or word == "nan") then
                -- strtod's longest prefix: sign, then inf/infinity/nan, hex, or a decimal with an exponent
                local sign, p = 1, pos
                local ch = sub(s, p, p)
                if ch == "-" or ch == "+" then
                    if ch == "-" then sign = -1 end
                    p = p + 1
                end
                local rest = lower(sub(s, p, p + 7))
                local n, e
                if find(rest, "^infinity") then n, e = huge, p + 7
                elseif find(rest, "^inf") then n, e = huge, p + 2
                elseif find(rest, "^nan") then n, e = 0 / 0, p + 2
                else
                    local _, he = find(s, "^0[xX]%x+", p)
                    if he then
                        n, e = tonumber(sub(s, p + 2, he), 16), he
                    else
                        local _, de = find(s, "^%d*%.?%d*", p)
                        if de >= p and find(sub(s, p, de), "%d") then
                            local _, xe = find(s, "^[eE][-+]?%d+", de + 1)
                            e = xe or de
                            n = tonumber(sub(s, p, e))
                        end
                    end
                end
                if not n then return "invalid number", nil, start end
                pos = e + 1
                return "T_NUMBER", sign * n, start
            end
            return "invalid token", nil, start
        end

        local function fail(expected, kind, at)
            error("Expected " .. expected .. " but found " .. kind .. " at character " .. at, 0)
        end

        local value

        local function descend()
            depth = depth + 1
            if depth > cfg.decode_max_depth then
                error("Found too many nested data structures (" .. depth .. ") at character " .. (pos - 1), 0)
            end
        end

        value = function(kind, v, at)
            if kind == "T_STRING" or kind == "T_NUMBER" or kind == "T_BOOLEAN" then return v end
            if kind == "T_NULL" then
                if cfg.decode_json_null then return null end
                return nil
            end
            if kind == "T_OBJ_BEGIN" then
                descend()
                local t = {}
                local k, kv, kat = token()
                if k == "T_OBJ_END" then depth = depth - 1 return t end
                while true do
                    if k ~= "T_STRING" then fail("object key string", k, kat) end
                    local c, _, cat = token()
                    if c ~= "T_COLON" then fail("colon", c, cat) end
                    t[kv] = value(token())
                    local sep, _, sat = token()
                    if sep == "T_OBJ_END" then depth = depth - 1 return t end
                    if sep ~= "T_COMMA" then fail("comma or object end", sep, sat) end
                    k, kv, kat = token()
                end
            end
            if kind == "T_ARR_BEGIN" then
                descend()
                local t = {}
                if cfg.array_with_array_mt then setmetatable(t, array_mt) end
                local k, kv, kat = token()
                if k == "T_ARR_END" then depth = depth - 1 return t end
                local i = 1
                while true do
                    t[i] = value(k, kv, kat)
                    i = i + 1
                    local sep, _, sat = token()
                    if sep == "T_ARR_END" then depth = depth - 1 return t end
                    if sep ~= "T_COMMA" then fail("comma or array end", sep, sat) end
                    k, kv, kat = token()
                end
            end
            fail("value", kind, at)
        end

        local result = value(token())
        local kind, _, at = token()
        if kind ~= "T_END" then fail("the end", kind, at) end
        return result
    end

    local function checked_decode(s)
        local t = type(s)
        if t == "number" then
            s = tostring(s)
        elseif t ~= "string" then
            error("bad argument #1 to 'decode' (string expected, got " .. t .. ")", 0)
        end
        if #s >= 2 and (byte(s, 1) == 0 or byte(s, 2) == 0) then
            error("JSON parser does not support UTF-16 or UTF-32", 0)
        end
        return decode(s)
    end

    -- errors raised deep in the work are raised again at the caller's line, as luaL_error places them
    for name, f in pairs({ encode = encode, decode = checked_decode }) do
        cjson[name] = function(...)
            if select("#", ...) ~= 1 then error("bad argument #1 to '" .. name .. "' (expected 1 argument)", 2) end
            local ok, r = pcall(f, (...))
            if ok then return r end
            error(r, 2)
        end
    end

    function cjson.encode_empty_table_as_object(v)
        cfg.empty_table_as_object = option_bool(v, cfg.empty_table_as_object)
        return cfg.empty_table_as_object
    end
    function cjson.decode_array_with_array_mt(v)
        cfg.array_with_array_mt = option_bool(v, cfg.array_with_array_mt)
        return cfg.array_with_array_mt
    end
    function cjson.decode_json_null(v)
        cfg.decode_json_null = option_bool(v, cfg.decode_json_null)
        return cfg.decode_json_null
    end
    function cjson.encode_keep_buffer(v)
        cfg.keep_buffer = option_bool(v, cfg.keep_buffer)
        return cfg.keep_buffer
    end
    function cjson.decode_invalid_numbers(v)
        cfg.decode_invalid_numbers = option_bool(v, cfg.decode_invalid_numbers)
        return cfg.decode_invalid_numbers
    end
    function cjson.encode_invalid_numbers(v)
        if v == "null" then cfg.encode_invalid_numbers = "null"
        else cfg.encode_invalid_numbers = option_bool(v, cfg.encode_invalid_numbers) end
        return cfg.encode_invalid_numbers
    end
    function cjson.encode_sparse_array(convert, ratio, safe)
        cfg.sparse_convert = option_bool(convert, cfg.sparse_convert)
        cfg.sparse_ratio = option_int(ratio, cfg.sparse_ratio, 0, 2147483647)
        cfg.sparse_safe = option_int(safe, cfg.sparse_safe, 0, 2147483647)
        return cfg.sparse_convert, cfg.sparse_ratio, cfg.sparse_safe
    end
    function cjson.encode_max_depth(v)
        cfg.encode_max_depth = option_int(v, cfg.encode_max_depth, 1, 2147483647)
        return cfg.encode_max_depth
    end
    function cjson.decode_max_depth(v)
        cfg.decode_max_depth = option_int(v, cfg.decode_max_depth, 1, 2147483647)
        return cfg.decode_max_depth
    end
    function cjson.encode_number_precision(v)
        cfg.precision = option_int(v, cfg.precision, 1, 16)
        number_format = "%." .. cfg.precision .. "g"
        return cfg.precision
    end
    cjson.new = new
    return cjson, encode, checked_decode
end

-- cjson.safe: encode and decode answer nil, message (without a position) instead of raising; a wrong argument
-- count still raises
local function safe_new()
    local cjson, encode, decode = new()
    for name, f in pairs({ encode = encode, decode = decode }) do
        cjson[name] = function(...)
            if select("#", ...) ~= 1 then error("bad argument #1 to '" .. name .. "' (expected 1 argument)", 2) end
            local ok, r = pcall(f, (...))
            if ok then return r end
            return nil, r
        end
    end
    cjson.new = safe_new
    return cjson
end

package.preload["cjson"] = function() return (new()) end
package.preload["cjson.safe"] = safe_new

-- ngx.escape_uri, unescape_uri, encode_args, decode_args, md5, md5_bin, sha1_bin, hmac_sha1, encode_base64,
-- decode_base64, crc32_short, crc32_long: lua-nginx-module 0.10.23's outputs (its escape tables, upper-case hex,
-- "+" decoded as a space) and the argument handling of lua-resty-core. Digests and base64 are Java's.
-- Receives the ngx table and the Java functions; sets the fields raw (past ngx's guard on unknown fields).
local ngx, jdigest, jcrc32, jbase64_decode = ...
local type, tostring, tonumber, error, select, next, rawset = type, tostring, tonumber, error, select, next, rawset
local char, byte, format, gsub = string.char, string.byte, string.format, string.gsub
local concat, floor = table.concat, math.floor
local band, lshift = bit.band, bit.lshift

local function unhex(s)
    return (gsub(s, "%x%x", function(h) return char(tonumber(h, 16)) end))
end

-- ngx_http_lua_escape_uri's bitmaps (32 characters per word), by escape type
local bitmaps = {
    [0] = { 0xffffffff, 0x80000029, 0x00000000, 0x80000000, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff },
    [1] = { 0xffffffff, 0x80000829, 0x00000000, 0x80000000, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff },
    [2] = { 0xffffffff, 0xfc00987d, 0x78000001, 0xb8000001, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff },
    [3] = { 0xffffffff, 0x000000ad, 0x00000000, 0x80000000, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff },
    [4] = { 0xffffffff, 0x00000085, 0x00000000, 0x80000000, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff },
    [5] = { 0xffffffff, 0x00000021, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000 },
}
bitmaps[6] = bitmaps[5]

-- per type: character -> "%XX" for the characters it escapes
local escapes = {}
for t, words in pairs(bitmaps) do
    local map = {}
    for c = 0, 255 do
        if band(words[floor(c / 32) + 1], lshift(1, c % 32)) ~= 0 then
            map[char(c)] = format("%%%02X", c)
        end
    end
    escapes[t] = map
end

local function escape(s, t)
    return (gsub(s, ".", escapes[t]))
end

local function unescape(s)
    return (gsub(gsub(s, "%+", " "), "%%(%x%x)", function(h) return char(tonumber(h, 16)) end))
end

local function as_string(s)
    if type(s) ~= "string" then
        if not s then return "" end
        return tostring(s)
    end
    return s
end

rawset(ngx, "escape_uri", function(s, esc_type)
    s = as_string(s)
    if esc_type == nil then
        esc_type = 2
    else
        if type(esc_type) ~= "number" then error("\"esc_type\" is not number", 2) end
        if esc_type < 0 or esc_type > 6 then error("\"esc_type\" " .. esc_type .. " out of range", 2) end
        esc_type = floor(esc_type)
    end
    return escape(s, esc_type)
end)

rawset(ngx, "unescape_uri", function(s)
    return unescape(as_string(s))
end)

rawset(ngx, "encode_args", function(...)
    local n = select("#", ...)
    if n ~= 1 then error("expecting 1 argument but seen " .. n, 2) end
    local args = ...
    if type(args) ~= "table" then
        error("bad argument #1 to 'encode_args' (table expected, got " .. type(args) .. ")", 2)
    end
    local buf = {}
    for k, v in next, args do
        if type(k) ~= "string" then error("attempt to use a non-string key in the \"args\" option table", 2) end
        local key = escape(k, 2)
        local t = type(v)
        if t == "string" or t == "number" then
            buf[#buf + 1] = key .. "=" .. escape(tostring(v), 2)
        elseif t == "boolean" then
            if v then buf[#buf + 1] = key end
        elseif t == "table" then
            for _, x in next, v do
                local xt = type(x)
                if xt == "boolean" then
                    if x then buf[#buf + 1] = key end
                elseif xt == "string" or xt == "number" then
                    buf[#buf + 1] = key .. "=" .. escape(tostring(x), 2)
                else
                    error("attempt to use " .. xt .. " as query arg value", 2)
                end
            end
        else
            error("attempt to use " .. t .. " as query arg value", 2)
        end
    end
    return concat(buf, "&")
end)

-- a repeated key collects its values in a list (ngx_http_lua_set_multi_value_table)
local function add_arg(args, key, value)
    if #key == 0 then return end
    local old = args[key]
    if old == nil then
        args[key] = value
    elseif type(old) == "table" then
        old[#old + 1] = value
    else
        args[key] = { old, value }
    end
end

rawset(ngx, "decode_args", function(...)
    local n = select("#", ...)
    if n ~= 1 and n ~= 2 then error("expecting 1 or 2 arguments but seen " .. n, 2) end
    local s, max = ...
    local st = type(s)
    if st == "number" then
        s = tostring(s)
    elseif st ~= "string" then
        error("bad argument #1 to 'decode_args' (string expected, got " .. st .. ")", 2)
    end
    if n == 2 then
        if tonumber(max) == nil then
            error("bad argument #2 to 'decode_args' (number expected, got " .. type(max) .. ")", 2)
        end
        max = floor(tonumber(max))
    else
        max = 100
    end
    local args, count = {}, 0
    local pos, len = 1, #s
    while pos <= len + 1 do
        local amp = string.find(s, "&", pos, true)
        local pair = string.sub(s, pos, (amp or len + 1) - 1)
        if amp or pair ~= "" then
            local eq = string.find(pair, "=", 1, true)
            if eq then
                add_arg(args, unescape(string.sub(pair, 1, eq - 1)), unescape(string.sub(pair, eq + 1)))
            else
                add_arg(args, unescape(pair), true)
            end
            if amp then
                count = count + 1
                if max > 0 and count == max then return args, "truncated" end
            end
        end
        if not amp then break end
        pos = amp + 1
    end
    return args
end)

rawset(ngx, "md5", function(s) return jdigest("MD5", as_string(s)) end)
rawset(ngx, "md5_bin", function(s) return unhex(jdigest("MD5", as_string(s))) end)
rawset(ngx, "sha1_bin", function(s) return unhex(jdigest("SHA-1", as_string(s))) end)
rawset(ngx, "hmac_sha1", function(key, s)
    return unhex(jdigest("HmacSHA1", as_string(s), as_string(key)))
end)
rawset(ngx, "crc32_short", function(s) return jcrc32(as_string(s)) end)
rawset(ngx, "crc32_long", function(s) return jcrc32(as_string(s)) end)

local b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

rawset(ngx, "encode_base64", function(s, no_padding)
    s = as_string(s)
    if no_padding ~= nil and type(no_padding) ~= "boolean" then
        error("bad no_padding: boolean expected, got " .. type(no_padding), 2)
    end
    local out = {}
    for i = 1, #s, 3 do
        local a, b, c = byte(s, i, i + 2)
        local v = a * 65536 + (b or 0) * 256 + (c or 0)
        local n = (c and 4) or (b and 3) or 2
        local chunk = ""
        for j = 1, n do
            local d = floor(v / 2 ^ (6 * (4 - j))) % 64
            chunk = chunk .. b64:sub(d + 1, d + 1)
        end
        if not no_padding then chunk = chunk .. ("="):rep(4 - n) end
        out[#out + 1] = chunk
    end
    return concat(out)
end)

rawset(ngx, "decode_base64", function(s)
    if type(s) ~= "string" then error("string argument only", 2) end
    local decoded, hex = jbase64_decode(s)
    if decoded == nil then return nil end
    if hex then return unhex(decoded) end
    return decoded
end)

return true

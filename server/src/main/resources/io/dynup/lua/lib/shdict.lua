-- ngx.shared.DICT: each dict is a table { id } whose methods take it as self (dict:get(k)), with the argument
-- handling of lua-resty-core's shdict; the stores live in Java, shared by every VM.
-- Receives the dict names (id = position) and the Java operations; returns the ngx.shared table.
local names, jget, jstore, jincr, jttl, jexpire, jkeys, jflush_all, jflush_expired, jcapacity, jfree_space,
      jpush, jpop, jllen = ...
local type, tostring, tonumber, error, setmetatable, char, gsub =
      type, tostring, tonumber, error, setmetatable, string.char, string.gsub

local function unhex(s, hex)
    if hex then
        return (gsub(s, "%x%x", function(h) return char(tonumber(h, 16)) end))
    end
    return s
end

local function check_zone(zone)
    if type(zone) ~= "table" or type(zone[1]) ~= "number" or not names[zone[1]] then
        error("bad \"zone\" argument", 3)
    end
    return zone[1]
end

-- nil when the key is usable, else the error result
local function check_key(key)
    if key == nil then return nil, "nil key" end
    if type(key) ~= "string" then key = tostring(key) end
    if #key == 0 then return nil, "empty key" end
    if #key > 65535 then return nil, "key too long" end
    return key
end

local SET, ADD, REPLACE, SAFE = 0, 1, 2, 4

local function store(zone, op, key, value, exptime, flags)
    local id = check_zone(zone)
    if not exptime then
        exptime = 0
    elseif exptime < 0 then
        error("bad \"exptime\" argument", 2)
    end
    local k, err = check_key(key)
    if not k then return nil, err end
    local t = type(value)
    if t ~= "string" and t ~= "number" and t ~= "boolean" and t ~= "nil" then
        return nil, "bad value type"
    end
    return jstore(id, op, k, value, exptime, tonumber(flags) or 0)
end

local function get(zone, key, stale)
    local id = check_zone(zone)
    local k, err = check_key(key)
    if not k then return nil, err end
    local value, flags, is_stale, hex, list_err = jget(id, k, stale)
    if list_err then return nil, list_err end
    if value == nil then return nil end
    value = unhex(value, hex)
    if stale then return value, flags, is_stale end
    if flags then return value, flags end
    return value
end

local methods = {}

function methods.get(zone, key) return get(zone, key, false) end
function methods.get_stale(zone, key) return get(zone, key, true) end
function methods.set(zone, key, value, exptime, flags) return store(zone, SET, key, value, exptime, flags) end
function methods.safe_set(zone, key, value, exptime, flags)
    return store(zone, SET + SAFE, key, value, exptime, flags)
end
function methods.add(zone, key, value, exptime, flags) return store(zone, ADD, key, value, exptime, flags) end
function methods.safe_add(zone, key, value, exptime, flags)
    return store(zone, ADD + SAFE, key, value, exptime, flags)
end
function methods.replace(zone, key, value, exptime, flags)
    return store(zone, REPLACE, key, value, exptime, flags)
end
function methods.delete(zone, key) return store(zone, SET, key, nil) end

function methods.incr(zone, key, value, init, init_ttl)
    local id = check_zone(zone)
    local k, err = check_key(key)
    if not k then return nil, err end
    if type(value) ~= "number" then value = tonumber(value) end
    if value == nil then return nil, "not a number" end
    if init then
        local t = type(init)
        init = tonumber(init)
        if not init then error("bad init arg: number expected, got " .. t, 2) end
    end
    if init_ttl ~= nil then
        local t = type(init_ttl)
        init_ttl = tonumber(init_ttl)
        if not init_ttl then error("bad init_ttl arg: number expected, got " .. t, 2) end
        if init_ttl < 0 then error("bad \"init_ttl\" argument", 2) end
        if not init then error("must provide \"init\" when providing \"init_ttl\"", 2) end
    end
    local v, e, forcible = jincr(id, k, value, init, init_ttl or 0)
    if v == nil then return nil, e end
    if init == nil then return v end
    return v, nil, forcible
end

function methods.ttl(zone, key)
    local id = check_zone(zone)
    local k, err = check_key(key)
    if not k then return nil, err end
    local ttl = jttl(id, k)
    if ttl == nil then return nil, "not found" end
    return ttl
end

function methods.expire(zone, key, exptime)
    local id = check_zone(zone)
    if not exptime then error("bad \"exptime\" argument", 2) end
    local k, err = check_key(key)
    if not k then return nil, err end
    if not jexpire(id, k, exptime) then return nil, "not found" end
    return true
end

function methods.get_keys(zone, max_count)
    local id = check_zone(zone)
    if max_count == nil then max_count = 1024 end
    local keys, hex = jkeys(id, tonumber(max_count) or 1024)
    for i = 1, #hex do keys[hex[i]] = unhex(keys[hex[i]], true) end
    return keys
end

function methods.flush_all(zone) jflush_all(check_zone(zone)) end

function methods.flush_expired(zone, max_count)
    return jflush_expired(check_zone(zone), tonumber(max_count) or 0)
end

function methods.capacity(zone) return jcapacity(check_zone(zone)) end
function methods.free_space(zone) return jfree_space(check_zone(zone)) end

-- lists: strings and numbers only
local function push(zone, key, value, head)
    local id = check_zone(zone)
    local k, err = check_key(key)
    if not k then return nil, err end
    local t = type(value)
    if t ~= "string" and t ~= "number" then return nil, "bad value type" end
    return jpush(id, k, value, head)
end

local function pop(zone, key, head)
    local id = check_zone(zone)
    local k, err = check_key(key)
    if not k then return nil, err end
    local value, e, hex = jpop(id, k, head)
    if e then return nil, e end
    if value == nil then return nil end
    return unhex(value, hex)
end

function methods.lpush(zone, key, value) return push(zone, key, value, true) end
function methods.rpush(zone, key, value) return push(zone, key, value, false) end
function methods.lpop(zone, key) return pop(zone, key, true) end
function methods.rpop(zone, key) return pop(zone, key, false) end

function methods.llen(zone, key)
    local id = check_zone(zone)
    local k, err = check_key(key)
    if not k then return nil, err end
    return jllen(id, k)
end

local mt = { __index = methods }
local shared = {}
for id = 1, #names do
    shared[names[id]] = setmetatable({ id }, mt)
end
return shared

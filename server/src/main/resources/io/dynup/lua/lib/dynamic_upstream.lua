-- require "ngx.dynamic_upstream" and "ngx.dynamic_upstream.stream": argument checks as the reference module
-- makes them (a wrong count is an error result, a wrong type a raised error), then one Java call.
-- Receives the Java operations of one namespace (http or stream); returns the module table.
local jupstreams, jpeers, jadd, jremove, jupdate, jcurrent = ...
local select, type, error, tostring = select, type, error, tostring
local byte, sub = string.byte, string.sub
local new_tab = require "table.new"

local function check_count(n, expected, message)
    if n ~= expected then return message end
end

-- luaL_checklstring: strings and numbers (as strings) pass, anything else raises naming the function, at the
-- line of the script's call (every caller is one frame below the script: level 3)
local function check_string(fname, i, v)
    local t = type(v)
    if t == "string" then return v end
    if t == "number" then return tostring(v) end
    error("bad argument #" .. i .. " to '" .. fname .. "' (string expected, got " .. t .. ")", 3)
end

local _M = {}

function _M.get_upstreams(...)
    if select("#", ...) ~= 0 then return false, nil, "no argument expected" end
    return jupstreams()
end

-- the peer list comes packed in one string (DynamicUpstreamLib.pack): a number ends with ";", a text is
-- "<length>:<bytes>". Read byte by byte, which LuaJIT compiles and which makes no garbage strings: digits are
-- below 58, ":" is 58 and ";" 59. Each returns its value and the index after it.
local function num(s, i)
    local v, b = 0, byte(s, i)
    while b < 58 do
        v = v * 10 + b - 48
        i = i + 1
        b = byte(s, i)
    end
    return v, i + 1
end

local function text(s, i)
    local n
    n, i = num(s, i)
    return sub(s, i, i + n - 1), i + n
end

-- every peer table sized and filled in one fixed order, so pairs() lists its fields the same way every time
local function unpack_peers(ok, packed, err)
    if not ok then return ok, packed, err end
    local n, i = num(packed, 1)
    local peers = new_tab(n, 0)
    for k = 1, n do
        local p, flag = new_tab(0, 9), nil
        p.server, i = text(packed, i)
        p.name, i = text(packed, i)
        p.weight, i = num(packed, i)
        p.max_conns, i = num(packed, i)
        p.conns, i = num(packed, i)
        p.max_fails, i = num(packed, i)
        p.fail_timeout, i = num(packed, i)
        flag, i = num(packed, i)
        p.backup = flag == 1
        flag, i = num(packed, i)
        if flag == 1 then p.down = true end
        flag, i = num(packed, i)
        if flag == 1 then
            local h = new_tab(0, 4)
            h.status, i = text(packed, i)
            h.fall_total, i = num(packed, i)
            h.rise_total, i = num(packed, i)
            h.last_failure, i = num(packed, i)
            p.health = h
        end
        peers[k] = p
    end
    return true, peers, nil
end

local function lister(fname, which)
    _M[fname] = function(...)
        if select("#", ...) ~= 1 then return false, nil, "exactly one argument expected" end
        return unpack_peers(jpeers(check_string(fname, 1, (...)), which))
    end
end
lister("get_peers", 0)
lister("get_servers", 0)
lister("get_primary_peers", 1)
lister("get_backup_peers", 2)

local function two_args(fname, op, ...)
    if select("#", ...) ~= 2 then return false, nil, "exactly 2 arguments expected" end
    local u, p = ...
    return op(check_string(fname, 1, u), check_string(fname, 2, p))
end

function _M.set_peer_down(...)
    return two_args("set_peer_down", function(u, p) return jupdate(u, p, { down = true }) end, ...)
end

function _M.set_peer_up(...)
    return two_args("set_peer_up", function(u, p) return jupdate(u, p, { down = false }) end, ...)
end

function _M.remove_peer(...)
    return two_args("remove_peer", jremove, ...)
end

-- dynup: an optional third table sets the new peer's parameters atomically (update_peer's keys)
local function adder(fname, backup)
    _M[fname] = function(...)
        local n = select("#", ...)
        local u, p, params = ...
        if n ~= 2 and (n ~= 3 or type(params) ~= "table") then
            return false, nil, "exactly 2 arguments expected (or 3, the third a table)"
        end
        return jadd(check_string(fname, 1, u), check_string(fname, 2, p), backup, params)
    end
end
adder("add_peer", false)
adder("add_primary_peer", false)
adder("add_backup_peer", true)

function _M.update_peer(...)
    local u, p, params = ...
    if select("#", ...) ~= 3 or type(params) ~= "table" then
        return false, nil, "exactly 3 arguments expected"
    end
    return jupdate(check_string("update_peer", 1, u), check_string("update_peer", 2, p), params)
end

function _M.current_upstream(...)
    if select("#", ...) ~= 0 then return false, nil, "no argument expected" end
    return jcurrent()
end

return _M

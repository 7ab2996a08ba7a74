-- require "ngx.healthcheck" and "ngx.healthcheck.stream" (also "ngx.dynamic_upstream.healthcheck[.stream]"),
-- ngx_dynamic_healthcheck's Lua API. Argument checks as that module makes them (a wrong count is nil, err; a
-- wrong type or an empty name raises), then one Java call. Flags are true/false/1/0 ("1"/"0"): the module took
-- any Lua value as a boolean, so its disable(u, 0) disabled.
-- Receives the Java operations of one namespace (http or stream); returns the module table.
local jget, jupdate, jdisable, jdisable_host, jstatus = ...
local select, type, error, tostring = select, type, error, tostring

-- luaL_checkstring, then the module's "non empty ... required"; raised at the line of the script's call
local function check_string(fname, i, v, what)
    local t = type(v)
    if t == "number" then
        v = tostring(v)
    elseif t ~= "string" then
        error("bad argument #" .. i .. " to '" .. fname .. "' (string expected, got " .. t .. ")", 3)
    end
    if v == "" then
        error("non empty " .. what .. " required", 3)
    end
    return v
end

local function flag(v)
    if v == true or v == 1 or v == "1" then return true end
    if v == false or v == nil or v == 0 or v == "0" then return false end
    return nil, "disabled: " .. (type(v) == "string" and '"' .. v .. '"' or tostring(v))
                .. " (expected: true, false, 1 or 0)"
end

local function reader(fname, op)
    return function(...)
        if select("#", ...) > 1 then return nil, "1 or 0 arguments expected" end
        local u = ...
        if u ~= nil then u = check_string(fname, 1, u, "upstream") end
        return op(u)
    end
end

local _M = {}

_M.get = reader("get", jget)
_M.status = reader("status", jstatus)

function _M.update(...)
    if select("#", ...) ~= 2 then return nil, "2 arguments expected" end
    local u, tab = ...
    u = check_string("update", 1, u, "upstream")
    if type(tab) ~= "table" then error("table expected on 2nd argument", 2) end
    return jupdate(u, tab)
end

function _M.disable(...)
    if select("#", ...) ~= 2 then return nil, "2 arguments expected" end
    local u, v = ...
    u = check_string("disable", 1, u, "upstream")
    local disabled, err = flag(v)
    if disabled == nil then return nil, err end
    return jdisable(u, disabled)
end

function _M.disable_host(...)
    local n = select("#", ...)
    if n ~= 2 and n ~= 3 then return nil, "2 or 3 arguments expected" end
    local host, v, u = ...
    host = check_string("disable_host", 1, host, "host")
    if u ~= nil then u = check_string("disable_host", 3, u, "upstream") end
    local disabled, err = flag(v)
    if disabled == nil then return nil, err end
    return jdisable_host(host, disabled, u)
end

return _M

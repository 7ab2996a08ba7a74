-- require "resty.upstream.healthcheck": OpenResty's lua-resty-upstream-healthcheck over dynup's built-in checker.
-- spawn_checker checks its options in the original's order, with its texts, then tunes the upstream's check in
-- one Java call; a worker spawning the same checker again changes nothing, so every worker may call it.
-- Receives the Java operations; returns the module table.
local jspawn, jstatus_page, jprometheus_page = ...
local type, tostring, tonumber, ipairs, error, unpack = type, tostring, tonumber, ipairs, error, unpack

local _M = { _VERSION = "0.08" }

-- a number option as the original does arithmetic on it (numeric strings pass), nil when absent
local function number(opts, key)
    local v = opts[key]
    if v == nil then return nil end
    local n = tonumber(v)
    if n == nil then return nil, key .. ": " .. tostring(v) .. " (expected: a number)" end
    return n
end

function _M.spawn_checker(opts)
    if type(opts) ~= "table" then
        error("bad argument #1 to 'spawn_checker' (table expected, got " .. type(opts) .. ")", 2)
    end
    local typ = opts.type
    if not typ then return nil, "\"type\" option required" end
    if typ ~= "http" and typ ~= "https" then
        return nil, "only \"http\" and \"https\" type are supported right now"
    end
    local http_req = opts.http_req
    if not http_req then return nil, "\"http_req\" option required" end
    if type(http_req) ~= "string" then
        return nil, "http_req: " .. type(http_req) .. " (expected: a string)"
    end
    local shm = opts.shm
    if not shm then return nil, "\"shm\" option required" end
    if not ngx.shared[shm] then return nil, "shm \"" .. tostring(shm) .. "\" not found" end
    local u = opts.upstream
    if not u then return nil, "no upstream specified" end

    local args = { tostring(u), typ == "https", http_req }
    for i, key in ipairs({ "port", "interval", "timeout", "fall", "rise" }) do
        local n, err = number(opts, key)
        if err then return nil, err end
        args[i + 3] = n
    end
    local statuses = opts.valid_statuses
    local n = 8
    if statuses ~= nil then
        if type(statuses) ~= "table" or #statuses == 0 then
            return nil, "valid_statuses: " .. tostring(statuses) .. " (expected: a list of status codes)"
        end
        for _, s in ipairs(statuses) do
            local code = tonumber(s)
            if code == nil then
                return nil, "valid_statuses: " .. tostring(s) .. " (expected: an integer 100-599)"
            end
            n = n + 1
            args[n] = code
        end
    end
    return jspawn(unpack(args, 1, n))
end

function _M.status_page()
    return jstatus_page()
end

function _M.prometheus_status_page()
    return jprometheus_page()
end

return _M

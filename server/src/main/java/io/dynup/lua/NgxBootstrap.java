package io.dynup.lua;

/**
 * The Lua half of the {@code ngx} API, run once per VM. It receives the Java functions in a table argument and
 * keeps them in upvalues only, so Lua code never holds a Java object (no reflection into the JVM). Yielding
 * calls are Lua wrappers around a Java call that records the request's wish, then {@code coroutine.yield()}:
 * Java functions cannot yield; from a coroutine the script made, {@code coroutine.resume} and
 * {@code coroutine.wrap} pass that yield on to the request's own coroutine. It returns the error reporter of
 * aborted entry threads and the runner of timers.
 */
final class NgxBootstrap {

    private NgxBootstrap() {
    }

    static final String CHUNK_NAME = "=dynup.ngx";

    static final String SOURCE = """
            local J = ...
            local jwrite, jexit, jlog, jsleep, jgetstatus, jsetstatus =
                  J.write, J.exit, J.log, J.sleep, J.getstatus, J.setstatus
            local type, tostring, tonumber, select, error, pairs, rawget, rawset =
                  type, tostring, tonumber, select, error, pairs, rawget, rawset
            local getmetatable, setmetatable, unpack = getmetatable, setmetatable, unpack
            local concat, yield, floor = table.concat, coroutine.yield, math.floor
            local lower, gsub, gmatch, find, sub, char = string.lower, string.gsub, string.gmatch, string.find,
                  string.sub, string.char
            local traceback, getinfo = debug.traceback, debug.getinfo
            local date = os.date

            -- ngx.sleep, ngx.exit, ngx.flush and ngx.req.read_body suspend the entry thread (Java functions
            -- cannot yield): they yield this marker. From a coroutine the script made, coroutine.resume and
            -- coroutine.wrap pass it up, coroutine by coroutine, to the entry thread, and once that is resumed
            -- resume the inner coroutine where it stopped, as OpenResty's coroutine API does
            local ngx_yield = {}
            local co_create, co_resume = coroutine.create, coroutine.resume
            local function pass(co, ok, v, ...)
                if ok and v == ngx_yield then
                    yield(ngx_yield)
                    return pass(co, co_resume(co))
                end
                return ok, v, ...
            end
            local function unwrap(ok, ...)
                if ok then return ... end
                error((...), 0)
            end
            coroutine.resume = function(co, ...) return pass(co, co_resume(co, ...)) end
            coroutine.wrap = function(f)
                local co = co_create(f)
                return function(...) return unwrap(pass(co, co_resume(co, ...))) end
            end

            -- a NULL light userdata, as OpenResty's ngx.null (cjson.null is the same value)
            local null = J.null

            -- tables whose missing keys are a clear error, not a silent nil
            local function unsupported(prefix)
                return {
                    __index = function(_, k)
                        error(prefix .. tostring(k) .. " is not supported by dynup", 2)
                    end,
                }
            end

            -- OpenResty's ngx_http_lua_copy_str_in_table: strings, numbers, booleans, nil, ngx.null, array tables
            local function flatten(buf, n, v, fname, argi)
                local t = type(v)
                if t == "string" then
                    n = n + 1; buf[n] = v
                elseif t == "number" then
                    n = n + 1; buf[n] = tostring(v)
                elseif t == "boolean" then
                    n = n + 1; buf[n] = v and "true" or "false"
                elseif t == "nil" then
                    n = n + 1; buf[n] = "nil"
                elseif v == null then
                    n = n + 1; buf[n] = "null"
                elseif t == "table" then
                    local max = 0
                    for k in pairs(v) do
                        if type(k) ~= "number" or k < 1 or floor(k) ~= k then
                            return nil, "bad argument #" .. argi .. " to '" .. fname .. "' (non-array table found)"
                        end
                        if k > max then max = k end
                    end
                    for i = 1, max do
                        local err
                        n, err = flatten(buf, n, v[i], fname, argi)
                        if not n then return nil, err end
                    end
                else
                    return nil, "bad argument #" .. argi .. " to '" .. fname .. "' (string, number, boolean, nil, "
                        .. "ngx.null, or array table expected, got " .. t .. ")"
                end
                return n
            end

            local function output(fname, newline, ...)
                local nargs = select("#", ...)
                if nargs == 1 then
                    -- the common ngx.say("text"): no table to flatten into
                    local v = ...
                    if type(v) == "string" then
                        local err = jwrite(newline and v .. "\\n" or v)
                        if err then return nil, err end
                        return 1
                    end
                end
                local buf, n = {}, 0
                for i = 1, nargs do
                    local err
                    n, err = flatten(buf, n, (select(i, ...)), fname, i)
                    if not n then error(err, 3) end
                end
                if newline then n = n + 1; buf[n] = "\\n" end
                local err = jwrite(concat(buf, "", 1, n))
                if err then return nil, err end
                return 1
            end

            local api = {
                null = null,
                OK = 0, ERROR = -1, AGAIN = -2, DONE = -4, DECLINED = -5,
                STDERR = 0, EMERG = 1, ALERT = 2, CRIT = 3, ERR = 4, WARN = 5, NOTICE = 6, INFO = 7, DEBUG = 8,
                HTTP_CONTINUE = 100, HTTP_SWITCHING_PROTOCOLS = 101,
                HTTP_OK = 200, HTTP_CREATED = 201, HTTP_ACCEPTED = 202, HTTP_NO_CONTENT = 204,
                HTTP_PARTIAL_CONTENT = 206, HTTP_SPECIAL_RESPONSE = 300, HTTP_MOVED_PERMANENTLY = 301,
                HTTP_MOVED_TEMPORARILY = 302, HTTP_SEE_OTHER = 303, HTTP_NOT_MODIFIED = 304,
                HTTP_TEMPORARY_REDIRECT = 307, HTTP_PERMANENT_REDIRECT = 308, HTTP_BAD_REQUEST = 400,
                HTTP_UNAUTHORIZED = 401, HTTP_PAYMENT_REQUIRED = 402, HTTP_FORBIDDEN = 403, HTTP_NOT_FOUND = 404,
                HTTP_NOT_ALLOWED = 405, HTTP_NOT_ACCEPTABLE = 406, HTTP_REQUEST_TIMEOUT = 408, HTTP_CONFLICT = 409,
                HTTP_GONE = 410, HTTP_UPGRADE_REQUIRED = 426, HTTP_TOO_MANY_REQUESTS = 429, HTTP_CLOSE = 444,
                HTTP_ILLEGAL = 451, HTTP_INTERNAL_SERVER_ERROR = 500, HTTP_METHOD_NOT_IMPLEMENTED = 501,
                HTTP_BAD_GATEWAY = 502, HTTP_SERVICE_UNAVAILABLE = 503, HTTP_GATEWAY_TIMEOUT = 504,
                HTTP_VERSION_NOT_SUPPORTED = 505, HTTP_INSUFFICIENT_STORAGE = 507,
                HTTP_GET = 2, HTTP_HEAD = 4, HTTP_POST = 8, HTTP_PUT = 16, HTTP_DELETE = 32, HTTP_MKCOL = 64,
                HTTP_COPY = 128, HTTP_MOVE = 256, HTTP_OPTIONS = 512, HTTP_PROPFIND = 1024,
                HTTP_PROPPATCH = 2048, HTTP_LOCK = 4096, HTTP_UNLOCK = 8192, HTTP_PATCH = 16384,
                HTTP_TRACE = 32768,
            }

            -- not tail calls: error levels count on the say/print frame being there
            function api.say(...)
                local ok, err = output("say", true, ...)
                if ok then return ok end
                return nil, err
            end
            function api.print(...)
                local ok, err = output("print", false, ...)
                if ok then return ok end
                return nil, err
            end

            function api.exit(status)
                local s = tonumber(status)
                if not s then
                    error("bad argument #1 to 'exit' (number expected, got " .. type(status) .. ")", 2)
                end
                jexit(s)
                return yield(ngx_yield)
            end

            function api.sleep(seconds)
                local s = tonumber(seconds)
                if not s then
                    error("bad argument #1 to 'sleep' (number expected, got " .. type(seconds) .. ")", 2)
                end
                if s < 0 then error("invalid sleep duration \\"" .. tostring(seconds) .. "\\"", 2) end
                jsleep(s)
                return yield(ngx_yield)
            end

            function api.log(level, ...)
                if type(level) ~= "number" then
                    error("bad argument #1 to 'log' (number expected, got " .. type(level) .. ")", 2)
                end
                if level < 0 or level > 8 then error("bad log level: " .. level, 2) end
                local buf = {}
                for i = 1, select("#", ...) do
                    local v = select(i, ...)
                    local t = type(v)
                    if t == "string" then buf[i] = v
                    elseif t == "number" then buf[i] = tostring(v)
                    elseif t == "nil" then buf[i] = "nil"
                    elseif t == "boolean" then buf[i] = v and "true" or "false"
                    elseif v == null then buf[i] = "null"
                    else
                        local mt = getmetatable(v)
                        if t == "table" and type(mt) == "table" and rawget(mt, "__tostring") then
                            buf[i] = tostring(v)
                        else
                            error("bad argument #" .. (i + 1) .. " to 'log' (expected table to have __tostring "
                                .. "metamethod)", 2)
                        end
                    end
                end
                local info = getinfo(2, "Sl")
                local where = ""
                if info and info.currentline and info.currentline > 0 then
                    where = info.short_src .. ":" .. info.currentline .. ": "
                end
                jlog(level, where .. concat(buf))
            end

            -- OpenResty's print: ngx.log(ngx.NOTICE, ...)
            function _G.print(...)
                local info = getinfo(2, "Sl")
                local where = ""
                if info and info.currentline and info.currentline > 0 then
                    where = info.short_src .. ":" .. info.currentline .. ": "
                end
                local buf = {}
                for i = 1, select("#", ...) do buf[i] = tostring((select(i, ...))) end
                jlog(6, where .. concat(buf))
            end

            function api.flush()
                local err = J.flush()
                if err then return nil, err end
                -- the output goes out while the entry thread is suspended; it resumes at once
                yield(ngx_yield)
                return 1
            end

            -- ngx.var: any variable the http layer knows; writes only to variables the config declares
            api.var = setmetatable({}, {
                __index = function(_, k) return J.var_get(k) end,
                __newindex = function(_, k, v)
                    local t = type(v)
                    if t ~= "string" and t ~= "number" and t ~= "nil" then
                        error("bad variable value type: " .. t, 2)
                    end
                    local err = J.var_set(k, v ~= nil and tostring(v) or nil)
                    if err then error(err, 2) end
                end,
            })

            -- ngx.header: response headers, names with "_" as "-", case-insensitive; a table sets several lines
            api.header = setmetatable({}, {
                __index = function(_, k) return J.header_get(tostring(k)) end,
                __newindex = function(_, k, v)
                    if type(v) == "table" then
                        local vals = {}
                        for i = 1, #v do vals[i] = tostring(v[i]) end
                        J.header_set(tostring(k), unpack(vals))
                    elseif v == nil then
                        J.header_set(tostring(k))
                    else
                        J.header_set(tostring(k), tostring(v))
                    end
                end,
            })

            local function unescape(s)
                s = gsub(s, "+", " ")
                return (gsub(s, "%%(%x%x)", function(h) return char(tonumber(h, 16)) end))
            end

            -- repeated keys make a list, as OpenResty's ngx.req.get_uri_args
            local function add(t, k, v)
                local old = rawget(t, k)
                if old == nil then
                    t[k] = v
                elseif type(old) == "table" then
                    old[#old + 1] = v
                else
                    t[k] = {old, v}
                end
            end

            local req = setmetatable({}, unsupported("ngx.req."))
            api.req = req

            function req.get_method() return J.method() end

            function req.get_uri_args(max)
                max = max or 100
                local args, count = {}, 0
                local s = J.var_get("args")
                if not s then return args end
                for pair in gmatch(s, "[^&]+") do
                    if max > 0 and count >= max then return args, "truncated" end
                    count = count + 1
                    local eq = find(pair, "=", 1, true)
                    local k, v
                    if eq then
                        k, v = unescape(sub(pair, 1, eq - 1)), unescape(sub(pair, eq + 1))
                    else
                        k, v = unescape(pair), true
                    end
                    if k ~= "" then add(args, k, v) end
                end
                return args
            end

            local headers_mt = {
                __index = function(t, k)
                    if type(k) ~= "string" then return nil end
                    local n = lower(gsub(k, "_", "-"))
                    if n ~= k then return rawget(t, n) end
                end,
            }

            function req.get_headers(max, raw)
                max = max or 100
                local flat = J.headers()
                local h, count = {}, 0
                for i = 1, #flat, 2 do
                    if max > 0 and count >= max then
                        if not raw then setmetatable(h, headers_mt) end
                        return h, "truncated"
                    end
                    count = count + 1
                    add(h, raw and flat[i] or lower(flat[i]), flat[i + 1])
                end
                if raw then return h end
                return setmetatable(h, headers_mt)
            end

            function req.read_body()
                if J.read_body() then yield(ngx_yield) end
            end

            function req.get_body_data() return J.body_data() end

            function req.discard_body() J.discard_body() end

            -- time: the wall clock (dynup keeps no per-loop cached time, so update_time has nothing to do)
            function api.now() return J.now() end
            function api.time() return floor(J.now()) end
            function api.update_time() end
            function api.today() return date("%Y-%m-%d") end
            function api.localtime() return date("%Y-%m-%d %H:%M:%S") end
            function api.utctime() return date("!%Y-%m-%d %H:%M:%S") end

            -- timers: callbacks wait here under an id; Java runs them as fresh entry threads on the worker's loop
            local timers = {}
            local timer = setmetatable({}, unsupported("ngx.timer."))
            api.timer = timer

            function timer.at(delay, callback, ...)
                if type(delay) ~= "number" then
                    error("bad argument #1 to 'at' (number expected, got " .. type(delay) .. ")", 2)
                end
                if delay < 0 then error("bad argument #1 to 'at' (delay must not be negative)", 2) end
                if type(callback) ~= "function" then
                    error("bad argument #2 to 'at' (Lua function expected)", 2)
                end
                local id, err = J.timer(delay)
                if not id then return nil, err end
                timers[id] = {n = select("#", ...), callback, ...}
                -- OpenResty's ngx_http_lua_ngx_timer_at pushes the integer 1, not true
                return 1
            end

            function timer.every(delay, callback, ...)
                if type(delay) ~= "number" then
                    error("bad argument #1 to 'every' (number expected, got " .. type(delay) .. ")", 2)
                end
                if delay <= 0 then error("bad argument #1 to 'every' (delay must be positive)", 2) end
                if type(callback) ~= "function" then
                    error("bad argument #2 to 'every' (Lua function expected)", 2)
                end
                local n, args = select("#", ...), {...}
                local tick
                tick = function(premature)
                    -- the next run is due whatever this one does, as OpenResty's timer.every
                    if not premature then timer.at(delay, tick) end
                    return callback(premature, unpack(args, 1, n))
                end
                return timer.at(delay, tick)
            end

            local function run_timer(id, premature)
                local t = timers[id]
                timers[id] = nil
                if t then return t[1](premature, unpack(t, 2, t.n + 1)) end
            end

            api.worker = setmetatable({
                id = function() return (J.worker()) end,
                count = function() local _, c = J.worker() return c end,
                pid = function() local _, _, p = J.worker() return p end,
                exiting = function() local _, _, _, e = J.worker() return e end,
            }, unsupported("ngx.worker."))

            local ngx = setmetatable(api, {
                __index = function(_, k)
                    if k == "status" then return jgetstatus() end
                    if k == "ctx" then return J.ctx() end
                    error("ngx." .. tostring(k) .. " is not supported by dynup", 2)
                end,
                __newindex = function(t, k, v)
                    if k == "status" then
                        local s = tonumber(v)
                        if not s then error("bad ngx.status value: " .. tostring(v), 2) end
                        jsetstatus(s)
                    elseif k == "ctx" then
                        J.set_ctx(v)
                    else
                        rawset(t, k, v)
                    end
                end,
            })
            _G.ngx = ngx

            -- the error handler of an aborted entry thread: message and traceback, as OpenResty logs them
            local function abort_report(co, msg)
                return traceback(co, msg)
            end

            -- sandbox: nothing in Lua reaches the JVM (luajava's java library and its leftovers), and the
            -- debug functions that could dig the Java functions out of upvalues or the registry are gone
            -- luajava's package searchers (Java classes and static methods as modules) come after Lua's four
            for i = #package.loaders, 5, -1 do package.loaders[i] = nil end
            _G.java = nil
            _G.__jthrowable__ = nil
            package.loaded.java = nil
            debug.getupvalue, debug.setupvalue, debug.upvalueid, debug.upvaluejoin = nil, nil, nil, nil
            debug.getregistry, debug.getlocal, debug.setlocal = nil, nil, nil
            debug.getmetatable, debug.setmetatable, debug.getfenv, debug.setfenv = nil, nil, nil, nil
            return abort_report, run_timer
            """;
}

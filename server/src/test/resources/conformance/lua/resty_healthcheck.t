# require "resty.upstream.healthcheck" (OpenResty's lua-resty-upstream-healthcheck 0.08) on dynup's built-in
# checker: the README's Synopsis as written, status_page and prometheus_status_page from live health, spawn
# errors. Backends are this block's own server ($TEST_NGINX_SERVER_PORT), a second server on
# $TEST_NGINX_STREAM_PORT, and 127.0.0.2 (nothing listens there: refused). Blocks that need checks to have run
# wait for the verdict through ngx.dynamic_upstream's health table, never for a duration; they print pages with
# ports replaced by N. Traffic moving off a failed peer: io.dynup.lua.RestyHealthcheckIntegrationTest.

=== TEST 1: the README Synopsis runs as written: every worker spawns the checker, the status page shows it
--- http_config
    lua_package_path "/path/to/lua-resty-upstream-healthcheck/lib/?.lua;;";

    # sample upstream block:
    upstream foo.com {
        server 127.0.0.1:$TEST_NGINX_SERVER_PORT;
        server 127.0.0.1:$TEST_NGINX_STREAM_PORT;
        server 127.0.0.1:$TEST_NGINX_SERVER_PORT backup;
    }

    server {
        listen 127.0.0.1:$TEST_NGINX_STREAM_PORT;
        location = /status { return 200; }
    }

    # the size depends on the number of servers in upstream {}:
    lua_shared_dict healthcheck 1m;

    lua_socket_log_errors off;

    init_worker_by_lua_block {
        local hc = require "resty.upstream.healthcheck"

        local ok, err = hc.spawn_checker{
            shm = "healthcheck",  -- defined by "lua_shared_dict"
            upstream = "foo.com", -- defined by "upstream"
            type = "http", -- support "http" and "https"

            http_req = "GET /status HTTP/1.0\r\nHost: foo.com\r\n\r\n",
                    -- raw HTTP request for checking

            port = nil,  -- the check port, it can be different than the original backend server port, default means the same as the original backend server
            interval = 2000,  -- run the check cycle every 2 sec
            timeout = 1000,   -- 1 sec is the timeout for network operations
            fall = 3,  -- # of successive failures before turning a peer down
            rise = 2,  -- # of successive successes before turning a peer up
            valid_statuses = {200, 302},  -- a list valid HTTP status code
            concurrency = 10,  -- concurrency level for test requests
            -- ssl_verify = true, -- https type only, verify ssl certificate or not, default true
            -- host = foo.com, -- https type only, host name in ssl handshake, default nil
        }
        if not ok then
            ngx.log(ngx.ERR, "failed to spawn health checker: ", err)
            return
        end

        -- Just call hc.spawn_checker() for more times here if you have
        -- more upstream groups to monitor. One call for one upstream group.
        -- They can all share the same shm zone without conflicts but they
        -- need a bigger shm zone for obvious reasons.
    }
--- config
        # status page for all the peers:
        location = /status {
            access_log off;
            allow 127.0.0.1;
            deny all;

            default_type text/plain;
            content_by_lua_block {
                local hc = require "resty.upstream.healthcheck"
                ngx.say("Nginx Worker PID: ", ngx.worker.pid())
                ngx.print(hc.status_page())
            }
        }

	# status page for all the peers (prometheus format):
        location = /metrics {
            access_log off;
            default_type text/plain;
            content_by_lua_block {
                local hc = require "resty.upstream.healthcheck"
                st , err = hc.prometheus_status_page()
                if not st then
                    ngx.say(err)
                    return
                end
                ngx.print(st)
            }
        }
--- request
GET /status
--- response_body_like
^Nginx Worker PID: \d+
Upstream foo.com
    Primary Peers
        127.0.0.1:\d+ UP
        127.0.0.1:\d+ UP
    Backup Peers
        127.0.0.1:\d+ UP
$
--- no_error_log
[error]

=== TEST 2: the Synopsis' prometheus page lists every peer UP and the upstream UP
--- http_config
upstream foo.com {
    server 127.0.0.1:$TEST_NGINX_SERVER_PORT;
    server 127.0.0.1:$TEST_NGINX_SERVER_PORT backup;
}
lua_shared_dict healthcheck 1m;
init_worker_by_lua_block {
    local hc = require "resty.upstream.healthcheck"
    local ok, err = hc.spawn_checker{ shm = "healthcheck", upstream = "foo.com", type = "http",
                                      http_req = "GET /status HTTP/1.0\r\nHost: foo.com\r\n\r\n" }
    if not ok then ngx.log(ngx.ERR, "failed to spawn health checker: ", err) end
}
--- config
location = /status { return 200; }
location = /metrics {
    default_type text/plain;
    content_by_lua_block {
        local hc = require "resty.upstream.healthcheck"
        st , err = hc.prometheus_status_page()
        if not st then
            ngx.say(err)
            return
        end
        ngx.print((st:gsub(":%d+", ":N")))
    }
}
--- request
GET /metrics
--- response_body
# HELP nginx_upstream_status_info The running status of nginx upstream
# TYPE nginx_upstream_status_info gauge
nginx_upstream_status_info{name="foo.com",endpoint="127.0.0.1:N",status="UP",role="PRIMARY"} 1
nginx_upstream_status_info{name="foo.com",endpoint="127.0.0.1:N",status="DOWN",role="PRIMARY"} 0
nginx_upstream_status_info{name="foo.com",endpoint="127.0.0.1:N",status="UP",role="BACKUP"} 1
nginx_upstream_status_info{name="foo.com",endpoint="127.0.0.1:N",status="DOWN",role="BACKUP"} 0
nginx_upstream_status_info{name="foo.com",status="UP"} 1
nginx_upstream_status_info{name="foo.com",status="DOWN"} 0
nginx_upstream_status_info{name="foo.com",status="UNKNOWN"} 0
--- no_error_log
[error]

=== TEST 3: a peer answering a status not in valid_statuses and a refused backup turn DOWN after fall checks
--- http_config
upstream foo.com {
    server 127.0.0.1:$TEST_NGINX_STREAM_PORT;
    server 127.0.0.1:$TEST_NGINX_SERVER_PORT;
    server 127.0.0.2:$TEST_NGINX_SERVER_PORT backup;
}
upstream unchecked.com {
    server 127.0.0.1:$TEST_NGINX_SERVER_PORT;
}
server {
    listen 127.0.0.1:$TEST_NGINX_STREAM_PORT;
    location = /status { return 500; }
}
lua_shared_dict healthcheck 1m;
init_worker_by_lua_block {
    local hc = require "resty.upstream.healthcheck"
    local ok, err = hc.spawn_checker{
        shm = "healthcheck",
        upstream = "foo.com",
        type = "http",
        http_req = "GET /status HTTP/1.0\r\nHost: localhost\r\n\r\n",
        interval = 100,  -- 100ms
        fall = 2,
        valid_statuses = {200}
    }
    if not ok then ngx.log(ngx.ERR, "failed to spawn health checker: ", err) end
}
--- config
location = /status { return 200; }
location = /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream"
        local function wait_for(i, status)
            for _ = 1, 180 do
                local h = select(2, du.get_peers("foo.com"))[i].health
                if h and h.status == status then return end
                ngx.sleep(0.05)
            end
            ngx.say("peer ", i, " never became ", status)
        end
        wait_for(1, "unhealthy")
        wait_for(3, "unhealthy")
        local hc = require "resty.upstream.healthcheck"
        ngx.print((hc.status_page():gsub(":%d+", ":N")))
        ngx.say("fall_total>=2: ", select(2, du.get_peers("foo.com"))[1].health.fall_total >= 2)
    }
}
--- request
GET /t
--- response_body
Upstream foo.com
    Primary Peers
        127.0.0.1:N DOWN
        127.0.0.1:N UP
    Backup Peers
        127.0.0.2:N DOWN

Upstream unchecked.com (NO checkers)
    Primary Peers
        127.0.0.1:N UP
    Backup Peers
fall_total>=2: true
--- no_error_log
[error]

=== TEST 4: prometheus page with mixed peers: DOWN ones, an UP one, and UNKNOWN for an unchecked upstream
--- http_config
upstream unknown.com {
    server 127.0.0.1:$TEST_NGINX_SERVER_PORT;
}
upstream foo.com {
    server 127.0.0.1:$TEST_NGINX_STREAM_PORT;
    server 127.0.0.1:$TEST_NGINX_SERVER_PORT;
    server 127.0.0.2:$TEST_NGINX_SERVER_PORT backup;
}
server {
    listen 127.0.0.1:$TEST_NGINX_STREAM_PORT;
    location = /status { return 500; }
}
lua_shared_dict healthcheck 1m;
init_worker_by_lua_block {
    local hc = require "resty.upstream.healthcheck"
    local ok, err = hc.spawn_checker{
        shm = "healthcheck",
        upstream = "foo.com",
        type = "http",
        http_req = "GET /status HTTP/1.0\r\nHost: localhost\r\n\r\n",
        interval = 100,  -- 100ms
        fall = 2,
        valid_statuses = {200}
    }
    if not ok then ngx.log(ngx.ERR, "failed to spawn health checker: ", err) end
}
--- config
location = /status { return 200; }
location = /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream"
        for _, i in ipairs({1, 3}) do
            for _ = 1, 180 do
                local h = select(2, du.get_peers("foo.com"))[i].health
                if h and h.status == "unhealthy" then break end
                ngx.sleep(0.05)
            end
        end
        local hc = require "resty.upstream.healthcheck"
        local st, err = hc.prometheus_status_page()
        if not st then
            ngx.say(err)
            return
        end
        ngx.print((st:gsub(":%d+", ":N")))
    }
}
--- request
GET /t
--- response_body
# HELP nginx_upstream_status_info The running status of nginx upstream
# TYPE nginx_upstream_status_info gauge
nginx_upstream_status_info{name="unknown.com",status="UP"} 0
nginx_upstream_status_info{name="unknown.com",status="DOWN"} 0
nginx_upstream_status_info{name="unknown.com",status="UNKNOWN"} 1
nginx_upstream_status_info{name="foo.com",endpoint="127.0.0.1:N",status="UP",role="PRIMARY"} 0
nginx_upstream_status_info{name="foo.com",endpoint="127.0.0.1:N",status="DOWN",role="PRIMARY"} 1
nginx_upstream_status_info{name="foo.com",endpoint="127.0.0.1:N",status="UP",role="PRIMARY"} 1
nginx_upstream_status_info{name="foo.com",endpoint="127.0.0.1:N",status="DOWN",role="PRIMARY"} 0
nginx_upstream_status_info{name="foo.com",endpoint="127.0.0.2:N",status="UP",role="BACKUP"} 0
nginx_upstream_status_info{name="foo.com",endpoint="127.0.0.2:N",status="DOWN",role="BACKUP"} 1
nginx_upstream_status_info{name="foo.com",status="UP"} 1
nginx_upstream_status_info{name="foo.com",status="DOWN"} 0
nginx_upstream_status_info{name="foo.com",status="UNKNOWN"} 0

=== TEST 5: a peer that recovers turns UP again after rise passes
--- http_config
upstream foo.com {
    server 127.0.0.1:$TEST_NGINX_SERVER_PORT;
    server 127.0.0.1:$TEST_NGINX_STREAM_PORT;
}
lua_shared_dict healthcheck 1m;
lua_shared_dict flags 1m;
server {
    listen 127.0.0.1:$TEST_NGINX_STREAM_PORT;
    location = /status {
        content_by_lua_block {
            ngx.status = ngx.shared.flags:get("failing") and 503 or 200
            ngx.say("checked")
        }
    }
}
init_worker_by_lua_block {
    local hc = require "resty.upstream.healthcheck"
    local ok, err = hc.spawn_checker{ shm = "healthcheck", upstream = "foo.com", type = "http",
                                      http_req = "GET /status HTTP/1.0\r\n\r\n", interval = 100, fall = 1,
                                      rise = 2, valid_statuses = {200} }
    if not ok then ngx.log(ngx.ERR, "failed to spawn health checker: ", err) end
}
--- config
location = /status { return 200; }
location = /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream"
        local hc = require "resty.upstream.healthcheck"
        local function wait_for(status)
            for _ = 1, 180 do
                local h = select(2, du.get_peers("foo.com"))[2].health
                if h and h.status == status then return end
                ngx.sleep(0.05)
            end
            ngx.say("never became ", status)
        end
        ngx.shared.flags:set("failing", true)
        wait_for("unhealthy")
        ngx.print((hc.status_page():gsub(":%d+", ":N")))
        ngx.shared.flags:delete("failing")
        wait_for("healthy")
        ngx.print((hc.status_page():gsub(":%d+", ":N")))
        local h = select(2, du.get_peers("foo.com"))[2].health
        ngx.say("rise_total>=2: ", h.rise_total >= 2)
    }
}
--- request
GET /t
--- response_body
Upstream foo.com
    Primary Peers
        127.0.0.1:N UP
        127.0.0.1:N DOWN
    Backup Peers
Upstream foo.com
    Primary Peers
        127.0.0.1:N UP
        127.0.0.1:N UP
    Backup Peers
rise_total>=2: true
--- no_error_log
[error]

=== TEST 6: spawn_checker returns nil and the original's error texts; a failed spawn leaves the upstream alone
--- http_config
upstream foo.com { server 127.0.0.1:$TEST_NGINX_SERVER_PORT; }
lua_shared_dict healthcheck 1m;
init_worker_by_lua_block {
    local hc = require "resty.upstream.healthcheck"
    local ok, err = hc.spawn_checker{ shm = "healthcheck", upstream = "bar.com", type = "http",
                                      http_req = "GET /status HTTP/1.0\r\n\r\n" }
    if not ok then
        ngx.log(ngx.ERR, "failed to spawn health checker: ", err)
        return
    end
}
--- config
location = /t {
    content_by_lua_block {
        local hc = require "resty.upstream.healthcheck"
        local function try(opts)
            local base = { shm = "healthcheck", upstream = "foo.com", type = "http",
                           http_req = "GET /status HTTP/1.0\r\n\r\n" }
            for k, v in pairs(opts) do base[k] = v end
            for k, v in pairs(base) do if v == false then base[k] = nil end end
            ngx.say(hc.spawn_checker(base))
        end
        try{ type = false }
        try{ type = "tcp" }
        try{ http_req = false }
        try{ shm = false }
        try{ shm = "nope" }
        try{ upstream = false }
        try{ upstream = "bar.com" }
        try{ fall = 0 }
        try{ http_req = "GET /status" }
        ngx.print(hc.status_page())
    }
}
--- request
GET /t
--- response_body_like
^nil"type" option required
nilonly "http" and "https" type are supported right now
nil"http_req" option required
nil"shm" option required
nilshm "nope" not found
nilno upstream specified
nilfailed to get primary peers: upstream not found
nilfall: 0 \(expected: an integer >= 1\)
nilhttp_req: no empty line after the request line .*
Upstream foo.com \(NO checkers\)
    Primary Peers
        127.0.0.1:\d+ UP
    Backup Peers
$
--- error_log
failed to spawn health checker: failed to get primary peers: upstream not found

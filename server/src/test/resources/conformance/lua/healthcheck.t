# ngx_dynamic_healthcheck's run-time API, ported from its tests: the Lua packages ngx.healthcheck and
# ngx.healthcheck.stream (t/healthcheck_lua.t, t/status_lua.t, t/update_lua.t, t/disable_host_lua.t) and the
# handlers healthcheck_get/status/update (t/healthcheck.t, t/status.t, t/update.t, t/disable_host.t), plus the
# JSON API's health_check extension. Expected outputs are the reference's unless a comment in the block says why
# not. Adaptations throughout, none of which changes what is checked:
# - `lua_load_resty_core off;` and `zone` sizes are dropped or kept as dynup accepts them; fixed ports 6001...
#   are $TEST_NGINX_RAND_PORT_N (backends on loopback; an unused one is a peer that refuses connections).
# - The reference waits for checks with ngx.sleep(1); these blocks use `--- eventually` (asked again until the
#   checks have run) instead.
# - The reference's HTTP tests call the handlers through ngx.location.capture and print with Lua; here the
#   handlers are requested directly (`--- requests` for several in a row) and their JSON is the expectation.
# - The reference marks peers `down` in the config to have them start unhealthy: its checks bring them up. In
#   dynup an operator's down is never undone by a check; new peers start as `checking` instead, so those
#   blocks drop `down`.

=== TEST 1: healthcheck http lua
--- http_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:6001;
        check type=http fall=2 rise=1 timeout=1500 interval=60;
        check_request_uri GET /heartbeat;
        check_request_headers aaa=333 bbb=444;
        check_request_body hello;
        check_response_codes 200 201;
        check_response_body .*;
    }
    upstream u2 {
        zone shm-u2 128k;
        server 127.0.0.1:6001;
        check type=http fall=4 rise=2 timeout=15000 interval=10;
        check_request_uri POST /health;
        check_request_headers aaa=555 bbb=666;
        check_request_body hello;
        check_response_codes 200 201 204;
        check_response_body .*;
    }
--- config
    location /test {
        content_by_lua_block {
            -- pairs() in key order: the reference's expectations rely on one LuaJIT's hash order
            local function spairs(t)
              local keys = {}
              for k in pairs(t) do keys[#keys + 1] = k end
              table.sort(keys)
              local i = 0
              return function() i = i + 1; if keys[i] ~= nil then return keys[i], t[keys[i]] end end
            end
            local hc = require "ngx.healthcheck"
            local data, err = hc.get()
            if not data then
              ngx.say(err)
            end
            for u, h in spairs(data)
            do
               ngx.say(string.format("%s %s %d %d %d %d", u,
                                     h.type, h.fall, h.rise, h.timeout, h.interval))
               for k,v in spairs(h.command.headers)
               do
                 ngx.say(k,"=",v)
               end
               ngx.say(string.format("%s %s %s %s", h.command.uri, h.command.method,
                                     h.command.body, h.command.expected.body))
               for _,c in ipairs(h.command.expected.codes)
               do
                 ngx.say(c)
               end
            end
        }
    }
--- request
    GET /test
--- response_body
u1 http 2 1 1500 60
aaa=333
bbb=444
/heartbeat GET hello .*
200
201
u2 http 4 2 15000 10
aaa=555
bbb=666
/health POST hello .*
200
201
204

=== TEST 2: healthcheck stream lua
--- stream_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:6001;
        check fall=2 rise=1 timeout=1500 interval=60;
        check_request_body ping;
        check_response_body pong;
    }
    upstream u2 {
        zone shm-u2 128k;
        server 127.0.0.1:6001;
        check fall=4 rise=2 timeout=15000 interval=10;
        check_request_body ping2;
        check_response_body pong2;
    }
--- config
    location /test {
        content_by_lua_block {
            -- pairs() in key order: the reference's expectations rely on one LuaJIT's hash order
            local function spairs(t)
              local keys = {}
              for k in pairs(t) do keys[#keys + 1] = k end
              table.sort(keys)
              local i = 0
              return function() i = i + 1; if keys[i] ~= nil then return keys[i], t[keys[i]] end end
            end
            local hc = require "ngx.healthcheck.stream"
            local data, err = hc.get()
            if not data then
              ngx.say(err)
            end
            for u, h in spairs(data)
            do
               ngx.say(string.format("%s %d %d %d %d", u,
                                     h.fall, h.rise, h.timeout, h.interval))
               ngx.say(string.format("%s %s",
                                     h.command.body, h.command.expected.body))
            end
        }
    }
--- request
    GET /test
--- response_body_like
u1 2 1 1500 60
ping pong
u2 4 2 15000 10
ping2 pong2

=== TEST 3: healthcheck http tcp lua
--- http_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:6001;
        check type=tcp fall=2 rise=1 timeout=1500 interval=60;
    }
--- config
    location /test {
        content_by_lua_block {
            local hc = require "ngx.healthcheck"
            local data, err = hc.get()
            if not data then
              ngx.say(err)
            end
            for u, h in pairs(data)
            do
               ngx.say(string.format("%s %s %d %d %d %d", u,
                                     h.type, h.fall, h.rise, h.timeout, h.interval))
            end
        }
    }
--- request
    GET /test
--- response_body
u1 tcp 2 1 1500 60

=== TEST 4: healthcheck http ssl lua
--- http_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:6001;
        check type=ssl fall=2 rise=1 timeout=1500 interval=60;
    }
--- config
    location /test {
        content_by_lua_block {
            local hc = require "ngx.healthcheck"
            local data, err = hc.get()
            if not data then
              ngx.say(err)
            end
            for u, h in pairs(data)
            do
               ngx.say(string.format("%s %s %d %d %d %d", u,
                                     h.type, h.fall, h.rise, h.timeout, h.interval))
            end
        }
    }
--- request
    GET /test
--- response_body
u1 ssl 2 1 1500 60

=== TEST 5: healthcheck stream tcp lua
--- stream_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:6001;
        check fall=2 rise=1 timeout=1500 interval=60;
    }
--- config
    location /test {
        content_by_lua_block {
            local hc = require "ngx.healthcheck.stream"
            local data, err = hc.get()
            if not data then
              ngx.say(err)
            end
            for u, h in pairs(data)
            do
               ngx.say(string.format("%s %s %d %d %d %d", u,
                                     h.type, h.fall, h.rise, h.timeout, h.interval))
            end
        }
    }
--- request
    GET /test
--- response_body
u1 tcp 2 1 1500 60

=== TEST 6: healthcheck stream ssl lua
--- stream_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:6001;
        check type=ssl fall=2 rise=1 timeout=1500 interval=60;
    }
--- config
    location /test {
        content_by_lua_block {
            local hc = require "ngx.healthcheck.stream"
            local data, err = hc.get()
            for u, h in pairs(data)
            do
               ngx.say(string.format("%s %s %d %d %d %d", u,
                                     h.type, h.fall, h.rise, h.timeout, h.interval))
            end
        }
    }
--- request
    GET /test
--- response_body
u1 ssl 2 1 1500 60

=== TEST 7: no healthcheck
--- http_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:6001;
    }
--- config
    location /test {
        content_by_lua_block {
            local hc = require "ngx.healthcheck"
            local data, err = hc.get("u1")
            ngx.say(err)
        }
    }
--- request
    GET /test
--- response_body
no healthcheck

=== TEST 8: stream no healthcheck
--- stream_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:6001;
    }
--- config
    location /test {
        content_by_lua_block {
            local hc = require "ngx.healthcheck.stream"
            local data, err = hc.get("u1")
            ngx.say(err)
        }
    }
--- request
    GET /test
--- response_body
no healthcheck

=== TEST 9: healthcheck + no healthcheck
--- http_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:6001;
    }
    upstream u2 {
        zone shm-u2 128k;
        server 127.0.0.1:6001;
        check type=tcp fall=2 rise=1 timeout=1500 interval=60;
    }
--- config
    location /test {
        content_by_lua_block {
            local hc = require "ngx.healthcheck"
            local data, err = hc.get()
            if not data then
              return ngx.say(err)
            end
            if not data["u2"] then
              return ngx.say("u2 not found")
            end
            if data["u1"] then
              return ngx.say("u1 present")
            end
            ngx.say(data["u2"].type)
        }
    }
--- request
    GET /test
--- response_body
tcp

=== TEST 10: stream healthcheck + no healthcheck
--- stream_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:6001;
    }
    upstream u2 {
        zone shm-u2 128k;
        server 127.0.0.1:6001;
        check type=tcp fall=2 rise=1 timeout=1500 interval=60;
    }
--- config
    location /test {
        content_by_lua_block {
            local hc = require "ngx.healthcheck.stream"
            local data, err = hc.get()
            if not data then
              return ngx.say(err)
            end
            if not data["u2"] then
              return ngx.say("u2 not found")
            end
            if data["u1"] then
              return ngx.say("u1 present")
            end
            ngx.say(data["u2"].type)
        }
    }
--- request
    GET /test
--- response_body
tcp

=== TEST 11: upstream not found
--- http_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:6001;
    }
--- config
    location /test {
        content_by_lua_block {
            local hc = require "ngx.healthcheck"
            local data, err = hc.get("notfound")
            ngx.say(err)
        }
    }
--- request
    GET /test
--- response_body
upstream not found

=== TEST 12: stream upstream not found
--- stream_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:6001;
    }
--- config
    location /test {
        content_by_lua_block {
            local hc = require "ngx.healthcheck.stream"
            local data, err = hc.get("notfound")
            ngx.say(err)
        }
    }
--- request
    GET /test
--- response_body
upstream not found

=== TEST 13: healthcheck status http lua
The reference's peers start `down` and its checks bring them up; here they start as checking (see the top).
The backends read the body with ngx.req.read_body() (dynup has no lua_need_request_body).
--- http_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:$TEST_NGINX_RAND_PORT_1;
        server 127.0.0.2:$TEST_NGINX_RAND_PORT_2;
        server 127.0.0.3:$TEST_NGINX_RAND_PORT_3 backup;
        server 127.0.0.4:$TEST_NGINX_RAND_PORT_4 backup;
        server 127.0.0.5:$TEST_NGINX_RAND_PORT_5;
        server 127.0.0.6:$TEST_NGINX_RAND_PORT_6 backup;
        check type=http fall=2 rise=1 timeout=1500 interval=1;
        check_request_uri GET /heartbeat;
        check_request_headers aaa=333 bbb=444;
        check_request_body hello;
        check_response_codes 200 201 204;
        check_response_body (primary|backup)\n333\n444\nhello\n;
    }
    upstream u2 {
        zone shm-u2 128k;
        server 127.0.0.1:$TEST_NGINX_RAND_PORT_1;
        server 127.0.0.2:$TEST_NGINX_RAND_PORT_2;
        server 127.0.0.3:$TEST_NGINX_RAND_PORT_3 backup;
        server 127.0.0.4:$TEST_NGINX_RAND_PORT_4 backup;
        server 127.0.0.5:$TEST_NGINX_RAND_PORT_5;
        server 127.0.0.6:$TEST_NGINX_RAND_PORT_6 backup;
        check type=http fall=2 rise=1 timeout=1500 interval=1;
        check_request_uri GET /heartbeat;
        check_request_headers aaa=333 bbb=444;
        check_request_body hello;
        check_response_codes 200 201 204;
        check_response_body (primary|backup)\n333\n444\nhello\n;
    }
    server {
      listen $TEST_NGINX_RAND_PORT_1;
      listen $TEST_NGINX_RAND_PORT_2;
      location /heartbeat {
        content_by_lua_block {
          ngx.req.read_body()
          ngx.say("primary")
          ngx.say(ngx.var.http_aaa)
          ngx.say(ngx.var.http_bbb)
          ngx.say(ngx.req.get_body_data())
        }
      }
    }
    server {
      listen $TEST_NGINX_RAND_PORT_3;
      listen $TEST_NGINX_RAND_PORT_4;
      location /heartbeat {
        content_by_lua_block {
          ngx.req.read_body()
          ngx.say("backup")
          ngx.say(ngx.var.http_aaa)
          ngx.say(ngx.var.http_bbb)
          ngx.say(ngx.req.get_body_data())
        }
      }
    }
--- config
    location /test {
        content_by_lua_block {
            local hc = require "ngx.healthcheck"
            local data, err = hc.status()
            if not data then
              ngx.print(err)
            end
            local t = {}
            for u, h in pairs(data)
            do
              for p, s in pairs(h.primary)
              do
                table.insert(t, string.format("%s %s %d 1", u, p, s.down))
              end
              for p, s in pairs(h.backup)
              do
                table.insert(t, string.format("%s %s %d 0", u, p, s.down))
              end
            end
            table.sort(t)
            for i,l in ipairs(t)
            do
              ngx.say(l)
            end
        }
    }
--- request
    GET /test
--- eventually
--- response_body
u1 127.0.0.1:$TEST_NGINX_RAND_PORT_1 0 1
u1 127.0.0.2:$TEST_NGINX_RAND_PORT_2 0 1
u1 127.0.0.3:$TEST_NGINX_RAND_PORT_3 0 0
u1 127.0.0.4:$TEST_NGINX_RAND_PORT_4 0 0
u1 127.0.0.5:$TEST_NGINX_RAND_PORT_5 1 1
u1 127.0.0.6:$TEST_NGINX_RAND_PORT_6 1 0
u2 127.0.0.1:$TEST_NGINX_RAND_PORT_1 0 1
u2 127.0.0.2:$TEST_NGINX_RAND_PORT_2 0 1
u2 127.0.0.3:$TEST_NGINX_RAND_PORT_3 0 0
u2 127.0.0.4:$TEST_NGINX_RAND_PORT_4 0 0
u2 127.0.0.5:$TEST_NGINX_RAND_PORT_5 1 1
u2 127.0.0.6:$TEST_NGINX_RAND_PORT_6 1 0

=== TEST 14: healthcheck status stream lua
The reference sends "GET /ping\r\n\r\n" (HTTP/0.9); here the request says HTTP/1.0, which dynup's http
server answers, and "pong" is expected the same.
--- http_config
    server {
      listen $TEST_NGINX_RAND_PORT_1;
      listen $TEST_NGINX_RAND_PORT_2;
      location /ping {
        content_by_lua_block {
          ngx.say("pong")
        }
      }
    }
    server {
      listen $TEST_NGINX_RAND_PORT_3;
      listen $TEST_NGINX_RAND_PORT_4;
      location /ping {
        content_by_lua_block {
          ngx.say("pong")
        }
      }
    }
--- stream_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:$TEST_NGINX_RAND_PORT_1;
        server 127.0.0.2:$TEST_NGINX_RAND_PORT_2;
        server 127.0.0.3:$TEST_NGINX_RAND_PORT_3 backup;
        server 127.0.0.4:$TEST_NGINX_RAND_PORT_4 backup;
        server 127.0.0.5:$TEST_NGINX_RAND_PORT_5;
        server 127.0.0.6:$TEST_NGINX_RAND_PORT_6 backup;
        check fall=2 rise=1 timeout=1500 interval=1;
        check_request_body "GET /ping HTTP/1.0\r\n\r\n";
        check_response_body pong;
    }
    upstream u2 {
        zone shm-u2 128k;
        server 127.0.0.1:$TEST_NGINX_RAND_PORT_1;
        server 127.0.0.2:$TEST_NGINX_RAND_PORT_2;
        server 127.0.0.3:$TEST_NGINX_RAND_PORT_3 backup;
        server 127.0.0.4:$TEST_NGINX_RAND_PORT_4 backup;
        server 127.0.0.5:$TEST_NGINX_RAND_PORT_5;
        server 127.0.0.6:$TEST_NGINX_RAND_PORT_6 backup;
        check fall=2 rise=1 timeout=1500 interval=1;
        check_request_body "GET /ping HTTP/1.0\r\n\r\n";
        check_response_body pong;
    }
--- config
    location /test {
        content_by_lua_block {
            local hc = require "ngx.healthcheck.stream"
            local data, err = hc.status()
            if not data then
              ngx.print(err)
            end
            local t = {}
            for u, h in pairs(data)
            do
              for p, s in pairs(h.primary)
              do
                table.insert(t, string.format("%s %s %d 1", u, p, s.down))
              end
              for p, s in pairs(h.backup)
              do
                table.insert(t, string.format("%s %s %d 0", u, p, s.down))
              end
            end
            table.sort(t)
            for i,l in ipairs(t)
            do
              ngx.say(l)
            end
        }
    }
--- request
    GET /test
--- eventually
--- response_body
u1 127.0.0.1:$TEST_NGINX_RAND_PORT_1 0 1
u1 127.0.0.2:$TEST_NGINX_RAND_PORT_2 0 1
u1 127.0.0.3:$TEST_NGINX_RAND_PORT_3 0 0
u1 127.0.0.4:$TEST_NGINX_RAND_PORT_4 0 0
u1 127.0.0.5:$TEST_NGINX_RAND_PORT_5 1 1
u1 127.0.0.6:$TEST_NGINX_RAND_PORT_6 1 0
u2 127.0.0.1:$TEST_NGINX_RAND_PORT_1 0 1
u2 127.0.0.2:$TEST_NGINX_RAND_PORT_2 0 1
u2 127.0.0.3:$TEST_NGINX_RAND_PORT_3 0 0
u2 127.0.0.4:$TEST_NGINX_RAND_PORT_4 0 0
u2 127.0.0.5:$TEST_NGINX_RAND_PORT_5 1 1
u2 127.0.0.6:$TEST_NGINX_RAND_PORT_6 1 0

=== TEST 15: status: upstream not found
--- http_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:6001;
    }
--- config
    location /test {
        content_by_lua_block {
            local hc = require "ngx.healthcheck"
            local data, err = hc.status("notfound")
            ngx.say(err)
        }
    }
--- request
    GET /test
--- response_body
upstream not found

=== TEST 16: status: stream upstream not found
--- stream_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:6001;
    }
--- config
    location /test {
        content_by_lua_block {
            local hc = require "ngx.healthcheck.stream"
            local data, err = hc.status("notfound")
            ngx.say(err)
        }
    }
--- request
    GET /test
--- response_body
upstream not found

=== TEST 17: healthcheck http update lua
--- http_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:6001;
        check type=http fall=2 rise=1 timeout=1500 interval=60;
        check_request_uri GET /heartbeat;
        check_request_headers aaa=333 bbb=444;
        check_request_body hello;
        check_response_codes 200 201;
        check_response_body .*;
    }
--- config
    location /test {
        content_by_lua_block {
            -- pairs() in key order: the reference's expectations rely on one LuaJIT's hash order
            local function spairs(t)
              local keys = {}
              for k in pairs(t) do keys[#keys + 1] = k end
              table.sort(keys)
              local i = 0
              return function() i = i + 1; if keys[i] ~= nil then return keys[i], t[keys[i]] end end
            end
            local hc = require "ngx.healthcheck"
            local data, err = hc.get()
            if not data then
              ngx.print(err)
            end
            for u, h in spairs(data)
            do
               ngx.say(string.format("%s %s %d %d %d %d", u,
                                     h.type, h.fall, h.rise, h.timeout, h.interval))
               for k,v in spairs(h.command.headers)
               do
                 ngx.say(k,"=",v)
               end
               ngx.say(string.format("%s %s %s %s", h.command.uri, h.command.method,
                                     h.command.body, h.command.expected.body))
               for _,c in ipairs(h.command.expected.codes)
               do
                 ngx.say(c)
               end
            end
            hc.update("u1", {
                fall=100,
                rise=200,
                timeout=4000,
                interval=1,
                command = {
                    uri="/ping",
                    method="POST",
                    headers={a=1,b=2},
                    body="ping",
                    expected = {
                        codes={400,500},
                        body="pong"
                    }
                },
                disabled=1,
                off=1
            })
            local data, err = hc.get()
            if not data then
              ngx.print(err)
            end
            for u, h in spairs(data)
            do
               ngx.say(string.format("%s %s %d %d %d %d %d %d", u,
                                     h.type, h.fall, h.rise, h.timeout, h.interval, h.disabled, h.off))
               for k,v in spairs(h.command.headers)
               do
                 ngx.say(k,"=",v)
               end
               ngx.say(string.format("%s %s %s %s", h.command.uri, h.command.method,
                                     h.command.body, h.command.expected.body))
               for _,c in ipairs(h.command.expected.codes)
               do
                 ngx.say(c)
               end
            end
        }
    }
--- request
    GET /test
--- response_body
u1 http 2 1 1500 60
aaa=333
bbb=444
/heartbeat GET hello .*
200
201
u1 http 100 200 4000 1 1 1
a=1
b=2
/ping POST ping pong
400
500

=== TEST 18: healthcheck stream update lua
--- stream_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:6001;
        check fall=2 rise=1 timeout=1500 interval=60;
        check_request_body hello;
        check_response_body .*;
    }
--- config
    location /test {
        content_by_lua_block {
            -- pairs() in key order: the reference's expectations rely on one LuaJIT's hash order
            local function spairs(t)
              local keys = {}
              for k in pairs(t) do keys[#keys + 1] = k end
              table.sort(keys)
              local i = 0
              return function() i = i + 1; if keys[i] ~= nil then return keys[i], t[keys[i]] end end
            end
            local hc = require "ngx.healthcheck.stream"
            local data, err = hc.get()
            if not data then
              ngx.print(err)
            end
            for u, h in spairs(data)
            do
               ngx.say(string.format("%s %d %d %d %d", u,
                                     h.fall, h.rise, h.timeout, h.interval))
               ngx.say(string.format("%s %s", h.command.body, h.command.expected.body))
            end
            hc.update("u1", {
                fall=100,
                rise=200,
                timeout=4000,
                interval=1,
                command = {
                    body="ping",
                    expected = {
                        body="pong"
                    }
                },
                disabled=1,
                off=1
            })
            local data, err = hc.get()
            if not data then
              ngx.print(err)
            end
            for u, h in spairs(data)
            do
               ngx.say(string.format("%s %d %d %d %d %d %d", u,
                                     h.fall, h.rise, h.timeout, h.interval, h.disabled, h.off))
               ngx.say(string.format("%s %s", h.command.body, h.command.expected.body))
            end
        }
    }
--- request
    GET /test
--- response_body
u1 2 1 1500 60
hello .*
u1 100 200 4000 1 1 1
ping pong

=== TEST 19: healthcheck stream update lua, from a connect check
TEST 18 without the send/expect lines in the config: a connect check has no command until one is set.
--- stream_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:6001;
        check fall=2 rise=1 timeout=1500 interval=60;
    }
--- config
    location /test {
        content_by_lua_block {
            local hc = require "ngx.healthcheck.stream"
            local data, err = hc.get()
            if not data then
              ngx.print(err)
            end
            for u, h in pairs(data)
            do
               ngx.say(string.format("%s %d %d %d %d", u,
                                     h.fall, h.rise, h.timeout, h.interval))
               ngx.say(tostring(h.command))
            end
            assert(hc.update("u1", {
                fall=100,
                rise=200,
                timeout=4000,
                interval=1,
                command = {
                    body="ping",
                    expected = {
                        body="pong"
                    }
                },
                disabled=1,
                off=1
            }))
            local data, err = hc.get()
            if not data then
              ngx.print(err)
            end
            for u, h in pairs(data)
            do
               ngx.say(string.format("%s %d %d %d %d %d %d", u,
                                     h.fall, h.rise, h.timeout, h.interval, h.disabled, h.off))
               ngx.say(string.format("%s %s", h.command.body, h.command.expected.body))
            end
        }
    }
--- request
    GET /test
--- response_body
u1 2 1 1500 60
nil
u1 100 200 4000 1 1 1
ping pong

=== TEST 20: healthcheck status http lua disable/enable
The reference's status has no `disabled` field, so `s.disabled and 1 or 0` is 0 there as here.
--- http_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:$TEST_NGINX_RAND_PORT_1 down;
        server 127.0.0.2:$TEST_NGINX_RAND_PORT_2 backup down;
        check type=http fall=2 rise=1 timeout=1500 interval=1;
        check_request_uri GET /heartbeat;
        check_request_headers aaa=333 bbb=444;
        check_request_body hello;
        check_response_codes 200 201 204;
        check_response_body (primary|backup)\n333\n444\nhello\n;
    }
    server {
      listen $TEST_NGINX_RAND_PORT_1;
      listen $TEST_NGINX_RAND_PORT_2;
      location /heartbeat {
        content_by_lua_block {
          ngx.req.read_body()
          ngx.say("primary")
          ngx.say(ngx.var.http_aaa)
          ngx.say(ngx.var.http_bbb)
          ngx.say(ngx.req.get_body_data())
        }
      }
    }
--- config
    location /test {
        content_by_lua_block {
            local hc = require "ngx.healthcheck"
            local data, err = hc.status()
            if not data then
              ngx.print(err)
            end
            local t = {}
            for u, h in pairs(data)
            do
              for p, s in pairs(h.primary)
              do
                table.insert(t, string.format("%s %s %d 1", u, p, s.disabled and 1 or 0))
              end
              for p, s in pairs(h.backup)
              do
                table.insert(t, string.format("%s %s %d 0", u, p, s.disabled and 1 or 0))
              end
            end
            table.sort(t)
            for i,l in ipairs(t)
            do
              ngx.say(l)
            end
            -- disable
            hc.disable_host("127.0.0.1:$TEST_NGINX_RAND_PORT_1", true, "u1")
            hc.disable_host("127.0.0.2:$TEST_NGINX_RAND_PORT_2", true, "u1")
            local data, err = hc.get()
            if not data then
              ngx.print(err)
            end
            for i,h in ipairs(data["u1"].disabled_hosts)
            do
              ngx.say(h)
            end
            -- enable
            hc.disable_host("127.0.0.1:$TEST_NGINX_RAND_PORT_1", false, "u1")
            hc.disable_host("127.0.0.2:$TEST_NGINX_RAND_PORT_2", false, "u1")
            local data, err = hc.get()
            if not data then
              ngx.print(err)
            end
            if #data["u1"].disabled_hosts == 0 then
              ngx.say("-")
            else
              for i,h in ipairs(data["u1"].disabled_hosts)
              do
                ngx.say(h)
              end
            end
        }
    }
--- request
    GET /test
--- response_body
u1 127.0.0.1:$TEST_NGINX_RAND_PORT_1 0 1
u1 127.0.0.2:$TEST_NGINX_RAND_PORT_2 0 0
127.0.0.1:$TEST_NGINX_RAND_PORT_1
127.0.0.2:$TEST_NGINX_RAND_PORT_2
-

=== TEST 21: healthcheck status http lua disable/enable in all upstreams
--- http_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:$TEST_NGINX_RAND_PORT_1 down;
        check type=http fall=2 rise=1 timeout=1500 interval=1;
        check_request_uri GET /heartbeat;
    }
    upstream u2 {
        zone shm-u2 128k;
        server 127.0.0.1:$TEST_NGINX_RAND_PORT_1 down;
        check type=http fall=2 rise=1 timeout=1500 interval=1;
        check_request_uri GET /heartbeat;
    }
--- config
    location /test {
        content_by_lua_block {
            local hc = require "ngx.healthcheck"
            -- disable
            local ok, err = hc.disable_host("127.0.0.1:$TEST_NGINX_RAND_PORT_1", true)
            if not ok then
              ngx.print(err)
              return
            end
            local data, err = hc.get()
            if not data then
              ngx.print(err)
            end
            for i,h in ipairs(data["u1"].disabled_hosts)
            do
                ngx.print("u1 ")
                ngx.say(h)
            end
            for i,h in ipairs(data["u2"].disabled_hosts)
            do
                ngx.print("u2 ")
                ngx.say(h)
            end
            -- enable
            hc.disable_host("127.0.0.1:$TEST_NGINX_RAND_PORT_1", false)
            local data, err = hc.get()
            if not data then
              ngx.print(err)
            end
            if #data["u1"].disabled_hosts == 0 then
              ngx.say("-")
            else
              for i,h in ipairs(data["u1"].disabled_hosts)
              do
                ngx.print("u1 ")
                ngx.say(h)
              end
            end
            if #data["u2"].disabled_hosts == 0 then
              ngx.say("-")
            else
              for i,h in ipairs(data["u2"].disabled_hosts)
              do
                ngx.print("u2 ")
                ngx.say(h)
              end
            end
        }
    }
--- request
    GET /test
--- response_body
u1 127.0.0.1:$TEST_NGINX_RAND_PORT_1
u2 127.0.0.1:$TEST_NGINX_RAND_PORT_1
-
-

=== TEST 22: healthcheck status http lua disable/enable upstream
--- http_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:$TEST_NGINX_RAND_PORT_1 down;
        check type=http fall=2 rise=1 timeout=1500 interval=1;
        check_request_uri GET /heartbeat;
    }
    upstream u2 {
        zone shm-u2 128k;
        server 127.0.0.1:$TEST_NGINX_RAND_PORT_1 down;
        check type=http fall=2 rise=1 timeout=1500 interval=1;
        check_request_uri GET /heartbeat;
    }
--- config
    location /test {
        content_by_lua_block {
            local hc = require "ngx.healthcheck"
            -- disable
            hc.disable("u1", true)
            hc.disable("u2", true)
            local data, err = hc.get()
            if not data then
              ngx.print(err)
            end
            ngx.print("u1 ")
            ngx.say(data["u1"].disabled);
            ngx.print("u2 ")
            ngx.say(data["u2"].disabled);
            -- enable
            hc.disable("u1", false)
            hc.disable("u2", false)
            local data, err = hc.get()
            if not data then
              ngx.print(err)
            end
            ngx.print("u1 ")
            ngx.say(data["u1"].disabled);
            ngx.print("u2 ")
            ngx.say(data["u2"].disabled);
        }
    }
--- request
    GET /test
--- response_body
u1 1
u2 1
u1 0
u2 0

=== TEST 23: healthcheck status stream lua disable/enable
Connect checks (the reference's stream blocks send "GET /heartbeat" and expect "pong"; see the top).
--- stream_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:$TEST_NGINX_RAND_PORT_1 down;
        server 127.0.0.2:$TEST_NGINX_RAND_PORT_2 backup down;
        check fall=2 rise=1 timeout=1500 interval=1;
    }
--- config
    location /test {
        content_by_lua_block {
            local hc = require "ngx.healthcheck.stream"
            local data, err = hc.status()
            if not data then
              ngx.print(err)
            end
            local t = {}
            for u, h in pairs(data)
            do
              for p, s in pairs(h.primary)
              do
                table.insert(t, string.format("%s %s %d 1", u, p, s.disabled and 1 or 0))
              end
              for p, s in pairs(h.backup)
              do
                table.insert(t, string.format("%s %s %d 0", u, p, s.disabled and 1 or 0))
              end
            end
            table.sort(t)
            for i,l in ipairs(t)
            do
              ngx.say(l)
            end
            -- disable
            hc.disable_host("127.0.0.1:$TEST_NGINX_RAND_PORT_1", true, "u1")
            hc.disable_host("127.0.0.2:$TEST_NGINX_RAND_PORT_2", true, "u1")
            local data, err = hc.get()
            for i,h in ipairs(data["u1"].disabled_hosts)
            do
              ngx.say(h)
            end
            -- enable
            hc.disable_host("127.0.0.1:$TEST_NGINX_RAND_PORT_1", false, "u1")
            hc.disable_host("127.0.0.2:$TEST_NGINX_RAND_PORT_2", false, "u1")
            local data, err = hc.get()
            if #data["u1"].disabled_hosts == 0 then
              ngx.say("-")
            else
              for i,h in ipairs(data["u1"].disabled_hosts)
              do
                ngx.say(h)
              end
            end
        }
    }
--- request
    GET /test
--- response_body
u1 127.0.0.1:$TEST_NGINX_RAND_PORT_1 0 1
u1 127.0.0.2:$TEST_NGINX_RAND_PORT_2 0 0
127.0.0.1:$TEST_NGINX_RAND_PORT_1
127.0.0.2:$TEST_NGINX_RAND_PORT_2
-

=== TEST 24: healthcheck status stream lua disable/enable in all upstreams
--- stream_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:$TEST_NGINX_RAND_PORT_1 down;
        check fall=2 rise=1 timeout=1500 interval=1;
    }
    upstream u2 {
        zone shm-u2 128k;
        server 127.0.0.1:$TEST_NGINX_RAND_PORT_1 down;
        check fall=2 rise=1 timeout=1500 interval=1;
    }
--- config
    location /test {
        content_by_lua_block {
            local hc = require "ngx.healthcheck.stream"
            local ok, err = hc.disable_host("127.0.0.1:$TEST_NGINX_RAND_PORT_1", true)
            if not ok then
              ngx.print(err)
              return
            end
            local data, err = hc.get()
            for i,h in ipairs(data["u1"].disabled_hosts)
            do
                ngx.print("u1 ")
                ngx.say(h)
            end
            for i,h in ipairs(data["u2"].disabled_hosts)
            do
                ngx.print("u2 ")
                ngx.say(h)
            end
            hc.disable_host("127.0.0.1:$TEST_NGINX_RAND_PORT_1", false)
            local data, err = hc.get()
            ngx.say(#data["u1"].disabled_hosts == 0 and "-" or "u1 disabled")
            ngx.say(#data["u2"].disabled_hosts == 0 and "-" or "u2 disabled")
        }
    }
--- request
    GET /test
--- response_body
u1 127.0.0.1:$TEST_NGINX_RAND_PORT_1
u2 127.0.0.1:$TEST_NGINX_RAND_PORT_1
-
-

=== TEST 25: healthcheck status stream lua disable/enable upstream
--- stream_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:$TEST_NGINX_RAND_PORT_1 down;
        check fall=2 rise=1 timeout=1500 interval=1;
    }
    upstream u2 {
        zone shm-u2 128k;
        server 127.0.0.1:$TEST_NGINX_RAND_PORT_1 down;
        check fall=2 rise=1 timeout=1500 interval=1;
    }
--- config
    location /test {
        content_by_lua_block {
            local hc = require "ngx.healthcheck.stream"
            hc.disable("u1", true)
            hc.disable("u2", true)
            local data, err = hc.get()
            ngx.print("u1 ")
            ngx.say(data["u1"].disabled);
            ngx.print("u2 ")
            ngx.say(data["u2"].disabled);
            hc.disable("u1", false)
            hc.disable("u2", false)
            local data, err = hc.get()
            ngx.print("u1 ")
            ngx.say(data["u1"].disabled);
            ngx.print("u2 ")
            ngx.say(data["u2"].disabled);
        }
    }
--- request
    GET /test
--- response_body
u1 1
u2 1
u1 0
u2 0

=== TEST 26: healthcheck http (healthcheck_get)
t/healthcheck.t TEST 1, the JSON itself (compact; the reference indents it).
--- http_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:6001;
        check type=http fall=2 rise=1 timeout=1500 interval=60;
        check_request_uri GET /heartbeat;
        check_request_headers aaa=333 bbb=444;
        check_request_body hello;
        check_response_codes 200 201;
        check_response_body .*;
    }
    upstream u2 {
        zone shm-u2 128k;
        server 127.0.0.1:6001;
        check type=http fall=4 rise=2 timeout=15000 interval=10;
        check_request_uri POST /health;
        check_request_headers aaa=555 bbb=666;
        check_request_body hello;
        check_response_codes 200 201 204;
        check_response_body .*;
    }
--- config
    location /get {
      healthcheck_get;
    }
--- request
    GET /get
--- response_headers
Content-Type: application/json
--- response_body chomp
{"u1":{"type":"http","fall":2,"rise":1,"timeout":1500,"interval":60,"keepalive":1,"command":{"uri":"/heartbeat","method":"GET","headers":{"aaa":"333","bbb":"444"},"body":"hello","expected":{"body":".*","codes":[200,201]}},"disabled":0,"off":0,"disabled_hosts":[],"excluded_hosts":[]},"u2":{"type":"http","fall":4,"rise":2,"timeout":15000,"interval":10,"keepalive":1,"command":{"uri":"/health","method":"POST","headers":{"aaa":"555","bbb":"666"},"body":"hello","expected":{"body":".*","codes":[200,201,204]}},"disabled":0,"off":0,"disabled_hosts":[],"excluded_hosts":[]}}

=== TEST 27: healthcheck stream (healthcheck_get?stream=)
--- stream_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:6001;
        check fall=2 rise=1 timeout=1500 interval=60;
        check_request_body ping;
        check_response_body pong;
    }
--- config
    location /get {
      healthcheck_get;
    }
--- request
    GET /get?stream=
--- response_body chomp
{"u1":{"type":"tcp","fall":2,"rise":1,"timeout":1500,"interval":60,"keepalive":1,"command":{"body":"ping","expected":{"body":"pong"}},"disabled":0,"off":0,"disabled_hosts":[],"excluded_hosts":[]}}

=== TEST 28: healthcheck http tcp (healthcheck_get)
A connect check has nothing to send: no command (the reference prints an empty one).
--- http_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:6001;
        check type=tcp fall=2 rise=1 timeout=1500 interval=60;
    }
--- config
    location /get {
      healthcheck_get;
    }
--- request
    GET /get
--- response_body chomp
{"u1":{"type":"tcp","fall":2,"rise":1,"timeout":1500,"interval":60,"keepalive":1,"disabled":0,"off":0,"disabled_hosts":[],"excluded_hosts":[]}}

=== TEST 29: healthcheck stream tcp (healthcheck_get?stream=)
--- stream_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:6001;
        check fall=2 rise=1 timeout=1500 interval=60;
    }
--- config
    location /get {
      healthcheck_get;
    }
--- request
    GET /get?stream=
--- response_body chomp
{"u1":{"type":"tcp","fall":2,"rise":1,"timeout":1500,"interval":60,"keepalive":1,"disabled":0,"off":0,"disabled_hosts":[],"excluded_hosts":[]}}

=== TEST 30: no healthcheck (healthcheck_get)
--- http_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:6001;
    }
--- config
    location /get {
      healthcheck_get;
    }
--- request
    GET /get?upstream=u1
--- error_code: 404
--- response_body chomp
not found

=== TEST 31: stream no healthcheck (healthcheck_get)
--- stream_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:6001;
    }
--- config
    location /get {
      healthcheck_get;
    }
--- request
    GET /get?upstream=u1&stream=
--- error_code: 404
--- response_body chomp
not found

=== TEST 32: healthcheck + no healthcheck (healthcheck_get)
--- http_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:6001;
    }
    upstream u2 {
        zone shm-u2 128k;
        server 127.0.0.1:6001;
        check type=tcp fall=2 rise=1 timeout=1500 interval=60;
    }
--- config
    location /get {
      healthcheck_get;
    }
--- request
    GET /get
--- response_body chomp
{"u2":{"type":"tcp","fall":2,"rise":1,"timeout":1500,"interval":60,"keepalive":1,"disabled":0,"off":0,"disabled_hosts":[],"excluded_hosts":[]}}

=== TEST 33: upstream not found (healthcheck_get)
--- http_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:6001;
    }
--- config
    location /get {
      healthcheck_get;
    }
--- request
    GET /get?upstream=notfound
--- error_code: 404
--- response_body chomp
not found

=== TEST 34: stream upstream not found (healthcheck_status)
--- stream_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:6001;
        check fall=2 rise=1 timeout=1500 interval=60;
    }
--- config
    location /status {
      healthcheck_status;
    }
--- request
    GET /status?upstream=notfound&stream=
--- error_code: 404
--- response_body chomp
not found

=== TEST 35: healthcheck status http (healthcheck_status)
t/status.t TEST 1; the counters grow with every check, so only `down` is matched.
--- http_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:$TEST_NGINX_RAND_PORT_1;
        server 127.0.0.2:$TEST_NGINX_RAND_PORT_2;
        server 127.0.0.3:$TEST_NGINX_RAND_PORT_3 backup;
        server 127.0.0.4:$TEST_NGINX_RAND_PORT_4 backup;
        server 127.0.0.5:$TEST_NGINX_RAND_PORT_5;
        server 127.0.0.6:$TEST_NGINX_RAND_PORT_6 backup;
        check type=http fall=2 rise=1 timeout=1500 interval=1;
        check_request_uri GET /heartbeat;
        check_request_headers aaa=333 bbb=444;
        check_request_body hello;
        check_response_codes 200 201 204;
        check_response_body (primary|backup)\n333\n444\nhello\n;
    }
    server {
      listen $TEST_NGINX_RAND_PORT_1;
      listen $TEST_NGINX_RAND_PORT_2;
      location /heartbeat {
        content_by_lua_block {
          ngx.req.read_body()
          ngx.say("primary")
          ngx.say(ngx.var.http_aaa)
          ngx.say(ngx.var.http_bbb)
          ngx.say(ngx.req.get_body_data())
        }
      }
    }
    server {
      listen $TEST_NGINX_RAND_PORT_3;
      listen $TEST_NGINX_RAND_PORT_4;
      location /heartbeat {
        content_by_lua_block {
          ngx.req.read_body()
          ngx.say("backup")
          ngx.say(ngx.var.http_aaa)
          ngx.say(ngx.var.http_bbb)
          ngx.say(ngx.req.get_body_data())
        }
      }
    }
--- config
    location /status {
      healthcheck_status;
    }
--- request
    GET /status
--- eventually
--- response_headers
Content-Type: application/json
--- response_body_like
^\{"u1":\{"primary":\{"127\.0\.0\.1:$TEST_NGINX_RAND_PORT_1":\{"down":0,[^}]*\},"127\.0\.0\.2:$TEST_NGINX_RAND_PORT_2":\{"down":0,[^}]*\},"127\.0\.0\.5:$TEST_NGINX_RAND_PORT_5":\{"down":1,[^}]*\}\},"backup":\{"127\.0\.0\.3:$TEST_NGINX_RAND_PORT_3":\{"down":0,[^}]*\},"127\.0\.0\.4:$TEST_NGINX_RAND_PORT_4":\{"down":0,[^}]*\},"127\.0\.0\.6:$TEST_NGINX_RAND_PORT_6":\{"down":1,[^}]*\}\}\}\}$

=== TEST 36: healthcheck status stream (healthcheck_status?stream=)
t/status.t TEST 2 with connect checks (see the top).
--- http_config
    server {
      listen $TEST_NGINX_RAND_PORT_1;
      location / { return 200; }
    }
--- stream_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:$TEST_NGINX_RAND_PORT_1;
        server 127.0.0.5:$TEST_NGINX_RAND_PORT_5;
        check fall=2 rise=1 timeout=1500 interval=1;
    }
--- config
    location /status {
      healthcheck_status;
    }
--- request
    GET /status?stream=
--- eventually
--- response_body_like
^\{"u1":\{"primary":\{"127\.0\.0\.1:$TEST_NGINX_RAND_PORT_1":\{"down":0,"fall":0,"rise":[1-9]\d*,"fall_total":0,"rise_total":[1-9]\d*\},"127\.0\.0\.5:$TEST_NGINX_RAND_PORT_5":\{"down":1,"fall":[1-9]\d*,"rise":0,"fall_total":[1-9]\d*,"rise_total":0\}\},"backup":\{\}\}\}$

=== TEST 37: check on another port (healthcheck_status)
t/status.t TEST 5: an HTTP check of a stream upstream; the peer's own port refuses, the check's port= answers.
--- http_config
    server {
      listen $TEST_NGINX_RAND_PORT_1;
      location /heartbeat {
        content_by_lua_block {
          ngx.req.read_body()
          ngx.say(ngx.var.http_aaa)
          ngx.say(ngx.var.http_bbb)
          ngx.say(ngx.req.get_body_data())
        }
      }
    }
--- stream_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:$TEST_NGINX_RAND_PORT_2;
        check type=http fall=2 rise=1 timeout=1500 interval=1 port=$TEST_NGINX_RAND_PORT_1;
        check_request_uri GET /heartbeat;
        check_request_headers aaa=333 bbb=444;
        check_request_body hello;
        check_response_codes 200 201 204;
        check_response_body 333\n444\nhello\n;
    }
--- config
    location /status {
      healthcheck_status;
    }
--- request
    GET /status?upstream=u1&stream=
--- eventually
--- response_body_like
^\{"primary":\{"127\.0\.0\.1:$TEST_NGINX_RAND_PORT_2":\{"down":0,

=== TEST 38: healthcheck http update (healthcheck_update)
t/update.t TEST 1: get, update, get.
--- http_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:6001;
        check type=http fall=2 rise=1 timeout=1500 interval=60;
        check_request_uri GET /heartbeat;
        check_request_headers aaa=333 bbb=444;
        check_request_body hello;
        check_response_codes 200 201;
        check_response_body .*;
    }
--- config
    location /get {
      healthcheck_get;
    }
    location /update {
      healthcheck_update;
    }
--- requests
    GET /get?upstream=u1
    GET /update?upstream=u1&fall=100&rise=200&timeout=4000&interval=1&request_uri=/ping&request_method=POST&request_headers=a:1|b:2&request_body=ping&response_codes=400|500&response_body=pong
    GET /get?upstream=u1
--- response_body chomp
{"type":"http","fall":2,"rise":1,"timeout":1500,"interval":60,"keepalive":1,"command":{"uri":"/heartbeat","method":"GET","headers":{"aaa":"333","bbb":"444"},"body":"hello","expected":{"body":".*","codes":[200,201]}},"disabled":0,"off":0,"disabled_hosts":[],"excluded_hosts":[]}updated{"type":"http","fall":100,"rise":200,"timeout":4000,"interval":1,"keepalive":1,"command":{"uri":"/ping","method":"POST","headers":{"a":"1","b":"2"},"body":"ping","expected":{"body":"pong","codes":[400,500]}},"disabled":0,"off":0,"disabled_hosts":[],"excluded_hosts":[]}

=== TEST 39: healthcheck stream update (healthcheck_update?stream=)
t/update.t TEST 2 from a connect check (see the top): the send/expect command appears once set.
--- stream_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:6001;
        check fall=2 rise=1 timeout=1500 interval=60;
    }
--- config
    location /get {
      healthcheck_get;
    }
    location /update {
      healthcheck_update;
    }
--- requests
    GET /update?stream=&upstream=u1&fall=100&rise=200&timeout=4000&interval=1&request_body=ping&response_body=pong
    GET /get?stream=&upstream=u1
--- response_body chomp
updated{"type":"tcp","fall":100,"rise":200,"timeout":4000,"interval":1,"keepalive":1,"command":{"body":"ping","expected":{"body":"pong"}},"disabled":0,"off":0,"disabled_hosts":[],"excluded_hosts":[]}

=== TEST 40: healthcheck http disable/enable hosts (healthcheck_update)
t/disable_host.t TEST 1 (its status part prints a field the reference's status does not have: always 0).
Enabling a host that is not disabled changes nothing: 304.
--- http_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:6001;
        server 127.0.0.2:6002 backup;
        check type=http fall=2 rise=1 timeout=1500 interval=60;
        check_request_uri GET /heartbeat;
    }
--- config
    location /get {
      healthcheck_get;
    }
    location /update {
      healthcheck_update;
    }
--- requests
    GET /update?upstream=u1&disable_host=127.0.0.1:6001
    GET /update?upstream=u1&disable_host=127.0.0.2:6002
    GET /get?upstream=u1
    GET /update?upstream=u1&enable_host=127.0.0.1:6001
    GET /update?upstream=u1&enable_host=127.0.0.2:6002
    GET /get?upstream=u1
    GET /update?upstream=u1&enable_host=127.0.0.2:6002
--- error_code: 304
--- response_body chomp
updatedupdated{"type":"http","fall":2,"rise":1,"timeout":1500,"interval":60,"keepalive":1,"command":{"uri":"/heartbeat","method":"GET","headers":{},"expected":{"codes":[]}},"disabled":0,"off":0,"disabled_hosts":["127.0.0.1:6001","127.0.0.2:6002"],"excluded_hosts":[]}updatedupdated{"type":"http","fall":2,"rise":1,"timeout":1500,"interval":60,"keepalive":1,"command":{"uri":"/heartbeat","method":"GET","headers":{},"expected":{"codes":[]}},"disabled":0,"off":0,"disabled_hosts":[],"excluded_hosts":[]}

=== TEST 41: healthcheck http disable/enable a host in all upstreams (healthcheck_update)
t/disable_host.t TEST 2: no upstream= is every upstream of the kind.
--- http_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:6001;
        check type=tcp interval=60;
    }
    upstream u2 {
        zone shm-u2 128k;
        server 127.0.0.1:6001;
        check type=tcp interval=60;
    }
--- config
    location /get {
      healthcheck_get;
    }
    location /update {
      healthcheck_update;
    }
--- requests
    GET /update?disable_host=127.0.0.1:6001
    GET /get
    GET /update?enable_host=127.0.0.1:6001
    GET /get
--- response_body chomp
updated{"u1":{"type":"tcp","fall":1,"rise":1,"timeout":1000,"interval":60,"keepalive":1,"disabled":0,"off":0,"disabled_hosts":["127.0.0.1:6001"],"excluded_hosts":[]},"u2":{"type":"tcp","fall":1,"rise":1,"timeout":1000,"interval":60,"keepalive":1,"disabled":0,"off":0,"disabled_hosts":["127.0.0.1:6001"],"excluded_hosts":[]}}updated{"u1":{"type":"tcp","fall":1,"rise":1,"timeout":1000,"interval":60,"keepalive":1,"disabled":0,"off":0,"disabled_hosts":[],"excluded_hosts":[]},"u2":{"type":"tcp","fall":1,"rise":1,"timeout":1000,"interval":60,"keepalive":1,"disabled":0,"off":0,"disabled_hosts":[],"excluded_hosts":[]}}

=== TEST 42: healthcheck stream disable/enable upstream (healthcheck_update?stream=)
t/disable_host.t TEST 6.
--- stream_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:6001;
        check interval=60;
    }
    upstream u2 {
        zone shm-u2 128k;
        server 127.0.0.1:6001;
        check interval=60;
    }
--- config
    location /get {
      healthcheck_get;
    }
    location /update {
      healthcheck_update;
    }
--- requests
    GET /update?stream=&upstream=u1&disable=1
    GET /update?stream=&upstream=u2&disable=1
    GET /get?stream=&upstream=u2
    GET /update?stream=&upstream=u1&disable=0
    GET /update?stream=&upstream=u2&disable=0
    GET /get?stream=&upstream=u2
--- response_body chomp
updatedupdated{"type":"tcp","fall":1,"rise":1,"timeout":1000,"interval":60,"keepalive":1,"disabled":1,"off":0,"disabled_hosts":[],"excluded_hosts":[]}updatedupdated{"type":"tcp","fall":1,"rise":1,"timeout":1000,"interval":60,"keepalive":1,"disabled":0,"off":0,"disabled_hosts":[],"excluded_hosts":[]}

=== TEST 43: healthcheck_update refuses a bad value naming the argument, and changes nothing
dynup: the reference stores atoi() of anything (fall=abc is 0, raised to 1) and aborts on request_headers
without a colon; here each is 400 with the argument and what it takes.
--- http_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:6001;
        check type=http interval=60;
    }
--- config
    location /get {
      healthcheck_get;
    }
    location /update {
      healthcheck_update;
    }
--- requests
    GET /update?upstream=u1&fall=abc
    GET /update?upstream=u1&rise=2&response_codes=200|99
    GET /update?upstream=u1&request_headers=a1
    GET /update?upstream=u1&request_uri=ping
    GET /update?upstream=u1&interval=0
    GET /update?upstream=u1&disable=2
    GET /update?upstream=u1&type=ssh
    GET /get?upstream=u1
--- response_body chomp
fall: "abc" (expected: an integer 1..1000)response_codes: "99" (expected: statuses 100..599)request_headers: "a1" (expected: name:value pairs separated by |)request_uri: "ping" (expected: a path starting with /, without spaces)interval: "0" (expected: seconds 0.001..86400, or a time such as "500ms" or "2s")disable: "2" (expected: true, false, 1 or 0)type: "ssh" (expected: tcp, http or ssl){"type":"http","fall":1,"rise":1,"timeout":1000,"interval":60,"keepalive":1,"command":{"uri":"/","method":"GET","headers":{},"expected":{"codes":[]}},"disabled":0,"off":0,"disabled_hosts":[],"excluded_hosts":[]}

=== TEST 44: healthcheck_update: 400 without upstream or anything to do, 404 for an unknown upstream, 304 unchanged
dynup: the reference answers 304 for an unknown upstream and 200 "updated" for nothing at all.
--- http_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:6001;
        check type=tcp fall=2 interval=60;
    }
--- config
    location /update {
      healthcheck_update;
    }
--- requests
    GET /update?fall=3
    GET /update?upstream=u1
    GET /update?upstream=nosuch&fall=3
    GET /update?upstream=u1&fall=2
--- error_code: 304
--- response_body chomp
upstream requirednothing to update (expected: type, fall, rise, timeout, interval, keepalive, port, off, disable, request_uri, request_method, request_headers, request_body, response_codes, response_body, disable_host or enable_host)upstream not found

=== TEST 45: healthcheck_update takes GET only
--- http_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:6001;
        check type=tcp interval=60;
    }
--- config
    location /update {
      healthcheck_update;
    }
--- request
    POST /update?upstream=u1&fall=3
--- error_code: 405

=== TEST 46: allow and deny apply to the health check handlers
--- http_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:6001;
        check type=tcp interval=60;
    }
--- config
    location /update {
      deny all;
      healthcheck_update;
    }
--- request
    GET /update?upstream=u1&fall=3
--- error_code: 403

=== TEST 47: a disabled peer is " disabled" in the query API and "down" in the JSON API, its down flag kept
--- http_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:6001;
        server 127.0.0.1:6002;
        check type=tcp interval=60;
    }
--- config
    location /update {
      healthcheck_update;
    }
    location /dynamic {
      dynamic_upstream;
    }
    location /api/ {
      upstream_api;
    }
--- requests
    GET /update?upstream=u1&disable_host=127.0.0.1:6002
    GET /dynamic?upstream=u1&verbose=
    GET /api/9/http/upstreams/u1/servers
--- response_body_like
^updatedserver 127\.0\.0\.1:6001 addr=127\.0\.0\.1:6001 weight=1 max_fails=1 fail_timeout=10 max_conns=0 conns=0( checking)?;
server 127\.0\.0\.1:6002 addr=127\.0\.0\.1:6002 weight=1 max_fails=1 fail_timeout=10 max_conns=0 conns=0 disabled;
\[\{"id":0,[^\]]*"down":false\},\{"id":1,"server":"127\.0\.0\.1:6002",[^\]]*"down":false\}\]$

=== TEST 48: the JSON API's state of a disabled peer is "down"
--- http_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:6001;
        server 127.0.0.1:6002;
        check type=tcp interval=60;
    }
--- config
    location /update {
      healthcheck_update;
    }
    location /api/ {
      upstream_api;
    }
--- requests
    GET /update?upstream=u1&disable=1
    GET /api/9/http/upstreams/u1
--- response_body_like
^updated\{"peers":\[\{"id":0,"server":"127\.0\.0\.1:6001","name":"127\.0\.0\.1:6001","backup":false,"weight":1,"state":"down",.*"id":1,.*"state":"down",

=== TEST 49: the JSON API's health_check: GET the check
--- http_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:6001;
        check type=http fall=2 interval=60;
        check_request_uri GET /health;
        check_response_codes 200;
    }
    upstream u2 {
        zone shm-u2 128k;
        server 127.0.0.1:6001;
    }
--- config
    location /api/ {
      upstream_api;
    }
--- requests
    GET /api/9/http/upstreams/u2/health_check
    GET /api/9/http/upstreams/u1/health_check
--- response_headers
Content-Type: application/json
--- response_body_like
^\{"error":\{"status":404,"text":"upstream \\"u2\\" has no health check","code":"HealthCheckNotFound"\}.*\}\{"type":"http","fall":2,"rise":1,"timeout":1000,"interval":60,"keepalive":1,"command":\{"uri":"/health","method":"GET","headers":\{\},"expected":\{"codes":\[200\]\}\},"disabled":0,"off":0,"disabled_hosts":\[\],"excluded_hosts":\[\]\}$

=== TEST 50: the JSON API's health_check: PATCH changes the keys given
--- http_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:6001;
        check type=http fall=2 interval=60;
    }
--- config
    location /api/ {
      upstream_api write=on;
    }
--- request
PATCH /api/9/http/upstreams/u1/health_check

{"fall":3,"interval":"500ms","command":{"uri":"/ping","expected":{"codes":[200,204]}},"disabled_hosts":["127.0.0.1:6001"]}
--- response_body chomp
{"type":"http","fall":3,"rise":1,"timeout":1000,"interval":0.5,"keepalive":1,"command":{"uri":"/ping","method":"GET","headers":{},"expected":{"codes":[200,204]}},"disabled":0,"off":0,"disabled_hosts":["127.0.0.1:6001"],"excluded_hosts":[]}

=== TEST 51: the JSON API's health_check: a bad field is UpstreamConfFormatError naming it
--- http_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:6001;
        check type=http fall=2 interval=60;
    }
--- config
    location /api/ {
      upstream_api write=on;
    }
--- request
PATCH /api/9/http/upstreams/u1/health_check

{"fall":3,"command":{"uri":"/ping","expectd":{}}}
--- error_code: 400
--- response_body_like
^\{"error":\{"status":400,"text":"unknown parameter \\"command\.expectd\\" \(expected: uri, method, headers, body, expected\)","code":"UpstreamConfFormatError"\}

=== TEST 52: the JSON API's health_check: PATCH only with write=on
--- http_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:6001;
        check type=http fall=2 interval=60;
    }
--- config
    location /api/ {
      upstream_api;
    }
--- request
PATCH /api/9/http/upstreams/u1/health_check

{"fall":3}
--- error_code: 405
--- response_body_like
"code":"MethodDisabled"

=== TEST 53: Lua: wrong counts answer nil and the rule, wrong types and empty names raise, bad values are refused
dynup: update refuses bad values and unknown keys with the key and what it takes (the reference stores atoi()
of anything and ignores unknown keys); disable(u, 0) enables (the reference takes any Lua value as a boolean,
so 0 disabled); disable and disable_host of what is already so answer true (the reference answers nil,
"upstream not found").
--- http_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:6001;
        check type=http interval=60;
    }
--- config
    location /test {
        content_by_lua_block {
            local hc = require "ngx.healthcheck"
            ngx.say(select(2, hc.get("u1", "x")))
            ngx.say(select(2, hc.status("u1", "x")))
            ngx.say(select(2, hc.update("u1")))
            ngx.say(select(2, hc.update("u1", {fall = 0})))
            ngx.say(select(2, hc.update("u1", {fall = 2, command = {uri = "x"}})))
            ngx.say(select(2, hc.update("u1", {falls = 1})))
            ngx.say(select(2, hc.update("u1", {command = {expected = {codes = {200, "abc"}}}})))
            ngx.say(select(2, hc.update("u1", {command = {headers = {a = function() end}}})))
            ngx.say(select(2, hc.update("nosuch", {fall = 2})))
            ngx.say(select(2, hc.disable("u1")))
            ngx.say(select(2, hc.disable("u1", 2)))
            ngx.say(select(2, hc.disable("nosuch", true)))
            ngx.say(select(2, hc.disable_host("h")))
            ngx.say(select(2, hc.disable_host("h", true, "nosuch")))
            ngx.say(select(2, pcall(hc.get, "")))
            ngx.say(select(2, pcall(hc.get, {})))
            ngx.say(select(2, pcall(hc.update, "u1", 1)))
            ngx.say(select(2, pcall(hc.disable_host, "", true)))
            ngx.say(hc.get("u1").fall, " ", hc.get("u1").command.uri)
            ngx.say(hc.update("u1", {fall = "5", timeout = "2s", interval = 0.5}))
            local c = hc.get("u1")
            ngx.say(c.fall, " ", c.timeout, " ", c.interval)
            ngx.say(hc.disable("u1", 1), " ", hc.get("u1").disabled)
            ngx.say(hc.disable("u1", 1), " ", hc.get("u1").disabled)
            ngx.say(hc.disable("u1", 0), " ", hc.get("u1").disabled)
            ngx.say(hc.disable_host("10.0.0.1:80", "0", "u1"), " ", #hc.get("u1").disabled_hosts)
            ngx.say(require "ngx.dynamic_upstream.healthcheck" == hc,
                    " ", require "ngx.dynamic_upstream.healthcheck.stream" == require "ngx.healthcheck.stream")
        }
    }
--- request
    GET /test
--- response_body
1 or 0 arguments expected
1 or 0 arguments expected
2 arguments expected
fall: 0 (expected: an integer 1..1000)
command.uri: "x" (expected: a path starting with /, without spaces)
unknown parameter "falls" (expected: type, fall, rise, timeout, interval, keepalive, port, command, disabled, off, disabled_hosts, excluded_hosts)
command.expected.codes: "abc" (expected: statuses 100..599)
command.headers.a: a function (expected: a number, a string, a boolean or a table)
upstream not found
2 arguments expected
disabled: 2 (expected: true, false, 1 or 0)
upstream not found
2 or 3 arguments expected
upstream not found
non empty upstream required
bad argument #1 to 'get' (string expected, got table)
table expected on 2nd argument
non empty host required
1 /
true
5 2000 0.5
true 1
true 1
true 0
true 0
true true

=== TEST 54: a disabled host gets no traffic; enabled, it gets its share again
--- http_config
    upstream u1 {
        zone shm-u1 128k;
        server 127.0.0.1:$TEST_NGINX_RAND_PORT_1;
        server 127.0.0.1:$TEST_NGINX_RAND_PORT_2;
        check type=tcp interval=60 initial=up;
    }
    server {
      listen 127.0.0.1:$TEST_NGINX_RAND_PORT_1;
      location / { return 200 "A"; }
    }
    server {
      listen 127.0.0.1:$TEST_NGINX_RAND_PORT_2;
      location / { return 200 "B"; }
    }
--- config
    location /p {
      proxy_pass http://u1;
    }
    location /update {
      healthcheck_update;
    }
--- requests
    GET /update?upstream=u1&disable_host=127.0.0.1:$TEST_NGINX_RAND_PORT_2
    GET /p
    GET /p
    GET /p
    GET /p
    GET /update?upstream=u1&enable_host=127.0.0.1:$TEST_NGINX_RAND_PORT_2
    GET /p
    GET /p
--- response_body_like
^updatedAAAAupdated(AB|BA)$

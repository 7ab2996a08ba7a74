# The ngx API of the Lua request layer, as OpenResty (lua-nginx-module 0.10.x) behaves.
# Format: see server/src/test/java/io/dynup/lua/ConformanceBlock.java.

=== TEST 1: ngx.say writes a line
--- config
location /t {
    content_by_lua_block {
        ngx.say("hello")
    }
}
--- request
GET /t
--- response_body
hello
--- no_error_log
[error]

=== TEST 2: ngx.print flattens array tables, booleans and nil
--- config
location /t {
    content_by_lua_block {
        ngx.print({"a", {"b", 1}}, true, nil, ngx.null, "\n")
    }
}
--- request
GET /t
--- response_body
ab1truenilnull

=== TEST 3: ngx.say returns 1
--- config
location /t {
    content_by_lua_block {
        local ok = ngx.say("x")
        ngx.say(ok)
    }
}
--- request
GET /t
--- response_body
x
1

=== TEST 4: ngx.print of a non-array table is an error
--- config
location /t {
    content_by_lua_block {
        ngx.print({a = 1})
    }
}
--- request
GET /t
--- error_code: 500
--- error_log
bad argument #1 to 'print' (non-array table found)

=== TEST 5: ngx.status set before the output is the response status
--- config
location /t {
    content_by_lua_block {
        ngx.status = 201
        ngx.say("created")
    }
}
--- request
GET /t
--- response_body
created
--- error_code: 201

=== TEST 6: ngx.status after the head is sent logs an error and changes nothing
--- config
location /t {
    content_by_lua_block {
        ngx.say("a")
        ngx.status = 404
        ngx.say(ngx.status)
    }
}
--- request
GET /t
--- response_body
a
200
--- error_log
attempt to set ngx.status after sending out response headers

=== TEST 7: ngx.exit with an error status answers nginx's page for it
--- config
location /t {
    content_by_lua_block {
        ngx.exit(404)
    }
}
--- request
GET /t
--- error_code: 404
--- response_body_like
404 Not Found

=== TEST 8: ngx.exit after output ends the body, the rest does not run
--- config
location /t {
    content_by_lua_block {
        ngx.say("a")
        ngx.exit(ngx.HTTP_OK)
        ngx.say("b")
    }
}
--- request
GET /t
--- response_body
a

=== TEST 9: ngx.exit(ngx.OK) without output answers 200 with an empty body
--- config
location /t {
    content_by_lua_block {
        ngx.exit(ngx.OK)
    }
}
--- request
GET /t
--- response_body chomp
--- error_code: 200

=== TEST 10: a HEAD request gets the head of Lua's response and no body
--- config
location /t {
    content_by_lua_block {
        ngx.header["X-Method"] = ngx.req.get_method()
        ngx.say("body not sent")
    }
}
--- request
HEAD /t
--- response_headers
X-Method: HEAD
--- response_body chomp

=== TEST 11: ngx.exit(204) answers without a body
--- config
location /t {
    content_by_lua_block {
        ngx.exit(ngx.HTTP_NO_CONTENT)
    }
}
--- request
GET /t
--- error_code: 204
--- response_body chomp

=== TEST 12: ngx.exit with a redirect status sends the Location set in ngx.header
--- config
location /t {
    content_by_lua_block {
        ngx.header["Location"] = "http://example.com/elsewhere"
        ngx.exit(ngx.HTTP_MOVED_TEMPORARILY)
    }
}
--- request
GET /t
--- error_code: 302
--- response_headers
Location: http://example.com/elsewhere

=== TEST 13: ngx.exit(ngx.ERROR) closes the connection without a response
--- config
location /t {
    content_by_lua_block {
        ngx.exit(ngx.ERROR)
    }
}
--- request
GET /t
--- abort

=== TEST 14: numbers are written as Lua formats them (%.14g)
--- config
location /t {
    content_by_lua_block {
        ngx.say(3.14, " ", 0.1 + 0.2, " ", 1e20, " ", 2^53, " ", -0.5, " ", 10 / 2)
    }
}
--- request
GET /t
--- response_body
3.14 0.3 1e+20 9.007199254741e+15 -0.5 5

=== TEST 15: a runtime error is a 500 and the error with its traceback in the log
--- config
location /t {
    content_by_lua_block {
        error("boom")
    }
}
--- request
GET /t
--- error_code: 500
--- response_body_like
500 Internal Server Error
--- error_log
lua entry thread aborted: runtime error: content_by_lua(nginx.conf:
:2: boom
stack traceback:

=== TEST 16: calling an undefined global is a runtime error (the Synopsis' say)
--- config
location /t {
    content_by_lua_block {
        say("Failed to add peer")
    }
}
--- request
GET /t
--- error_code: 500
--- error_log
attempt to call global 'say' (a nil value)

=== TEST 17: an error after the head was sent cuts the response
--- config
location /t {
    content_by_lua_block {
        ngx.say("partial")
        ngx.flush(true)
        error("late")
    }
}
--- request
GET /t
--- abort
--- error_log
:4: late

=== TEST 18: unsupported ngx functions raise an error naming them
--- dynup_only
--- config
location /t {
    content_by_lua_block {
        local ok, err = pcall(function() return ngx.location.capture("/x") end)
        ngx.say(ok, " ", err)
    }
}
--- request
GET /t
--- response_body_like
^false .*ngx\.location is not supported by dynup

=== TEST 19: ngx.var reads request variables
--- config
location /t {
    content_by_lua_block {
        ngx.say(ngx.var.uri, " ", ngx.var.arg_a, " ", ngx.var.request_method, " ", ngx.var.args)
    }
}
--- request
GET /t?a=1&b=2
--- response_body
/t 1 GET a=1&b=2

=== TEST 20: ngx.var of a missing argument or an unknown variable is nil
--- config
location /t {
    content_by_lua_block {
        ngx.say(ngx.var.arg_missing, " ", ngx.var.no_such_variable)
    }
}
--- request
GET /t?a=1
--- response_body
nil nil

=== TEST 21: ngx.var reads request headers as $http_NAME
--- config
location /t {
    content_by_lua_block {
        ngx.say(ngx.var.http_x_test, " ", ngx.var.http_user_agent)
    }
}
--- request
GET /t
--- more_headers
X-Test: one
User-Agent: conformance
--- response_body
one conformance

=== TEST 22: ngx.var reads regex captures
--- config
location ~ ^/cap/(\w+)/(\d+)$ {
    content_by_lua_block {
        ngx.say(ngx.var[1], " ", ngx.var[2])
    }
}
--- request
GET /cap/abc/42
--- response_body
abc 42

=== TEST 23: writing a variable nobody declared is an error
--- config
location /t {
    content_by_lua_block {
        ngx.var.undeclared_thing = "x"
    }
}
--- request
GET /t
--- error_code: 500
--- error_log
variable "undeclared_thing" not found for writing

=== TEST 24: rewrite_by_lua writes a variable declared by set, content reads it
--- config
location /t {
    set $target '';
    rewrite_by_lua_block {
        ngx.var.target = "from rewrite"
    }
    content_by_lua_block {
        ngx.say(ngx.var.target)
    }
}
--- request
GET /t
--- response_body
from rewrite

=== TEST 25: ngx.ctx carries data from access to content and log, per request
--- config
location /t {
    access_by_lua_block {
        ngx.ctx.user = ngx.var.arg_user
    }
    content_by_lua_block {
        ngx.ctx.count = (ngx.ctx.count or 0) + 1
        ngx.say(ngx.ctx.user, " ", ngx.ctx.count)
    }
    log_by_lua_block {
        ngx.log(ngx.ERR, "ctx in log: ", ngx.ctx.user)
    }
}
--- request
GET /t?user=bob
--- response_body
bob 1
--- error_log
ctx in log: bob

=== TEST 26: ngx.ctx can be replaced by a table
--- config
location /t {
    rewrite_by_lua_block {
        ngx.ctx = {from = "rewrite"}
    }
    content_by_lua_block {
        ngx.say(ngx.ctx.from)
    }
}
--- request
GET /t
--- response_body
rewrite

=== TEST 27: ngx.req.get_method
--- config
location /t {
    content_by_lua_block {
        ngx.say(ngx.req.get_method())
    }
}
--- request
DELETE /t
--- response_body
DELETE

=== TEST 28: ngx.req.get_uri_args: repeated keys give a table, bare keys true, empty values ""
--- config
location /t {
    content_by_lua_block {
        local args = ngx.req.get_uri_args()
        ngx.say(type(args.a), " ", args.a[1], " ", args.a[2])
        ngx.say(args.b, " ", tostring(args.c), " [", args.d, "]")
    }
}
--- request
GET /t?a=1&b=2&a=3&c&d=
--- response_body
table 1 3
2 true []

=== TEST 29: ngx.req.get_uri_args unescapes keys and values, + as a space
--- config
location /t {
    content_by_lua_block {
        local args = ngx.req.get_uri_args()
        ngx.say(args.k, "|", args.p, "|", args["a b"])
    }
}
--- request
GET /t?k=hello%20world&p=a+b&a%20b=c
--- response_body
hello world|a b|c

=== TEST 30: ngx.req.get_uri_args(max_args) stops there and says "truncated"
--- config
location /t {
    content_by_lua_block {
        local args, err = ngx.req.get_uri_args(2)
        local n = 0
        for _ in pairs(args) do n = n + 1 end
        ngx.say(n, " ", err)
    }
}
--- request
GET /t?a=1&b=2&c=3
--- response_body
2 truncated

=== TEST 31: ngx.req.get_uri_args without a query is an empty table
--- config
location /t {
    content_by_lua_block {
        ngx.say(next(ngx.req.get_uri_args()) == nil)
    }
}
--- request
GET /t
--- response_body
true

=== TEST 32: ngx.req.get_headers: lower-case keys, repeated headers give a table, lookups normalised
--- config
location /t {
    content_by_lua_block {
        local h = ngx.req.get_headers()
        local foo = h["x-foo"]
        ngx.say(type(foo), " ", foo[1], " ", foo[2])
        ngx.say(h["x-bar"], " ", h["X-Bar"], " ", h.x_bar, " ", h.host)
    }
}
--- request
GET /t
--- more_headers
X-Foo: a
X-Foo: b
X-Bar: c
--- response_body
table a b
c c c localhost

=== TEST 33: ngx.req.read_body then get_body_data
--- config
location /t {
    content_by_lua_block {
        ngx.req.read_body()
        ngx.say(ngx.req.get_body_data())
    }
}
--- request
POST /t

hello body
--- response_body
hello body

=== TEST 34: get_body_data without read_body is nil
--- config
location /t {
    content_by_lua_block {
        ngx.say(ngx.req.get_body_data())
    }
}
--- request
POST /t

ignored
--- response_body
nil

=== TEST 35: a body above client_max_body_size is refused before Lua runs
--- config
client_max_body_size 4;
location /t {
    content_by_lua_block {
        ngx.req.read_body()
        ngx.say(ngx.req.get_body_data())
    }
}
--- request
POST /t

too large
--- error_code: 413

=== TEST 36: ngx.header sets response headers, reads them back case-insensitively
--- config
location /t {
    content_by_lua_block {
        ngx.header["X-Test"] = "v1"
        ngx.header.x_other = 42
        ngx.say(ngx.header["x-test"], " ", ngx.header.X_Other)
    }
}
--- request
GET /t
--- response_headers
X-Test: v1
X-Other: 42
--- response_body
v1 42

=== TEST 37: ngx.header.content_type replaces default_type
--- config
location /t {
    default_type text/html;
    content_by_lua_block {
        ngx.header.content_type = "application/json"
        ngx.say("{}")
    }
}
--- request
GET /t
--- response_headers
Content-Type: application/json
--- response_body
{}

=== TEST 38: without ngx.header.content_type the location's default_type is sent
--- config
location /t {
    default_type application/x-conformance;
    content_by_lua_block {
        ngx.say("typed")
    }
}
--- request
GET /t
--- response_headers
Content-Type: application/x-conformance

=== TEST 39: a table value gives a repeated header; nil removes a header
--- config
location /t {
    content_by_lua_block {
        ngx.header["Set-Cookie"] = {"a=1", "b=2"}
        ngx.header["X-Gone"] = "x"
        ngx.header["X-Gone"] = nil
        local c = ngx.header.set_cookie
        ngx.say(type(c), " ", c[1], " ", c[2], " ", ngx.header["X-Gone"])
    }
}
--- request
GET /t
--- response_headers
!X-Gone
--- response_body
table a=1 b=2 nil

=== TEST 40: setting ngx.header after the head was sent logs an error
--- config
location /t {
    content_by_lua_block {
        ngx.say("a")
        ngx.header["X-Late"] = "1"
        ngx.say("b")
    }
}
--- request
GET /t
--- response_headers
!X-Late
--- response_body
a
b
--- error_log
attempt to set ngx.header.HEADER after sending out response headers

=== TEST 41: ngx.flush and output after it
--- config
location /t {
    content_by_lua_block {
        ngx.say("a")
        local ok = ngx.flush(true)
        ngx.say(ok)
    }
}
--- request
GET /t
--- response_body
a
1

=== TEST 42: ngx.sleep suspends the request and resumes it
--- config
location /t {
    content_by_lua_block {
        ngx.say("before")
        ngx.sleep(0.01)
        ngx.say("after")
    }
}
--- request
GET /t
--- response_body
before
after

=== TEST 43: ngx.now, ngx.time and ngx.update_time
--- config
location /t {
    content_by_lua_block {
        ngx.update_time()
        local now, t = ngx.now(), ngx.time()
        ngx.say(type(now), " ", math.abs(t - now) <= 1, " ", t == math.floor(t))
    }
}
--- request
GET /t
--- response_body
number true true

=== TEST 44: ngx.HTTP_* status and method constants
--- config
location /t {
    content_by_lua_block {
        ngx.say(ngx.HTTP_OK, " ", ngx.HTTP_CREATED, " ", ngx.HTTP_MOVED_TEMPORARILY, " ", ngx.HTTP_BAD_REQUEST, " ",
                ngx.HTTP_FORBIDDEN, " ", ngx.HTTP_NOT_FOUND, " ", ngx.HTTP_INTERNAL_SERVER_ERROR, " ",
                ngx.HTTP_SERVICE_UNAVAILABLE, " ", ngx.HTTP_GET, " ", ngx.HTTP_POST)
    }
}
--- request
GET /t
--- response_body
200 201 302 400 403 404 500 503 2 8

=== TEST 45: ngx.OK, ngx.ERROR, ngx.AGAIN, ngx.DECLINED and the log levels
--- config
location /t {
    content_by_lua_block {
        ngx.say(ngx.OK, " ", ngx.ERROR, " ", ngx.AGAIN, " ", ngx.DECLINED)
        ngx.say(ngx.STDERR, ngx.EMERG, ngx.ALERT, ngx.CRIT, ngx.ERR, ngx.WARN, ngx.NOTICE, ngx.INFO, ngx.DEBUG)
    }
}
--- request
GET /t
--- response_body
0 -1 -2 -5
012345678

=== TEST 46: ngx.null is one light userdata
--- config
location /t {
    content_by_lua_block {
        ngx.say(type(ngx.null), " ", ngx.null == ngx.null, " ", tostring(ngx.null ~= nil))
    }
}
--- request
GET /t
--- response_body
userdata true true

=== TEST 47: ngx.log writes to the error log with the Lua source position
--- config
location /t {
    content_by_lua_block {
        ngx.log(ngx.ERR, "something ", "bad ", 42)
        ngx.say("logged")
    }
}
--- request
GET /t
--- response_body
logged
--- error_log
[lua]
something bad 42

=== TEST 48: ngx.worker.id, count, pid, exiting
--- config
location /t {
    content_by_lua_block {
        ngx.say(ngx.worker.id(), " ", ngx.worker.count(), " ", type(ngx.worker.pid()), " ", ngx.worker.exiting())
    }
}
--- request
GET /t
--- response_body
0 1 number false

=== TEST 49: ngx.timer.at runs the function later with premature=false and the extra arguments
--- config
location /t {
    content_by_lua_block {
        local ok, err = ngx.timer.at(0, function(premature, a, b)
            ngx.log(ngx.ERR, "timer fired ", a, " ", b, " premature=", tostring(premature))
        end, "x", 7)
        ngx.say(ok, " ", err)
    }
}
--- request
GET /t
--- response_body
1 nil
--- error_log
timer fired x 7 premature=false

=== TEST 50: ngx.timer.every fires repeatedly
--- config
location /t {
    content_by_lua_block {
        local n = 0
        local ok, err = ngx.timer.every(0.01, function(premature)
            n = n + 1
            if n == 3 then ngx.log(ngx.ERR, "every fired 3 times") end
        end)
        ngx.say(ok, " ", err)
    }
}
--- request
GET /t
--- response_body
1 nil
--- error_log
every fired 3 times

=== TEST 51: a timer may sleep, and an error in it is logged
--- config
location /t {
    content_by_lua_block {
        ngx.timer.at(0, function()
            ngx.sleep(0.01)
            error("timer failed")
        end)
        ngx.say("ok")
    }
}
--- request
GET /t
--- response_body
ok
--- error_log
timer failed

=== TEST 52: ngx.say in a timer is disabled
--- config
location /t {
    content_by_lua_block {
        ngx.timer.at(0, function()
            local ok, err = pcall(ngx.say, "x")
            ngx.log(ngx.ERR, "timer say: ", err)
        end)
        ngx.say("ok")
    }
}
--- request
GET /t
--- response_body
ok
--- error_log
API disabled in the context of ngx.timer

=== TEST 53: rewrite_by_lua, access_by_lua and content_by_lua run in that order
--- config
location /t {
    rewrite_by_lua_block {
        ngx.log(ngx.ERR, "phase rewrite")
    }
    access_by_lua_block {
        ngx.log(ngx.ERR, "phase access")
    }
    content_by_lua_block {
        ngx.say("content")
    }
}
--- request
GET /t
--- response_body
content
--- error_log
phase rewrite
phase access

=== TEST 54: access_by_lua denies with 403
--- config
location /t {
    access_by_lua_block {
        if ngx.var.arg_token ~= "secret" then
            ngx.exit(ngx.HTTP_FORBIDDEN)
        end
    }
    content_by_lua_block {
        ngx.say("welcome")
    }
}
--- request
GET /t?token=wrong
--- error_code: 403
--- response_body_like
403 Forbidden

=== TEST 55: access_by_lua lets the request through to content
--- config
location /t {
    access_by_lua_block {
        if ngx.var.arg_token ~= "secret" then
            ngx.exit(ngx.HTTP_FORBIDDEN)
        end
    }
    content_by_lua_block {
        ngx.say("welcome")
    }
}
--- request
GET /t?token=secret
--- response_body
welcome

=== TEST 56: ngx.exit(ngx.OK) in access_by_lua goes on to content
--- config
location /t {
    access_by_lua_block {
        ngx.exit(ngx.OK)
    }
    content_by_lua_block {
        ngx.say("content ran")
    }
}
--- request
GET /t
--- response_body
content ran

=== TEST 57: ngx.exit with a status in rewrite_by_lua ends the request
--- config
location /t {
    rewrite_by_lua_block {
        ngx.exit(ngx.HTTP_UNAUTHORIZED)
    }
    content_by_lua_block {
        ngx.say("not reached")
    }
}
--- request
GET /t
--- error_code: 401

=== TEST 58: output from access_by_lua answers the request
--- config
location /t {
    access_by_lua_block {
        ngx.say("answered in access")
        ngx.exit(ngx.HTTP_OK)
    }
    content_by_lua_block {
        ngx.say("not reached")
    }
}
--- request
GET /t
--- response_body
answered in access

=== TEST 59: access_by_lua may sleep before the request goes on
--- config
location /t {
    access_by_lua_block {
        ngx.sleep(0.01)
    }
    content_by_lua_block {
        ngx.say("after access slept")
    }
}
--- request
GET /t
--- response_body
after access slept

=== TEST 60: a runtime error in access_by_lua is a 500
--- config
location /t {
    access_by_lua_block {
        local x = nil
        x.field = 1
    }
    content_by_lua_block {
        ngx.say("not reached")
    }
}
--- request
GET /t
--- error_code: 500
--- error_log
attempt to index local 'x' (a nil value)

=== TEST 61: access_by_lua at server level is inherited by locations
--- config
access_by_lua_block {
    ngx.exit(ngx.HTTP_FORBIDDEN)
}
location /t {
    content_by_lua_block {
        ngx.say("not reached")
    }
}
--- request
GET /t
--- error_code: 403

=== TEST 62: log_by_lua runs after the response, with the request's variables and status
--- config
location /t {
    content_by_lua_block {
        ngx.status = 202
        ngx.say("done")
    }
    log_by_lua_block {
        ngx.log(ngx.ERR, "log phase uri=", ngx.var.uri, " status=", ngx.status)
    }
}
--- request
GET /t
--- error_code: 202
--- response_body
done
--- error_log
log phase uri=/t status=202

=== TEST 63: ngx.sleep in log_by_lua is disabled, as in OpenResty
--- config
location /t {
    content_by_lua_block {
        ngx.say("ok")
    }
    log_by_lua_block {
        ngx.sleep(0.01)
    }
}
--- request
GET /t
--- response_body
ok
--- error_log
API disabled in the context of log_by_lua*

=== TEST 64: log_by_lua may start a timer
--- config
location /t {
    content_by_lua_block {
        ngx.say("ok")
    }
    log_by_lua_block {
        ngx.timer.at(0, function() ngx.log(ngx.ERR, "timer from log phase") end)
    }
}
--- request
GET /t
--- response_body
ok
--- error_log
timer from log phase

=== TEST 65: header_filter_by_lua changes the headers of a Lua response
--- config
location /t {
    content_by_lua_block {
        ngx.say("filtered")
    }
    header_filter_by_lua_block {
        ngx.header["X-Filter"] = "yes"
    }
}
--- request
GET /t
--- response_headers
X-Filter: yes
--- response_body
filtered

=== TEST 65a: header_filter_by_lua reads and changes the head of a proxied response
--- config
location /backend {
    content_by_lua_block {
        ngx.header["X-Upstream"] = "up"
        ngx.say("from backend")
    }
}
location /t {
    proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    header_filter_by_lua_block {
        ngx.header["X-Seen"] = ngx.header["X-Upstream"] .. " " .. ngx.status
        ngx.header["X-Upstream"] = nil
        ngx.status = 201
    }
}
--- request
GET /t
--- response_headers
X-Seen: up 200
!X-Upstream
--- response_body
from backend
--- error_code: 201
--- no_error_log
[error]

=== TEST 65b: header_filter_by_lua runs on the answer of return
--- config
location /t {
    return 200 "returned\n";
    header_filter_by_lua_block {
        ngx.header["X-Status"] = ngx.status
    }
}
--- request
GET /t
--- response_headers
X-Status: 200
--- response_body
returned
--- error_code: 200

=== TEST 65c: header_filter_by_lua runs on an error page and can change its status
--- config
location /t {
    return 404;
    header_filter_by_lua_block {
        ngx.header["X-Was"] = ngx.status
        ngx.status = 410
    }
}
--- request
GET /t
--- response_headers
X-Was: 404
--- error_code: 410

=== TEST 65d: header_filter_by_lua on a proxied response is the location's, not its upstream's
--- config
location /backend {
    return 200 "plain\n";
}
location /t {
    proxy_pass http://127.0.0.1:$TEST_NGINX_SERVER_PORT/backend;
    header_filter_by_lua_block {
        ngx.header["X-Content-Length"] = ngx.header["Content-Length"]
    }
}
--- request
GET /t
--- response_headers
X-Content-Length: 6
--- response_body
plain
--- error_code: 200

=== TEST 65e: ngx.sleep inside coroutine.wrap suspends the request, values still pass both ways
--- config
location /t {
    content_by_lua_block {
        local f = coroutine.wrap(function(a)
            ngx.sleep(0.001)
            local b = coroutine.yield(a + 1)
            ngx.sleep(0.001)
            return b * 2
        end)
        ngx.say(f(1))
        ngx.say(f(5))
    }
}
--- request
GET /t
--- response_body
2
10
--- no_error_log
[error]

=== TEST 65f: ngx.sleep and ngx.flush in nested coroutines, resumed with coroutine.resume
--- config
location /t {
    content_by_lua_block {
        local co = coroutine.create(function()
            local inner = coroutine.wrap(function()
                ngx.sleep(0.001)
                ngx.flush()
                return "inner"
            end)
            coroutine.yield(inner())
            ngx.sleep(0.001)
            return "done"
        end)
        ngx.say(coroutine.resume(co))
        ngx.say(coroutine.resume(co))
        ngx.say(coroutine.status(co))
        ngx.say(coroutine.resume(co))
    }
}
--- request
GET /t
--- response_body
trueinner
truedone
dead
falsecannot resume dead coroutine
--- no_error_log
[error]

=== TEST 65g: ngx.exit inside a coroutine ends the request
--- config
location /t {
    content_by_lua_block {
        coroutine.wrap(function()
            ngx.sleep(0.001)
            ngx.exit(201)
        end)()
        ngx.say("not reached")
    }
}
--- request
GET /t
--- response_body
--- error_code: 201

=== TEST 65h: an error in a coroutine after ngx.sleep reaches coroutine.resume
--- config
location /t {
    content_by_lua_block {
        local co = coroutine.create(function()
            ngx.sleep(0.001)
            error("boom", 0)
        end)
        ngx.say(coroutine.resume(co))
    }
}
--- request
GET /t
--- response_body
falseboom

=== TEST 65i: an error in a coroutine.wrap function after ngx.sleep aborts the request
--- config
location /t {
    content_by_lua_block {
        local f = coroutine.wrap(function()
            ngx.sleep(0.001)
            error("boom", 0)
        end)
        f()
        ngx.say("not reached")
    }
}
--- request
GET /t
--- error_code: 500
--- error_log
lua entry thread aborted: runtime error: boom

=== TEST 66: init_by_lua defines globals the handlers see
--- http_config
init_by_lua_block {
    greeting = "hi from init"
}
--- config
location /t {
    content_by_lua_block {
        ngx.say(greeting)
    }
}
--- request
GET /t
--- response_body
hi from init

=== TEST 67: a runtime error in init_by_lua refuses the configuration
--- http_config
init_by_lua_block {
    local t = nil
    t.x = 1
}
--- config
location /t {
    return 200;
}
--- must_die
--- error_log
init_by_lua error: init_by_lua(nginx.conf:
:3: attempt to index local 't' (a nil value)

=== TEST 68: init_worker_by_lua runs in every worker before requests
--- http_config
init_worker_by_lua_block {
    started_worker = ngx.worker.id()
}
--- config
location /t {
    content_by_lua_block {
        ngx.say("worker ", started_worker)
    }
}
--- request
GET /t
--- response_body
worker 0

=== TEST 69: lua_package_path puts its entries first and ;; stands for the default path
--- http_config
lua_package_path "/nonexistent/dynup/?.lua;;";
--- config
location /t {
    content_by_lua_block {
        local mine = "/nonexistent/dynup/?.lua;"
        ngx.say(package.path:find(mine, 1, true) == 1, " ", package.path:find("?.lua", #mine + 1, true) ~= nil)
    }
}
--- request
GET /t
--- response_body
true true

=== TEST 70: content_by_lua_file runs a file, and require finds modules on lua_package_path
--- http_config
lua_package_path "$TEST_NGINX_HTML_DIR/lib/?.lua;;";
--- user_files
>>> lib/greeter.lua
local _M = {}
function _M.greet(name) return "hello " .. name end
return _M
>>> handler.lua
local greeter = require "greeter"
ngx.say(greeter.greet(ngx.var.arg_name))
--- config
location /t {
    content_by_lua_file $TEST_NGINX_HTML_DIR/handler.lua;
}
--- request
GET /t?name=file
--- response_body
hello file

=== TEST 71: a runtime error in a Lua file names the file and line
--- user_files
>>> broken.lua
local x = 1
error("broken on purpose")
--- config
location /t {
    content_by_lua_file $TEST_NGINX_HTML_DIR/broken.lua;
}
--- request
GET /t
--- error_code: 500
--- error_log
broken.lua:2: broken on purpose

=== TEST 72: a syntax error in a Lua block refuses the configuration
# OpenResty 0.10.23 loads the configuration and answers 500 at the first request ("failed to load inlined Lua
# code"); dynup checks the syntax at load time, so a broken block never reaches traffic.
--- dynup_only
--- config
location /t {
    content_by_lua_block {
        local = 1
    }
}
--- must_die
--- error_log
content_by_lua(nginx.conf:
'<name>' expected near '='

=== TEST 73: lua_shared_dict below 8k is refused as OpenResty does
--- http_config
lua_shared_dict tiny 4k;
--- config
location /t {
    return 200;
}
--- must_die
--- error_log
invalid lua shared dict size "4k"

=== TEST 74: content_by_lua_block is not allowed in a server block
--- config
content_by_lua_block {
    ngx.say("x")
}
--- must_die
--- error_log
"content_by_lua_block" directive is not allowed here

=== TEST 75: init_by_lua_block is allowed only in http
--- config
location /t {
    init_by_lua_block {
        x = 1
    }
}
--- must_die
--- error_log
"init_by_lua_block" directive is not allowed here

=== TEST 76: lua_shared_dict takes exactly two arguments
--- http_config
lua_shared_dict dogs;
--- config
location /t {
    return 200;
}
--- must_die
--- error_log
invalid number of arguments in "lua_shared_dict" directive

=== TEST 77: lua_code_cache takes on or off
--- config
location /t {
    lua_code_cache maybe;
    content_by_lua_block {
        ngx.say("x")
    }
}
--- must_die
--- error_log
invalid value "maybe" in "lua_code_cache" directive, it must be "on" or "off"

=== TEST 78: the coroutine library works inside a request
--- config
location /t {
    content_by_lua_block {
        local co = coroutine.wrap(function(a)
            local b = coroutine.yield(a + 1)
            return b * 2
        end)
        ngx.say(co(1), " ", co(10))
    }
}
--- request
GET /t
--- response_body
2 20

=== TEST 79: the sandbox has no java
--- config
location /t {
    content_by_lua_block {
        ngx.say(type(java), " ", pcall(require, "java"))
    }
}
--- request
GET /t
--- response_body_like
^nil false

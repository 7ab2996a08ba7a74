# REFERENCE.md section 2, the HTTP query API of `dynamic_upstream;`, row by row (dynup column), on a real
# dynup (LuaConformanceTest runs every .t here). Error bodies have no trailing newline: `response_body chomp`.
# io.dynup.admin.DynamicUpstreamModuleTest checks the same rows without a server, and that a refused
# request changes nothing.

=== TEST 1: no arguments: the upstream is required
--- http_config
upstream backend {
    zone backend 64k;
    server 127.0.0.1:9090;
    server 127.0.0.1:9092 backup;
}
--- config
location /dynamic { dynamic_upstream; }
--- request
GET /dynamic
--- error_code: 400
--- response_headers
Content-Type: text/plain
--- response_body chomp
upstream required
--- no_error_log
[error]

=== TEST 2: an unknown upstream is not found
--- http_config
upstream backend {
    zone backend 64k;
    server 127.0.0.1:9090;
    server 127.0.0.1:9092 backup;
}
--- config
location /dynamic { dynamic_upstream; }
--- request
GET /dynamic?upstream=nosuch
--- error_code: 404
--- response_headers
Content-Type: text/plain
--- response_body chomp
upstream is not found
--- no_error_log
[error]

=== TEST 3: upstream= lists primaries then backups, text/plain
--- http_config
upstream backend {
    zone backend 64k;
    server 127.0.0.1:9090;
    server 127.0.0.1:9092 backup;
}
--- config
location /dynamic { dynamic_upstream; }
--- request
GET /dynamic?upstream=backend
--- error_code: 200
--- response_headers
Content-Type: text/plain
--- response_body
server 127.0.0.1:9090 addr=127.0.0.1:9090;
server 127.0.0.1:9092 addr=127.0.0.1:9092 backup;
--- no_error_log
[error]

=== TEST 4: verbose= adds the parameters and the open connections
--- http_config
upstream backend {
    zone backend 64k;
    server 127.0.0.1:9090;
    server 127.0.0.1:9092 backup;
}
--- config
location /dynamic { dynamic_upstream; }
--- request
GET /dynamic?upstream=backend&verbose=
--- error_code: 200
--- response_headers
Content-Type: text/plain
--- response_body
server 127.0.0.1:9090 addr=127.0.0.1:9090 weight=1 max_fails=1 fail_timeout=10 max_conns=0 conns=0;
server 127.0.0.1:9092 addr=127.0.0.1:9092 weight=1 max_fails=1 fail_timeout=10 max_conns=0 conns=0 backup;
--- no_error_log
[error]

=== TEST 5: stream= without stream upstreams: the module is not configured
--- http_config
upstream backend {
    zone backend 64k;
    server 127.0.0.1:9090;
    server 127.0.0.1:9092 backup;
}
--- config
location /dynamic { dynamic_upstream; }
--- request
GET /dynamic?upstream=backend&stream=
--- error_code: 400
--- response_headers
Content-Type: text/plain
--- response_body chomp
module is not configured
--- no_error_log
[error]

=== TEST 6: add= of an existing server changes nothing: 304, empty
--- http_config
upstream backend {
    zone backend 64k;
    server 127.0.0.1:9090;
    server 127.0.0.1:9092 backup;
}
--- config
location /dynamic { dynamic_upstream; }
--- request
GET /dynamic?upstream=backend&add=&server=127.0.0.1:9090
--- error_code: 304
--- response_headers
Content-Type: text/plain
--- response_body chomp
--- no_error_log
[error]

=== TEST 7: add= with every parameter answers the verbose list, the new peer first in its tier
--- http_config
upstream backend {
    zone backend 64k;
    server 127.0.0.1:9090;
    server 127.0.0.1:9092 backup;
}
--- config
location /dynamic { dynamic_upstream; }
--- request
GET /dynamic?upstream=backend&add=&server=127.0.0.1:9093&backup=&weight=3&max_fails=4&fail_timeout=5&max_conns=6&down=
--- error_code: 200
--- response_headers
Content-Type: text/plain
--- response_body
server 127.0.0.1:9090 addr=127.0.0.1:9090 weight=1 max_fails=1 fail_timeout=10 max_conns=0 conns=0;
server 127.0.0.1:9093 addr=127.0.0.1:9093 weight=3 max_fails=4 fail_timeout=5 max_conns=6 conns=0 down backup;
server 127.0.0.1:9092 addr=127.0.0.1:9092 weight=1 max_fails=1 fail_timeout=10 max_conns=0 conns=0 backup;
--- no_error_log
[error]

=== TEST 8: add= as a primary of an existing backup cannot change its type
--- http_config
upstream backend {
    zone backend 64k;
    server 127.0.0.1:9090;
    server 127.0.0.1:9092 backup;
}
--- config
location /dynamic { dynamic_upstream; }
--- request
GET /dynamic?upstream=backend&add=&server=127.0.0.1:9092
--- error_code: 412
--- response_headers
Content-Type: text/plain
--- response_body chomp
can't change server type (primary<->backup)
--- no_error_log
[error]

=== TEST 9: add= without server=
--- http_config
upstream backend {
    zone backend 64k;
    server 127.0.0.1:9090;
    server 127.0.0.1:9092 backup;
}
--- config
location /dynamic { dynamic_upstream; }
--- request
GET /dynamic?upstream=backend&add=
--- error_code: 400
--- response_headers
Content-Type: text/plain
--- response_body chomp
'server' argument required
--- no_error_log
[error]

=== TEST 10: add= and remove= together
--- http_config
upstream backend {
    zone backend 64k;
    server 127.0.0.1:9090;
    server 127.0.0.1:9092 backup;
}
--- config
location /dynamic { dynamic_upstream; }
--- request
GET /dynamic?upstream=backend&add=&remove=&server=127.0.0.1:9093
--- error_code: 400
--- response_headers
Content-Type: text/plain
--- response_body chomp
add and remove at once are not allowed
--- no_error_log
[error]

=== TEST 11: up= and down= together
--- http_config
upstream backend {
    zone backend 64k;
    server 127.0.0.1:9090;
    server 127.0.0.1:9092 backup;
}
--- config
location /dynamic { dynamic_upstream; }
--- request
GET /dynamic?upstream=backend&server=127.0.0.1:9090&up=&down=
--- error_code: 400
--- response_headers
Content-Type: text/plain
--- response_body chomp
down and up at once are not allowed
--- no_error_log
[error]

=== TEST 12: weight=abc is not a number
--- http_config
upstream backend {
    zone backend 64k;
    server 127.0.0.1:9090;
    server 127.0.0.1:9092 backup;
}
--- config
location /dynamic { dynamic_upstream; }
--- request
GET /dynamic?upstream=backend&server=127.0.0.1:9090&weight=abc
--- error_code: 400
--- response_headers
Content-Type: text/plain
--- response_body chomp
weight: not a number
--- no_error_log
[error]

=== TEST 13: weight=-1 is not a number
--- http_config
upstream backend {
    zone backend 64k;
    server 127.0.0.1:9090;
    server 127.0.0.1:9092 backup;
}
--- config
location /dynamic { dynamic_upstream; }
--- request
GET /dynamic?upstream=backend&server=127.0.0.1:9090&weight=-1
--- error_code: 400
--- response_headers
Content-Type: text/plain
--- response_body chomp
weight: not a number
--- no_error_log
[error]

=== TEST 14: max_fails: the same text style
--- http_config
upstream backend {
    zone backend 64k;
    server 127.0.0.1:9090;
    server 127.0.0.1:9092 backup;
}
--- config
location /dynamic { dynamic_upstream; }
--- request
GET /dynamic?upstream=backend&server=127.0.0.1:9090&max_fails=abc
--- error_code: 400
--- response_headers
Content-Type: text/plain
--- response_body chomp
max_fails: not a number
--- no_error_log
[error]

=== TEST 15: fail_timeout: the same text style
--- http_config
upstream backend {
    zone backend 64k;
    server 127.0.0.1:9090;
    server 127.0.0.1:9092 backup;
}
--- config
location /dynamic { dynamic_upstream; }
--- request
GET /dynamic?upstream=backend&server=127.0.0.1:9090&fail_timeout=abc
--- error_code: 400
--- response_headers
Content-Type: text/plain
--- response_body chomp
fail_timeout: not a number
--- no_error_log
[error]

=== TEST 16: max_conns: the same text style
--- http_config
upstream backend {
    zone backend 64k;
    server 127.0.0.1:9090;
    server 127.0.0.1:9092 backup;
}
--- config
location /dynamic { dynamic_upstream; }
--- request
GET /dynamic?upstream=backend&server=127.0.0.1:9090&max_conns=-1
--- error_code: 400
--- response_headers
Content-Type: text/plain
--- response_body chomp
max_conns: not a number
--- no_error_log
[error]

=== TEST 17: a change to an unknown server
--- http_config
upstream backend {
    zone backend 64k;
    server 127.0.0.1:9090;
    server 127.0.0.1:9092 backup;
}
--- config
location /dynamic { dynamic_upstream; }
--- request
GET /dynamic?upstream=backend&server=127.0.0.1:1&weight=2
--- error_code: 400
--- response_headers
Content-Type: text/plain
--- response_body chomp
server or peer is not found
--- no_error_log
[error]

=== TEST 18: remove= of an unknown server changes nothing: 304, empty
--- http_config
upstream backend {
    zone backend 64k;
    server 127.0.0.1:9090;
    server 127.0.0.1:9092 backup;
}
--- config
location /dynamic { dynamic_upstream; }
--- request
GET /dynamic?upstream=backend&remove=&server=127.0.0.1:1
--- error_code: 304
--- response_headers
Content-Type: text/plain
--- response_body chomp
--- no_error_log
[error]

=== TEST 19: add= with a port out of range: 400 (the reference answers 500)
--- http_config
upstream backend {
    zone backend 64k;
    server 127.0.0.1:9090;
    server 127.0.0.1:9092 backup;
}
--- config
location /dynamic { dynamic_upstream; }
--- request
GET /dynamic?upstream=backend&add=&server=1.2.3.4:99999
--- error_code: 400
--- response_headers
Content-Type: text/plain
--- response_body chomp
invalid port
--- no_error_log
[error]

=== TEST 20: add= of a host name answers 200 and resolves it off the event loop
--- http_config
upstream backend {
    zone backend 64k;
    server 127.0.0.1:9090;
    server 127.0.0.1:9092 backup;
}
--- config
location /dynamic { dynamic_upstream; }
--- request
GET /dynamic?upstream=backend&add=&server=localhost:8080
--- error_code: 200
--- response_headers
Content-Type: text/plain
--- response_body_like
^server localhost:8080 addr=
--- no_error_log
[error]

=== TEST 21: peer= without server= is refused (the reference aborts its worker)
--- http_config
upstream backend {
    zone backend 64k;
    server 127.0.0.1:9090;
    server 127.0.0.1:9092 backup;
}
--- config
location /dynamic { dynamic_upstream; }
--- request
GET /dynamic?upstream=backend&peer=127.0.0.1:9090&weight=3
--- error_code: 400
--- response_headers
Content-Type: text/plain
--- response_body chomp
'server' argument required
--- no_error_log
[error]

=== TEST 22: only GET (and HEAD) are allowed
--- http_config
upstream backend {
    zone backend 64k;
    server 127.0.0.1:9090;
    server 127.0.0.1:9092 backup;
}
--- config
location /dynamic { dynamic_upstream; }
--- request
POST /dynamic?upstream=backend
--- error_code: 405
--- response_headers
Content-Type: text/plain
--- response_body chomp
only GET allowed
--- no_error_log
[error]

# ngx.dynamic_upstream and ngx.dynamic_upstream.stream, REFERENCE.md section 1 (dynup column), block by block.
# Every scenario runs against http upstreams and, through the .stream module, against stream upstreams.
# A stream block then connects through a real stream server to loopback backends that answer with their
# name (--- stream_backends), so the change it made is seen deciding connections; "# no traffic:" says why not.
# The same cases run as JUnit tests on a bare VM in io.dynup.lua.lib.DynamicUpstreamLibTest.

=== TEST 1: get_upstreams lists the upstreams with and without zone in config order (http)
--- http_config
upstream backend {
    zone zbackend 128k;
    server 127.0.0.1:6001 weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:6002 down;
    server 127.0.0.1:6003 backup;
}
upstream plain { server 127.0.0.1:6004; }
upstream empty { zone empty 64k; }
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream"
        local U, PLAIN, EMPTY, ZONE = "backend", "plain", "empty", "zbackend"
        local ok, list, err = du.get_upstreams()
        ngx.say(ok, " ", table.concat(list, ","), " ", err)
    }
}
--- request
GET /t
--- response_body
true backend,plain,empty nil
--- error_code: 200
--- no_error_log
[error]

=== TEST 2: get_upstreams lists the upstreams with and without zone in config order (stream)
# traffic: the stream server proxies to the listed tcpback, whose one primary up takes the connection
--- stream_backends: A B C D
--- stream_config
upstream tcpback {
    zone ztcpback 128k;
    server 127.0.0.1:$TEST_NGINX_A_PORT weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:$TEST_NGINX_B_PORT down;
    server 127.0.0.1:$TEST_NGINX_C_PORT backup;
}
upstream tcpplain { server 127.0.0.1:$TEST_NGINX_D_PORT; }
upstream tcpempty { zone tcpempty 64k; }
server {
    listen 127.0.0.1:$TEST_NGINX_STREAM_PORT;
    proxy_pass tcpback;
}
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream.stream"
        local U, PLAIN, EMPTY, ZONE = "tcpback", "tcpplain", "tcpempty", "ztcpback"
        local ok, list, err = du.get_upstreams()
        ngx.say(ok, " ", table.concat(list, ","), " ", err)
    }
}
--- request
GET /t
--- response_body
true tcpback,tcpplain,tcpempty nil
--- stream_response
A
bye A
--- error_code: 200
--- no_error_log
[error]

=== TEST 3: get_peers lists every key of primaries (up and down) then backups (http)
--- http_config
upstream backend {
    zone zbackend 128k;
    server 127.0.0.1:6001 weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:6002 down;
    server 127.0.0.1:6003 backup;
}
upstream plain { server 127.0.0.1:6004; }
upstream empty { zone empty 64k; }
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream"
        local U, PLAIN, EMPTY, ZONE = "backend", "plain", "empty", "zbackend"
        local function say_peers(ok, peers, err)
            if not ok then ngx.say("error: ", err) return end
            for _, p in ipairs(peers) do
                ngx.say(p.name, " server=", p.server, " weight=", p.weight, " max_fails=", p.max_fails,
                        " fail_timeout=", p.fail_timeout, " max_conns=", p.max_conns, " conns=", p.conns,
                        " backup=", p.backup, " down=", p.down)
            end
        end
        say_peers(du.get_peers(U))
    }
}
--- request
GET /t
--- response_body
127.0.0.1:6001 server=127.0.0.1:6001 weight=2 max_fails=3 fail_timeout=5 max_conns=7 conns=0 backup=false down=nil
127.0.0.1:6002 server=127.0.0.1:6002 weight=1 max_fails=1 fail_timeout=10 max_conns=0 conns=0 backup=false down=true
127.0.0.1:6003 server=127.0.0.1:6003 weight=1 max_fails=1 fail_timeout=10 max_conns=0 conns=0 backup=true down=nil
--- error_code: 200
--- no_error_log
[error]

=== TEST 4: get_peers lists every key of primaries (up and down) then backups (stream)
# traffic: B, listed down, and C, a backup, take none of three connections while A is up
--- stream_backends: A B C D
--- stream_config
upstream tcpback {
    zone ztcpback 128k;
    server 127.0.0.1:$TEST_NGINX_A_PORT weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:$TEST_NGINX_B_PORT down;
    server 127.0.0.1:$TEST_NGINX_C_PORT backup;
}
upstream tcpplain { server 127.0.0.1:$TEST_NGINX_D_PORT; }
upstream tcpempty { zone tcpempty 64k; }
server {
    listen 127.0.0.1:$TEST_NGINX_STREAM_PORT;
    proxy_pass tcpback;
}
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream.stream"
        local U, PLAIN, EMPTY, ZONE = "tcpback", "tcpplain", "tcpempty", "ztcpback"
        local function say_peers(ok, peers, err)
            if not ok then ngx.say("error: ", err) return end
            for _, p in ipairs(peers) do
                ngx.say(p.name, " server=", p.server, " weight=", p.weight, " max_fails=", p.max_fails,
                        " fail_timeout=", p.fail_timeout, " max_conns=", p.max_conns, " conns=", p.conns,
                        " backup=", p.backup, " down=", p.down)
            end
        end
        say_peers(du.get_peers(U))
    }
}
--- request
GET /t
--- response_body
127.0.0.1:$TEST_NGINX_A_PORT server=127.0.0.1:$TEST_NGINX_A_PORT weight=2 max_fails=3 fail_timeout=5 max_conns=7 conns=0 backup=false down=nil
127.0.0.1:$TEST_NGINX_B_PORT server=127.0.0.1:$TEST_NGINX_B_PORT weight=1 max_fails=1 fail_timeout=10 max_conns=0 conns=0 backup=false down=true
127.0.0.1:$TEST_NGINX_C_PORT server=127.0.0.1:$TEST_NGINX_C_PORT weight=1 max_fails=1 fail_timeout=10 max_conns=0 conns=0 backup=true down=nil
--- stream_connections: 3
--- stream_response
A
bye A
A
bye A
A
bye A
--- error_code: 200
--- no_error_log
[error]

=== TEST 5: get_servers (seed name) is get_peers (http)
--- http_config
upstream backend {
    zone zbackend 128k;
    server 127.0.0.1:6001 weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:6002 down;
    server 127.0.0.1:6003 backup;
}
upstream plain { server 127.0.0.1:6004; }
upstream empty { zone empty 64k; }
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream"
        local U, PLAIN, EMPTY, ZONE = "backend", "plain", "empty", "zbackend"
        local function say_peers(ok, peers, err)
            if not ok then ngx.say("error: ", err) return end
            for _, p in ipairs(peers) do
                ngx.say(p.name, " server=", p.server, " weight=", p.weight, " max_fails=", p.max_fails,
                        " fail_timeout=", p.fail_timeout, " max_conns=", p.max_conns, " conns=", p.conns,
                        " backup=", p.backup, " down=", p.down)
            end
        end
        say_peers(du.get_servers(U))
    }
}
--- request
GET /t
--- response_body
127.0.0.1:6001 server=127.0.0.1:6001 weight=2 max_fails=3 fail_timeout=5 max_conns=7 conns=0 backup=false down=nil
127.0.0.1:6002 server=127.0.0.1:6002 weight=1 max_fails=1 fail_timeout=10 max_conns=0 conns=0 backup=false down=true
127.0.0.1:6003 server=127.0.0.1:6003 weight=1 max_fails=1 fail_timeout=10 max_conns=0 conns=0 backup=true down=nil
--- error_code: 200
--- no_error_log
[error]

=== TEST 6: get_servers (seed name) is get_peers (stream)
# traffic: B, listed down, and C, a backup, take none of three connections while A is up
--- stream_backends: A B C D
--- stream_config
upstream tcpback {
    zone ztcpback 128k;
    server 127.0.0.1:$TEST_NGINX_A_PORT weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:$TEST_NGINX_B_PORT down;
    server 127.0.0.1:$TEST_NGINX_C_PORT backup;
}
upstream tcpplain { server 127.0.0.1:$TEST_NGINX_D_PORT; }
upstream tcpempty { zone tcpempty 64k; }
server {
    listen 127.0.0.1:$TEST_NGINX_STREAM_PORT;
    proxy_pass tcpback;
}
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream.stream"
        local U, PLAIN, EMPTY, ZONE = "tcpback", "tcpplain", "tcpempty", "ztcpback"
        local function say_peers(ok, peers, err)
            if not ok then ngx.say("error: ", err) return end
            for _, p in ipairs(peers) do
                ngx.say(p.name, " server=", p.server, " weight=", p.weight, " max_fails=", p.max_fails,
                        " fail_timeout=", p.fail_timeout, " max_conns=", p.max_conns, " conns=", p.conns,
                        " backup=", p.backup, " down=", p.down)
            end
        end
        say_peers(du.get_servers(U))
    }
}
--- request
GET /t
--- response_body
127.0.0.1:$TEST_NGINX_A_PORT server=127.0.0.1:$TEST_NGINX_A_PORT weight=2 max_fails=3 fail_timeout=5 max_conns=7 conns=0 backup=false down=nil
127.0.0.1:$TEST_NGINX_B_PORT server=127.0.0.1:$TEST_NGINX_B_PORT weight=1 max_fails=1 fail_timeout=10 max_conns=0 conns=0 backup=false down=true
127.0.0.1:$TEST_NGINX_C_PORT server=127.0.0.1:$TEST_NGINX_C_PORT weight=1 max_fails=1 fail_timeout=10 max_conns=0 conns=0 backup=true down=nil
--- stream_connections: 3
--- stream_response
A
bye A
A
bye A
A
bye A
--- error_code: 200
--- no_error_log
[error]

=== TEST 7: get_primary_peers and get_backup_peers (http)
--- http_config
upstream backend {
    zone zbackend 128k;
    server 127.0.0.1:6001 weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:6002 down;
    server 127.0.0.1:6003 backup;
}
upstream plain { server 127.0.0.1:6004; }
upstream empty { zone empty 64k; }
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream"
        local U, PLAIN, EMPTY, ZONE = "backend", "plain", "empty", "zbackend"
        local function say_peers(ok, peers, err)
            if not ok then ngx.say("error: ", err) return end
            for _, p in ipairs(peers) do
                ngx.say(p.name, " server=", p.server, " weight=", p.weight, " max_fails=", p.max_fails,
                        " fail_timeout=", p.fail_timeout, " max_conns=", p.max_conns, " conns=", p.conns,
                        " backup=", p.backup, " down=", p.down)
            end
        end
        say_peers(du.get_primary_peers(U))
        ngx.say("--")
        say_peers(du.get_backup_peers(U))
    }
}
--- request
GET /t
--- response_body
127.0.0.1:6001 server=127.0.0.1:6001 weight=2 max_fails=3 fail_timeout=5 max_conns=7 conns=0 backup=false down=nil
127.0.0.1:6002 server=127.0.0.1:6002 weight=1 max_fails=1 fail_timeout=10 max_conns=0 conns=0 backup=false down=true
--
127.0.0.1:6003 server=127.0.0.1:6003 weight=1 max_fails=1 fail_timeout=10 max_conns=0 conns=0 backup=true down=nil
--- error_code: 200
--- no_error_log
[error]

=== TEST 8: get_primary_peers and get_backup_peers (stream)
# traffic: B, listed down, and C, a backup, take none of three connections while A is up
--- stream_backends: A B C D
--- stream_config
upstream tcpback {
    zone ztcpback 128k;
    server 127.0.0.1:$TEST_NGINX_A_PORT weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:$TEST_NGINX_B_PORT down;
    server 127.0.0.1:$TEST_NGINX_C_PORT backup;
}
upstream tcpplain { server 127.0.0.1:$TEST_NGINX_D_PORT; }
upstream tcpempty { zone tcpempty 64k; }
server {
    listen 127.0.0.1:$TEST_NGINX_STREAM_PORT;
    proxy_pass tcpback;
}
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream.stream"
        local U, PLAIN, EMPTY, ZONE = "tcpback", "tcpplain", "tcpempty", "ztcpback"
        local function say_peers(ok, peers, err)
            if not ok then ngx.say("error: ", err) return end
            for _, p in ipairs(peers) do
                ngx.say(p.name, " server=", p.server, " weight=", p.weight, " max_fails=", p.max_fails,
                        " fail_timeout=", p.fail_timeout, " max_conns=", p.max_conns, " conns=", p.conns,
                        " backup=", p.backup, " down=", p.down)
            end
        end
        say_peers(du.get_primary_peers(U))
        ngx.say("--")
        say_peers(du.get_backup_peers(U))
    }
}
--- request
GET /t
--- response_body
127.0.0.1:$TEST_NGINX_A_PORT server=127.0.0.1:$TEST_NGINX_A_PORT weight=2 max_fails=3 fail_timeout=5 max_conns=7 conns=0 backup=false down=nil
127.0.0.1:$TEST_NGINX_B_PORT server=127.0.0.1:$TEST_NGINX_B_PORT weight=1 max_fails=1 fail_timeout=10 max_conns=0 conns=0 backup=false down=true
--
127.0.0.1:$TEST_NGINX_C_PORT server=127.0.0.1:$TEST_NGINX_C_PORT weight=1 max_fails=1 fail_timeout=10 max_conns=0 conns=0 backup=true down=nil
--- stream_connections: 3
--- stream_response
A
bye A
A
bye A
A
bye A
--- error_code: 200
--- no_error_log
[error]

=== TEST 9: an upstream without backups has an empty backup list (http)
--- http_config
upstream backend {
    zone zbackend 128k;
    server 127.0.0.1:6001 weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:6002 down;
    server 127.0.0.1:6003 backup;
}
upstream plain { server 127.0.0.1:6004; }
upstream empty { zone empty 64k; }
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream"
        local U, PLAIN, EMPTY, ZONE = "backend", "plain", "empty", "zbackend"
        local ok, t, err = du.get_backup_peers(PLAIN)
        ngx.say(ok, " ", #t, " ", err)
    }
}
--- request
GET /t
--- response_body
true 0 nil
--- error_code: 200
--- no_error_log
[error]

=== TEST 10: an upstream without backups has an empty backup list (stream)
# traffic: tcpplain's one primary takes the connection, with no backup to fall back on
--- stream_backends: A B C D
--- stream_config
upstream tcpback {
    zone ztcpback 128k;
    server 127.0.0.1:$TEST_NGINX_A_PORT weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:$TEST_NGINX_B_PORT down;
    server 127.0.0.1:$TEST_NGINX_C_PORT backup;
}
upstream tcpplain { server 127.0.0.1:$TEST_NGINX_D_PORT; }
upstream tcpempty { zone tcpempty 64k; }
server {
    listen 127.0.0.1:$TEST_NGINX_STREAM_PORT;
    proxy_pass tcpplain;
}
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream.stream"
        local U, PLAIN, EMPTY, ZONE = "tcpback", "tcpplain", "tcpempty", "ztcpback"
        local ok, t, err = du.get_backup_peers(PLAIN)
        ngx.say(ok, " ", #t, " ", err)
    }
}
--- request
GET /t
--- response_body
true 0 nil
--- stream_response
D
bye D
--- error_code: 200
--- no_error_log
[error]

=== TEST 11: an upstream with a zone and no server is empty, and takes peers (http)
--- http_config
upstream backend {
    zone zbackend 128k;
    server 127.0.0.1:6001 weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:6002 down;
    server 127.0.0.1:6003 backup;
}
upstream plain { server 127.0.0.1:6004; }
upstream empty { zone empty 64k; }
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream"
        local U, PLAIN, EMPTY, ZONE = "backend", "plain", "empty", "zbackend"
        local function say_peers(ok, peers, err)
            if not ok then ngx.say("error: ", err) return end
            for _, p in ipairs(peers) do
                ngx.say(p.name, " server=", p.server, " weight=", p.weight, " max_fails=", p.max_fails,
                        " fail_timeout=", p.fail_timeout, " max_conns=", p.max_conns, " conns=", p.conns,
                        " backup=", p.backup, " down=", p.down)
            end
        end
        local ok, t, err = du.get_peers(EMPTY)
        ngx.say(ok, " ", #t, " ", err)
        ngx.say(du.add_peer(EMPTY, "127.0.0.1:6009"))
        say_peers(du.get_peers(EMPTY))
    }
}
--- request
GET /t
--- response_body
true 0 nil
truenilnil
127.0.0.1:6009 server=127.0.0.1:6009 weight=1 max_fails=1 fail_timeout=10 max_conns=0 conns=0 backup=false down=nil
--- error_code: 200
--- no_error_log
[error]

=== TEST 12: an upstream with a zone and no server is empty, and takes peers (stream)
# traffic: the peer added to the upstream that started empty takes the connection
--- stream_backends: A B C D I
--- stream_config
upstream tcpback {
    zone ztcpback 128k;
    server 127.0.0.1:$TEST_NGINX_A_PORT weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:$TEST_NGINX_B_PORT down;
    server 127.0.0.1:$TEST_NGINX_C_PORT backup;
}
upstream tcpplain { server 127.0.0.1:$TEST_NGINX_D_PORT; }
upstream tcpempty { zone tcpempty 64k; }
server {
    listen 127.0.0.1:$TEST_NGINX_STREAM_PORT;
    proxy_pass tcpempty;
}
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream.stream"
        local U, PLAIN, EMPTY, ZONE = "tcpback", "tcpplain", "tcpempty", "ztcpback"
        local function say_peers(ok, peers, err)
            if not ok then ngx.say("error: ", err) return end
            for _, p in ipairs(peers) do
                ngx.say(p.name, " server=", p.server, " weight=", p.weight, " max_fails=", p.max_fails,
                        " fail_timeout=", p.fail_timeout, " max_conns=", p.max_conns, " conns=", p.conns,
                        " backup=", p.backup, " down=", p.down)
            end
        end
        local ok, t, err = du.get_peers(EMPTY)
        ngx.say(ok, " ", #t, " ", err)
        ngx.say(du.add_peer(EMPTY, "127.0.0.1:$TEST_NGINX_I_PORT"))
        say_peers(du.get_peers(EMPTY))
    }
}
--- request
GET /t
--- response_body
true 0 nil
truenilnil
127.0.0.1:$TEST_NGINX_I_PORT server=127.0.0.1:$TEST_NGINX_I_PORT weight=1 max_fails=1 fail_timeout=10 max_conns=0 conns=0 backup=false down=nil
--- stream_response
I
bye I
--- error_code: 200
--- no_error_log
[error]

=== TEST 13: the upstream is found by its zone name too (http)
--- http_config
upstream backend {
    zone zbackend 128k;
    server 127.0.0.1:6001 weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:6002 down;
    server 127.0.0.1:6003 backup;
}
upstream plain { server 127.0.0.1:6004; }
upstream empty { zone empty 64k; }
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream"
        local U, PLAIN, EMPTY, ZONE = "backend", "plain", "empty", "zbackend"
        local ok, t = du.get_peers(ZONE)
        ngx.say(ok, " ", #t)
    }
}
--- request
GET /t
--- response_body
true 3
--- error_code: 200
--- no_error_log
[error]

=== TEST 14: the upstream is found by its zone name too (stream)
--- stream_backends: A B C D
--- stream_config
upstream tcpback {
    zone ztcpback 128k;
    server 127.0.0.1:$TEST_NGINX_A_PORT weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:$TEST_NGINX_B_PORT down;
    server 127.0.0.1:$TEST_NGINX_C_PORT backup;
}
upstream tcpplain { server 127.0.0.1:$TEST_NGINX_D_PORT; }
upstream tcpempty { zone tcpempty 64k; }
server {
    listen 127.0.0.1:$TEST_NGINX_STREAM_PORT;
    proxy_pass tcpback;
}
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream.stream"
        local U, PLAIN, EMPTY, ZONE = "tcpback", "tcpplain", "tcpempty", "ztcpback"
        local ok, t = du.get_peers(ZONE)
        ngx.say(ok, " ", #t)
        -- a change made through the zone name reaches the stream server: the backup takes the connection
        ngx.say(du.set_peer_down(ZONE, "127.0.0.1:$TEST_NGINX_A_PORT"))
    }
}
--- request
GET /t
--- response_body
true 3
truenilnil
--- stream_response
C
bye C
--- error_code: 200
--- no_error_log
[error]

=== TEST 15: an unknown upstream (http)
--- http_config
upstream backend {
    zone zbackend 128k;
    server 127.0.0.1:6001 weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:6002 down;
    server 127.0.0.1:6003 backup;
}
upstream plain { server 127.0.0.1:6004; }
upstream empty { zone empty 64k; }
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream"
        local U, PLAIN, EMPTY, ZONE = "backend", "plain", "empty", "zbackend"
        ngx.say(du.get_peers("nosuch"))
        ngx.say(du.add_peer("nosuch", "1.2.3.4"))
        ngx.say(du.remove_peer("nosuch", "1.2.3.4"))
        ngx.say(du.set_peer_down("nosuch", "1.2.3.4"))
        ngx.say(du.update_peer("nosuch", "1.2.3.4", {weight = 2}))
    }
}
--- request
GET /t
--- response_body
falsenilupstream not found
falsenilupstream not found
falsenilupstream not found
falsenilupstream not found
falsenilupstream not found
--- error_code: 200
--- no_error_log
[error]

=== TEST 16: an unknown upstream (stream)
# no traffic: every call names an upstream that does not exist, so no upstream changes
--- stream_config
upstream tcpback {
    zone ztcpback 128k;
    server 127.0.0.1:6001 weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:6002 down;
    server 127.0.0.1:6003 backup;
}
upstream tcpplain { server 127.0.0.1:6004; }
upstream tcpempty { zone tcpempty 64k; }
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream.stream"
        local U, PLAIN, EMPTY, ZONE = "tcpback", "tcpplain", "tcpempty", "ztcpback"
        ngx.say(du.get_peers("nosuch"))
        ngx.say(du.add_peer("nosuch", "1.2.3.4"))
        ngx.say(du.remove_peer("nosuch", "1.2.3.4"))
        ngx.say(du.set_peer_down("nosuch", "1.2.3.4"))
        ngx.say(du.update_peer("nosuch", "1.2.3.4", {weight = 2}))
    }
}
--- request
GET /t
--- response_body
falsenilupstream not found
falsenilupstream not found
falsenilupstream not found
falsenilupstream not found
falsenilupstream not found
--- error_code: 200
--- no_error_log
[error]

=== TEST 17: a wrong argument count answers false, nil and the rule (http)
--- http_config
upstream backend {
    zone zbackend 128k;
    server 127.0.0.1:6001 weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:6002 down;
    server 127.0.0.1:6003 backup;
}
upstream plain { server 127.0.0.1:6004; }
upstream empty { zone empty 64k; }
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream"
        local U, PLAIN, EMPTY, ZONE = "backend", "plain", "empty", "zbackend"
        ngx.say(select(3, du.get_upstreams(1)))
        ngx.say(select(3, du.get_peers()))
        ngx.say(select(3, du.get_servers(U, 1)))
        ngx.say(select(3, du.get_primary_peers()))
        ngx.say(select(3, du.get_backup_peers(U, U)))
        ngx.say(select(3, du.set_peer_down(U)))
        ngx.say(select(3, du.set_peer_up(U, 'a', 'b')))
        ngx.say(select(3, du.remove_peer(U)))
        ngx.say(select(3, du.add_peer(U)))
        ngx.say(select(3, du.add_backup_peer(U, '1.2.3.4', 'x')))
        ngx.say(select(3, du.update_peer(U, '127.0.0.1:6001')))
        ngx.say(select(3, du.update_peer(U, '127.0.0.1:6001', 'weight=2')))
        ngx.say(select(3, du.current_upstream(1)))
    }
}
--- request
GET /t
--- response_body
no argument expected
exactly one argument expected
exactly one argument expected
exactly one argument expected
exactly one argument expected
exactly 2 arguments expected
exactly 2 arguments expected
exactly 2 arguments expected
exactly 2 arguments expected (or 3, the third a table)
exactly 2 arguments expected (or 3, the third a table)
exactly 3 arguments expected
exactly 3 arguments expected
no argument expected
--- error_code: 200
--- no_error_log
[error]

=== TEST 18: a wrong argument count answers false, nil and the rule (stream)
# no traffic: every call is refused for its argument count before it looks at an upstream
--- stream_config
upstream tcpback {
    zone ztcpback 128k;
    server 127.0.0.1:6001 weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:6002 down;
    server 127.0.0.1:6003 backup;
}
upstream tcpplain { server 127.0.0.1:6004; }
upstream tcpempty { zone tcpempty 64k; }
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream.stream"
        local U, PLAIN, EMPTY, ZONE = "tcpback", "tcpplain", "tcpempty", "ztcpback"
        ngx.say(select(3, du.get_upstreams(1)))
        ngx.say(select(3, du.get_peers()))
        ngx.say(select(3, du.get_servers(U, 1)))
        ngx.say(select(3, du.get_primary_peers()))
        ngx.say(select(3, du.get_backup_peers(U, U)))
        ngx.say(select(3, du.set_peer_down(U)))
        ngx.say(select(3, du.set_peer_up(U, 'a', 'b')))
        ngx.say(select(3, du.remove_peer(U)))
        ngx.say(select(3, du.add_peer(U)))
        ngx.say(select(3, du.add_backup_peer(U, '1.2.3.4', 'x')))
        ngx.say(select(3, du.update_peer(U, '127.0.0.1:6001')))
        ngx.say(select(3, du.update_peer(U, '127.0.0.1:6001', 'weight=2')))
        ngx.say(select(3, du.current_upstream(1)))
    }
}
--- request
GET /t
--- response_body
no argument expected
exactly one argument expected
exactly one argument expected
exactly one argument expected
exactly one argument expected
exactly 2 arguments expected
exactly 2 arguments expected
exactly 2 arguments expected
exactly 2 arguments expected (or 3, the third a table)
exactly 2 arguments expected (or 3, the third a table)
exactly 3 arguments expected
exactly 3 arguments expected
no argument expected
--- error_code: 200
--- no_error_log
[error]

=== TEST 19: a wrong argument type raises an error naming the function (http)
--- http_config
upstream backend {
    zone zbackend 128k;
    server 127.0.0.1:6001 weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:6002 down;
    server 127.0.0.1:6003 backup;
}
upstream plain { server 127.0.0.1:6004; }
upstream empty { zone empty 64k; }
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream"
        local U, PLAIN, EMPTY, ZONE = "backend", "plain", "empty", "zbackend"
        ngx.say(select(2, pcall(du.get_peers, nil)))
        ngx.say(select(2, pcall(du.get_servers, {})))
        ngx.say(select(2, pcall(du.set_peer_down, U, nil)))
        ngx.say(select(2, pcall(du.add_peer, U, {})))
        ngx.say(select(2, pcall(du.add_backup_peer, ngx.null, 'x')))
        ngx.say(select(2, pcall(du.remove_peer, U, nil)))
        ngx.say(select(2, pcall(du.update_peer, nil, 'x', {})))
    }
}
--- request
GET /t
--- response_body
bad argument #1 to 'get_peers' (string expected, got nil)
bad argument #1 to 'get_servers' (string expected, got table)
bad argument #2 to 'set_peer_down' (string expected, got nil)
bad argument #2 to 'add_peer' (string expected, got table)
bad argument #1 to 'add_backup_peer' (string expected, got userdata)
bad argument #2 to 'remove_peer' (string expected, got nil)
bad argument #1 to 'update_peer' (string expected, got nil)
--- error_code: 200
--- no_error_log
[error]

=== TEST 20: a wrong argument type raises an error naming the function (stream)
# no traffic: every call raises for its argument type before it looks at an upstream
--- stream_config
upstream tcpback {
    zone ztcpback 128k;
    server 127.0.0.1:6001 weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:6002 down;
    server 127.0.0.1:6003 backup;
}
upstream tcpplain { server 127.0.0.1:6004; }
upstream tcpempty { zone tcpempty 64k; }
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream.stream"
        local U, PLAIN, EMPTY, ZONE = "tcpback", "tcpplain", "tcpempty", "ztcpback"
        ngx.say(select(2, pcall(du.get_peers, nil)))
        ngx.say(select(2, pcall(du.get_servers, {})))
        ngx.say(select(2, pcall(du.set_peer_down, U, nil)))
        ngx.say(select(2, pcall(du.add_peer, U, {})))
        ngx.say(select(2, pcall(du.add_backup_peer, ngx.null, 'x')))
        ngx.say(select(2, pcall(du.remove_peer, U, nil)))
        ngx.say(select(2, pcall(du.update_peer, nil, 'x', {})))
    }
}
--- request
GET /t
--- response_body
bad argument #1 to 'get_peers' (string expected, got nil)
bad argument #1 to 'get_servers' (string expected, got table)
bad argument #2 to 'set_peer_down' (string expected, got nil)
bad argument #2 to 'add_peer' (string expected, got table)
bad argument #1 to 'add_backup_peer' (string expected, got userdata)
bad argument #2 to 'remove_peer' (string expected, got nil)
bad argument #1 to 'update_peer' (string expected, got nil)
--- error_code: 200
--- no_error_log
[error]

=== TEST 21: an uncaught wrong argument type is a 500 with the error logged
--- http_config
upstream backend {
    zone zbackend 128k;
    server 127.0.0.1:6001 weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:6002 down;
    server 127.0.0.1:6003 backup;
}
upstream plain { server 127.0.0.1:6004; }
upstream empty { zone empty 64k; }
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream"
        local U, PLAIN, EMPTY, ZONE = "backend", "plain", "empty", "zbackend"
        du.get_peers(nil)
        ngx.say("not reached")
    }
}
--- request
GET /t
--- response_body_like
500 Internal Server Error
--- error_log
bad argument #1 to 'get_peers' (string expected, got nil)
--- error_code: 500

=== TEST 22: add primary peers by address: first in their list, nginx's defaults, default port 80 (http)
--- http_config
upstream backend {
    zone zbackend 128k;
    server 127.0.0.1:6001 weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:6002 down;
    server 127.0.0.1:6003 backup;
}
upstream plain { server 127.0.0.1:6004; }
upstream empty { zone empty 64k; }
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream"
        local U, PLAIN, EMPTY, ZONE = "backend", "plain", "empty", "zbackend"
        local function say_peers(ok, peers, err)
            if not ok then ngx.say("error: ", err) return end
            for _, p in ipairs(peers) do
                ngx.say(p.name, " server=", p.server, " weight=", p.weight, " max_fails=", p.max_fails,
                        " fail_timeout=", p.fail_timeout, " max_conns=", p.max_conns, " conns=", p.conns,
                        " backup=", p.backup, " down=", p.down)
            end
        end
        ngx.say(du.add_primary_peer(U, "127.0.0.1:6005"))
        ngx.say(du.add_peer(U, "1.2.3.4"))
        say_peers(du.get_primary_peers(U))
    }
}
--- request
GET /t
--- response_body
truenilnil
truenilnil
1.2.3.4:80 server=1.2.3.4 weight=1 max_fails=1 fail_timeout=10 max_conns=0 conns=0 backup=false down=nil
127.0.0.1:6005 server=127.0.0.1:6005 weight=1 max_fails=1 fail_timeout=10 max_conns=0 conns=0 backup=false down=nil
127.0.0.1:6001 server=127.0.0.1:6001 weight=2 max_fails=3 fail_timeout=5 max_conns=7 conns=0 backup=false down=nil
127.0.0.1:6002 server=127.0.0.1:6002 weight=1 max_fails=1 fail_timeout=10 max_conns=0 conns=0 backup=false down=true
--- error_code: 200
--- no_error_log
[error]

=== TEST 23: add primary peers by address: first in their list, nginx's defaults, default port 80 (stream)
# traffic: the added primary E takes its turn, after A (weight 2)
--- stream_backends: A B C D E
--- stream_config
upstream tcpback {
    zone ztcpback 128k;
    server 127.0.0.1:$TEST_NGINX_A_PORT weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:$TEST_NGINX_B_PORT down;
    server 127.0.0.1:$TEST_NGINX_C_PORT backup;
}
upstream tcpplain { server 127.0.0.1:$TEST_NGINX_D_PORT; }
upstream tcpempty { zone tcpempty 64k; }
server {
    listen 127.0.0.1:$TEST_NGINX_STREAM_PORT;
    proxy_pass tcpback;
}
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream.stream"
        local U, PLAIN, EMPTY, ZONE = "tcpback", "tcpplain", "tcpempty", "ztcpback"
        local function say_peers(ok, peers, err)
            if not ok then ngx.say("error: ", err) return end
            for _, p in ipairs(peers) do
                ngx.say(p.name, " server=", p.server, " weight=", p.weight, " max_fails=", p.max_fails,
                        " fail_timeout=", p.fail_timeout, " max_conns=", p.max_conns, " conns=", p.conns,
                        " backup=", p.backup, " down=", p.down)
            end
        end
        -- in the order opposite to the http case: E, listed first, wins the tie for the second connection,
        -- so 1.2.3.4:80 is never dialled
        ngx.say(du.add_peer(U, "1.2.3.4"))
        ngx.say(du.add_primary_peer(U, "127.0.0.1:$TEST_NGINX_E_PORT"))
        say_peers(du.get_primary_peers(U))
    }
}
--- request
GET /t
--- response_body
truenilnil
truenilnil
127.0.0.1:$TEST_NGINX_E_PORT server=127.0.0.1:$TEST_NGINX_E_PORT weight=1 max_fails=1 fail_timeout=10 max_conns=0 conns=0 backup=false down=nil
1.2.3.4:80 server=1.2.3.4 weight=1 max_fails=1 fail_timeout=10 max_conns=0 conns=0 backup=false down=nil
127.0.0.1:$TEST_NGINX_A_PORT server=127.0.0.1:$TEST_NGINX_A_PORT weight=2 max_fails=3 fail_timeout=5 max_conns=7 conns=0 backup=false down=nil
127.0.0.1:$TEST_NGINX_B_PORT server=127.0.0.1:$TEST_NGINX_B_PORT weight=1 max_fails=1 fail_timeout=10 max_conns=0 conns=0 backup=false down=true
--- stream_connections: 2
--- stream_response
A
bye A
E
bye E
--- error_code: 200
--- no_error_log
[error]

=== TEST 24: add backup peers by address (IPv6 too) (http)
--- http_config
upstream backend {
    zone zbackend 128k;
    server 127.0.0.1:6001 weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:6002 down;
    server 127.0.0.1:6003 backup;
}
upstream plain { server 127.0.0.1:6004; }
upstream empty { zone empty 64k; }
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream"
        local U, PLAIN, EMPTY, ZONE = "backend", "plain", "empty", "zbackend"
        local function say_peers(ok, peers, err)
            if not ok then ngx.say("error: ", err) return end
            for _, p in ipairs(peers) do
                ngx.say(p.name, " server=", p.server, " weight=", p.weight, " max_fails=", p.max_fails,
                        " fail_timeout=", p.fail_timeout, " max_conns=", p.max_conns, " conns=", p.conns,
                        " backup=", p.backup, " down=", p.down)
            end
        end
        ngx.say(du.add_backup_peer(U, "127.0.0.1:6006"))
        ngx.say(du.add_backup_peer(U, "[::1]:80"))
        say_peers(du.get_backup_peers(U))
    }
}
--- request
GET /t
--- response_body
truenilnil
truenilnil
[::1]:80 server=[::1]:80 weight=1 max_fails=1 fail_timeout=10 max_conns=0 conns=0 backup=true down=nil
127.0.0.1:6006 server=127.0.0.1:6006 weight=1 max_fails=1 fail_timeout=10 max_conns=0 conns=0 backup=true down=nil
127.0.0.1:6003 server=127.0.0.1:6003 weight=1 max_fails=1 fail_timeout=10 max_conns=0 conns=0 backup=true down=nil
--- error_code: 200
--- no_error_log
[error]

=== TEST 25: add backup peers by address (IPv6 too) (stream)
--- stream_backends: A B C D F
--- stream_config
upstream tcpback {
    zone ztcpback 128k;
    server 127.0.0.1:$TEST_NGINX_A_PORT weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:$TEST_NGINX_B_PORT down;
    server 127.0.0.1:$TEST_NGINX_C_PORT backup;
}
upstream tcpplain { server 127.0.0.1:$TEST_NGINX_D_PORT; }
upstream tcpempty { zone tcpempty 64k; }
server {
    listen 127.0.0.1:$TEST_NGINX_STREAM_PORT;
    proxy_pass tcpback;
}
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream.stream"
        local U, PLAIN, EMPTY, ZONE = "tcpback", "tcpplain", "tcpempty", "ztcpback"
        local function say_peers(ok, peers, err)
            if not ok then ngx.say("error: ", err) return end
            for _, p in ipairs(peers) do
                ngx.say(p.name, " server=", p.server, " weight=", p.weight, " max_fails=", p.max_fails,
                        " fail_timeout=", p.fail_timeout, " max_conns=", p.max_conns, " conns=", p.conns,
                        " backup=", p.backup, " down=", p.down)
            end
        end
        -- in the order opposite to the http case: F, listed first, takes the connection,
        -- so [::1]:80 is never dialled
        ngx.say(du.add_backup_peer(U, "[::1]:80"))
        ngx.say(du.add_backup_peer(U, "127.0.0.1:$TEST_NGINX_F_PORT"))
        say_peers(du.get_backup_peers(U))
        -- no primary left up: the next connection goes to the backups, the newest first
        ngx.say(du.set_peer_down(U, "127.0.0.1:$TEST_NGINX_A_PORT"))
    }
}
--- request
GET /t
--- response_body
truenilnil
truenilnil
127.0.0.1:$TEST_NGINX_F_PORT server=127.0.0.1:$TEST_NGINX_F_PORT weight=1 max_fails=1 fail_timeout=10 max_conns=0 conns=0 backup=true down=nil
[::1]:80 server=[::1]:80 weight=1 max_fails=1 fail_timeout=10 max_conns=0 conns=0 backup=true down=nil
127.0.0.1:$TEST_NGINX_C_PORT server=127.0.0.1:$TEST_NGINX_C_PORT weight=1 max_fails=1 fail_timeout=10 max_conns=0 conns=0 backup=true down=nil
truenilnil
--- stream_response
F
bye F
--- error_code: 200
--- no_error_log
[error]

=== TEST 26: add with a third table sets the new peer's parameters (http)
--- http_config
upstream backend {
    zone zbackend 128k;
    server 127.0.0.1:6001 weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:6002 down;
    server 127.0.0.1:6003 backup;
}
upstream plain { server 127.0.0.1:6004; }
upstream empty { zone empty 64k; }
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream"
        local U, PLAIN, EMPTY, ZONE = "backend", "plain", "empty", "zbackend"
        local function say_peers(ok, peers, err)
            if not ok then ngx.say("error: ", err) return end
            for _, p in ipairs(peers) do
                ngx.say(p.name, " server=", p.server, " weight=", p.weight, " max_fails=", p.max_fails,
                        " fail_timeout=", p.fail_timeout, " max_conns=", p.max_conns, " conns=", p.conns,
                        " backup=", p.backup, " down=", p.down)
            end
        end
        ngx.say(du.add_backup_peer(U, "127.0.0.1:6007", {weight = 3, max_fails = 4, fail_timeout = 5, max_conns = 6, down = 1}))
        local ok, t = du.get_backup_peers(U)
        say_peers(ok, {t[1]})
    }
}
--- request
GET /t
--- response_body
truenilnil
127.0.0.1:6007 server=127.0.0.1:6007 weight=3 max_fails=4 fail_timeout=5 max_conns=6 conns=0 backup=true down=true
--- error_code: 200
--- no_error_log
[error]

=== TEST 27: add with a third table sets the new peer's parameters (stream)
--- stream_backends: A B C D G
--- stream_config
upstream tcpback {
    zone ztcpback 128k;
    server 127.0.0.1:$TEST_NGINX_A_PORT weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:$TEST_NGINX_B_PORT down;
    server 127.0.0.1:$TEST_NGINX_C_PORT backup;
}
upstream tcpplain { server 127.0.0.1:$TEST_NGINX_D_PORT; }
upstream tcpempty { zone tcpempty 64k; }
server {
    listen 127.0.0.1:$TEST_NGINX_STREAM_PORT;
    proxy_pass tcpback;
}
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream.stream"
        local U, PLAIN, EMPTY, ZONE = "tcpback", "tcpplain", "tcpempty", "ztcpback"
        local function say_peers(ok, peers, err)
            if not ok then ngx.say("error: ", err) return end
            for _, p in ipairs(peers) do
                ngx.say(p.name, " server=", p.server, " weight=", p.weight, " max_fails=", p.max_fails,
                        " fail_timeout=", p.fail_timeout, " max_conns=", p.max_conns, " conns=", p.conns,
                        " backup=", p.backup, " down=", p.down)
            end
        end
        ngx.say(du.add_backup_peer(U, "127.0.0.1:$TEST_NGINX_G_PORT", {weight = 3, max_fails = 4, fail_timeout = 5, max_conns = 6, down = 1}))
        local ok, t = du.get_backup_peers(U)
        say_peers(ok, {t[1]})
        -- no primary left up: the backups take the connection, but not G, added down
        ngx.say(du.set_peer_down(U, "127.0.0.1:$TEST_NGINX_A_PORT"))
    }
}
--- request
GET /t
--- response_body
truenilnil
127.0.0.1:$TEST_NGINX_G_PORT server=127.0.0.1:$TEST_NGINX_G_PORT weight=3 max_fails=4 fail_timeout=5 max_conns=6 conns=0 backup=true down=true
truenilnil
--- stream_response
C
bye C
--- error_code: 200
--- no_error_log
[error]

=== TEST 28: add by host name resolves off the event loop (http)
--- http_config
upstream backend {
    zone zbackend 128k;
    server 127.0.0.1:6001 weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:6002 down;
    server 127.0.0.1:6003 backup;
}
upstream plain { server 127.0.0.1:6004; }
upstream empty { zone empty 64k; }
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream"
        local U, PLAIN, EMPTY, ZONE = "backend", "plain", "empty", "zbackend"
        ngx.say(du.add_peer(U, "localhost:6008"))
        ngx.say(du.add_backup_peer(U, "localhost:6009"))
        ngx.sleep(0.2)
        local ok, t = du.get_peers(U)
        for _, p in ipairs(t) do
            if p.server:find("localhost", 1, true) and p.name:find("127.0.0.1", 1, true) then
                ngx.say(p.server, " ", p.name, " backup=", p.backup)
            end
        end
    }
}
--- request
GET /t
--- response_body
truenilnil
truenilnil
localhost:6008 127.0.0.1:6008 backup=false
localhost:6009 127.0.0.1:6009 backup=true
--- error_code: 200
--- no_error_log
[error]

=== TEST 29: add by host name resolves off the event loop (stream)
--- stream_backends: A B C D H I
--- stream_config
upstream tcpback {
    zone ztcpback 128k;
    server 127.0.0.1:$TEST_NGINX_A_PORT weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:$TEST_NGINX_B_PORT down;
    server 127.0.0.1:$TEST_NGINX_C_PORT backup;
}
upstream tcpplain { server 127.0.0.1:$TEST_NGINX_D_PORT; }
upstream tcpempty { zone tcpempty 64k; }
server {
    listen 127.0.0.1:$TEST_NGINX_STREAM_PORT;
    proxy_pass tcpback;
}
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream.stream"
        local U, PLAIN, EMPTY, ZONE = "tcpback", "tcpplain", "tcpempty", "ztcpback"
        ngx.say(du.add_peer(U, "localhost:$TEST_NGINX_H_PORT"))
        ngx.say(du.add_backup_peer(U, "localhost:$TEST_NGINX_I_PORT"))
        ngx.sleep(0.2)
        local ok, t = du.get_peers(U)
        for _, p in ipairs(t) do
            if p.server:find("localhost", 1, true) and p.name:find("127.0.0.1", 1, true) then
                ngx.say(p.server, " ", p.name, " backup=", p.backup)
            end
        end
        -- the resolved localhost peer is the only primary left up
        ngx.say(du.set_peer_down(U, "127.0.0.1:$TEST_NGINX_A_PORT"))
    }
}
--- request
GET /t
--- response_body
truenilnil
truenilnil
localhost:$TEST_NGINX_H_PORT 127.0.0.1:$TEST_NGINX_H_PORT backup=false
localhost:$TEST_NGINX_I_PORT 127.0.0.1:$TEST_NGINX_I_PORT backup=true
truenilnil
--- stream_response
H
bye H
--- error_code: 200
--- no_error_log
[error]

=== TEST 30: adding a peer that exists in the same list changes nothing (http)
--- http_config
upstream backend {
    zone zbackend 128k;
    server 127.0.0.1:6001 weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:6002 down;
    server 127.0.0.1:6003 backup;
}
upstream plain { server 127.0.0.1:6004; }
upstream empty { zone empty 64k; }
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream"
        local U, PLAIN, EMPTY, ZONE = "backend", "plain", "empty", "zbackend"
        local function say_peers(ok, peers, err)
            if not ok then ngx.say("error: ", err) return end
            for _, p in ipairs(peers) do
                ngx.say(p.name, " server=", p.server, " weight=", p.weight, " max_fails=", p.max_fails,
                        " fail_timeout=", p.fail_timeout, " max_conns=", p.max_conns, " conns=", p.conns,
                        " backup=", p.backup, " down=", p.down)
            end
        end
        ngx.say(du.add_peer(U, "127.0.0.1:6001"))
        ngx.say(du.add_backup_peer(U, "127.0.0.1:6003"))
        ngx.say(du.add_peer(U, "127.0.0.1:6001", {weight = 9}))
        say_peers(du.get_peers(U))
    }
}
--- request
GET /t
--- response_body
truenilnil
truenilnil
truenilnil
127.0.0.1:6001 server=127.0.0.1:6001 weight=2 max_fails=3 fail_timeout=5 max_conns=7 conns=0 backup=false down=nil
127.0.0.1:6002 server=127.0.0.1:6002 weight=1 max_fails=1 fail_timeout=10 max_conns=0 conns=0 backup=false down=true
127.0.0.1:6003 server=127.0.0.1:6003 weight=1 max_fails=1 fail_timeout=10 max_conns=0 conns=0 backup=true down=nil
--- error_code: 200
--- no_error_log
[error]

=== TEST 31: adding a peer that exists in the same list changes nothing (stream)
--- stream_backends: A B C D
--- stream_config
upstream tcpback {
    zone ztcpback 128k;
    server 127.0.0.1:$TEST_NGINX_A_PORT weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:$TEST_NGINX_B_PORT down;
    server 127.0.0.1:$TEST_NGINX_C_PORT backup;
}
upstream tcpplain { server 127.0.0.1:$TEST_NGINX_D_PORT; }
upstream tcpempty { zone tcpempty 64k; }
server {
    listen 127.0.0.1:$TEST_NGINX_STREAM_PORT;
    proxy_pass tcpback;
}
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream.stream"
        local U, PLAIN, EMPTY, ZONE = "tcpback", "tcpplain", "tcpempty", "ztcpback"
        local function say_peers(ok, peers, err)
            if not ok then ngx.say("error: ", err) return end
            for _, p in ipairs(peers) do
                ngx.say(p.name, " server=", p.server, " weight=", p.weight, " max_fails=", p.max_fails,
                        " fail_timeout=", p.fail_timeout, " max_conns=", p.max_conns, " conns=", p.conns,
                        " backup=", p.backup, " down=", p.down)
            end
        end
        ngx.say(du.add_peer(U, "127.0.0.1:$TEST_NGINX_A_PORT"))
        ngx.say(du.add_backup_peer(U, "127.0.0.1:$TEST_NGINX_C_PORT"))
        ngx.say(du.add_peer(U, "127.0.0.1:$TEST_NGINX_A_PORT", {weight = 9}))
        say_peers(du.get_peers(U))
        -- a second primary up: weight 2 still shows as A B A on three connections
        ngx.say(du.set_peer_up(U, "127.0.0.1:$TEST_NGINX_B_PORT"))
    }
}
--- request
GET /t
--- response_body
truenilnil
truenilnil
truenilnil
127.0.0.1:$TEST_NGINX_A_PORT server=127.0.0.1:$TEST_NGINX_A_PORT weight=2 max_fails=3 fail_timeout=5 max_conns=7 conns=0 backup=false down=nil
127.0.0.1:$TEST_NGINX_B_PORT server=127.0.0.1:$TEST_NGINX_B_PORT weight=1 max_fails=1 fail_timeout=10 max_conns=0 conns=0 backup=false down=true
127.0.0.1:$TEST_NGINX_C_PORT server=127.0.0.1:$TEST_NGINX_C_PORT weight=1 max_fails=1 fail_timeout=10 max_conns=0 conns=0 backup=true down=nil
truenilnil
--- stream_connections: 3
--- stream_response
A
bye A
B
bye B
A
bye A
--- error_code: 200
--- no_error_log
[error]

=== TEST 32: a peer cannot change list by being added again (http)
--- http_config
upstream backend {
    zone zbackend 128k;
    server 127.0.0.1:6001 weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:6002 down;
    server 127.0.0.1:6003 backup;
}
upstream plain { server 127.0.0.1:6004; }
upstream empty { zone empty 64k; }
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream"
        local U, PLAIN, EMPTY, ZONE = "backend", "plain", "empty", "zbackend"
        ngx.say(du.add_primary_peer(U, "127.0.0.1:6003"))
        ngx.say(du.add_backup_peer(U, "127.0.0.1:6001"))
    }
}
--- request
GET /t
--- response_body
falsenilcan't change server type (primary<->backup)
falsenilcan't change server type (primary<->backup)
--- error_code: 200
--- no_error_log
[error]

=== TEST 33: a peer cannot change list by being added again (stream)
# traffic: C stayed a backup and A a primary: A takes all three connections
--- stream_backends: A B C D
--- stream_config
upstream tcpback {
    zone ztcpback 128k;
    server 127.0.0.1:$TEST_NGINX_A_PORT weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:$TEST_NGINX_B_PORT down;
    server 127.0.0.1:$TEST_NGINX_C_PORT backup;
}
upstream tcpplain { server 127.0.0.1:$TEST_NGINX_D_PORT; }
upstream tcpempty { zone tcpempty 64k; }
server {
    listen 127.0.0.1:$TEST_NGINX_STREAM_PORT;
    proxy_pass tcpback;
}
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream.stream"
        local U, PLAIN, EMPTY, ZONE = "tcpback", "tcpplain", "tcpempty", "ztcpback"
        ngx.say(du.add_primary_peer(U, "127.0.0.1:$TEST_NGINX_C_PORT"))
        ngx.say(du.add_backup_peer(U, "127.0.0.1:$TEST_NGINX_A_PORT"))
    }
}
--- request
GET /t
--- response_body
falsenilcan't change server type (primary<->backup)
falsenilcan't change server type (primary<->backup)
--- stream_connections: 3
--- stream_response
A
bye A
A
bye A
A
bye A
--- error_code: 200
--- no_error_log
[error]

=== TEST 34: invalid addresses are refused (http)
--- http_config
upstream backend {
    zone zbackend 128k;
    server 127.0.0.1:6001 weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:6002 down;
    server 127.0.0.1:6003 backup;
}
upstream plain { server 127.0.0.1:6004; }
upstream empty { zone empty 64k; }
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream"
        local U, PLAIN, EMPTY, ZONE = "backend", "plain", "empty", "zbackend"
        ngx.say(select(3, du.add_peer(U, "1.2.3.4:99999")))
        ngx.say(select(3, du.add_peer(U, ":0")))
        ngx.say(select(3, du.add_peer(U, "1.2.3.4:")))
        ngx.say(select(3, du.add_peer(U, "::1")))
        ngx.say(select(3, du.add_peer(U, "")))
        ngx.say(select(3, du.add_peer(U, "http://1.2.3.4")))
    }
}
--- request
GET /t
--- response_body
invalid port
invalid port
invalid port
invalid port
no host
invalid host
--- error_code: 200
--- no_error_log
[error]

=== TEST 35: invalid addresses are refused (stream)
# no traffic: every address is refused, so no peer is added
--- stream_config
upstream tcpback {
    zone ztcpback 128k;
    server 127.0.0.1:6001 weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:6002 down;
    server 127.0.0.1:6003 backup;
}
upstream tcpplain { server 127.0.0.1:6004; }
upstream tcpempty { zone tcpempty 64k; }
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream.stream"
        local U, PLAIN, EMPTY, ZONE = "tcpback", "tcpplain", "tcpempty", "ztcpback"
        ngx.say(select(3, du.add_peer(U, "1.2.3.4:99999")))
        ngx.say(select(3, du.add_peer(U, ":0")))
        ngx.say(select(3, du.add_peer(U, "1.2.3.4:")))
        ngx.say(select(3, du.add_peer(U, "::1")))
        ngx.say(select(3, du.add_peer(U, "")))
        ngx.say(select(3, du.add_peer(U, "http://1.2.3.4")))
    }
}
--- request
GET /t
--- response_body
invalid port
invalid port
invalid port
invalid port
no host
invalid host
--- error_code: 200
--- no_error_log
[error]

=== TEST 36: invalid parameters of a new peer are refused and nothing is added (http)
--- http_config
upstream backend {
    zone zbackend 128k;
    server 127.0.0.1:6001 weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:6002 down;
    server 127.0.0.1:6003 backup;
}
upstream plain { server 127.0.0.1:6004; }
upstream empty { zone empty 64k; }
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream"
        local U, PLAIN, EMPTY, ZONE = "backend", "plain", "empty", "zbackend"
        ngx.say(select(3, du.add_peer(U, "1.2.3.4", {weight = 0})))
        ngx.say(select(3, du.add_peer(U, "1.2.3.4", {color = "red"})))
        local ok, t = du.get_peers(U)
        ngx.say(#t)
    }
}
--- request
GET /t
--- response_body
weight: 0 (expected: an integer 1..1000000)
unknown parameter "color" (expected: weight, max_fails, fail_timeout, max_conns, down)
3
--- error_code: 200
--- no_error_log
[error]

=== TEST 37: invalid parameters of a new peer are refused and nothing is added (stream)
# no traffic: the parameters are refused before the peer is added; the count shows nothing was
--- stream_config
upstream tcpback {
    zone ztcpback 128k;
    server 127.0.0.1:6001 weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:6002 down;
    server 127.0.0.1:6003 backup;
}
upstream tcpplain { server 127.0.0.1:6004; }
upstream tcpempty { zone tcpempty 64k; }
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream.stream"
        local U, PLAIN, EMPTY, ZONE = "tcpback", "tcpplain", "tcpempty", "ztcpback"
        ngx.say(select(3, du.add_peer(U, "1.2.3.4", {weight = 0})))
        ngx.say(select(3, du.add_peer(U, "1.2.3.4", {color = "red"})))
        local ok, t = du.get_peers(U)
        ngx.say(#t)
    }
}
--- request
GET /t
--- response_body
weight: 0 (expected: an integer 1..1000000)
unknown parameter "color" (expected: weight, max_fails, fail_timeout, max_conns, down)
3
--- error_code: 200
--- no_error_log
[error]

=== TEST 38: remove a primary and a backup; a missing peer is no error (http)
--- http_config
upstream backend {
    zone zbackend 128k;
    server 127.0.0.1:6001 weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:6002 down;
    server 127.0.0.1:6003 backup;
}
upstream plain { server 127.0.0.1:6004; }
upstream empty { zone empty 64k; }
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream"
        local U, PLAIN, EMPTY, ZONE = "backend", "plain", "empty", "zbackend"
        local function say_peers(ok, peers, err)
            if not ok then ngx.say("error: ", err) return end
            for _, p in ipairs(peers) do
                ngx.say(p.name, " server=", p.server, " weight=", p.weight, " max_fails=", p.max_fails,
                        " fail_timeout=", p.fail_timeout, " max_conns=", p.max_conns, " conns=", p.conns,
                        " backup=", p.backup, " down=", p.down)
            end
        end
        ngx.say(du.remove_peer(U, "127.0.0.1:6002"))
        ngx.say(du.remove_peer(U, "127.0.0.1:6003"))
        ngx.say(du.remove_peer(U, "127.0.0.1:9999"))
        say_peers(du.get_peers(U))
    }
}
--- request
GET /t
--- response_body
truenilnil
truenilnil
truenilnil
127.0.0.1:6001 server=127.0.0.1:6001 weight=2 max_fails=3 fail_timeout=5 max_conns=7 conns=0 backup=false down=nil
--- error_code: 200
--- no_error_log
[error]

=== TEST 39: remove a primary and a backup; a missing peer is no error (stream)
--- stream_backends: A B C D
--- stream_config
upstream tcpback {
    zone ztcpback 128k;
    server 127.0.0.1:$TEST_NGINX_A_PORT weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:$TEST_NGINX_B_PORT down;
    server 127.0.0.1:$TEST_NGINX_C_PORT backup;
}
upstream tcpplain { server 127.0.0.1:$TEST_NGINX_D_PORT; }
upstream tcpempty { zone tcpempty 64k; }
server {
    listen 127.0.0.1:$TEST_NGINX_STREAM_PORT;
    proxy_pass tcpback;
}
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream.stream"
        local U, PLAIN, EMPTY, ZONE = "tcpback", "tcpplain", "tcpempty", "ztcpback"
        local function say_peers(ok, peers, err)
            if not ok then ngx.say("error: ", err) return end
            for _, p in ipairs(peers) do
                ngx.say(p.name, " server=", p.server, " weight=", p.weight, " max_fails=", p.max_fails,
                        " fail_timeout=", p.fail_timeout, " max_conns=", p.max_conns, " conns=", p.conns,
                        " backup=", p.backup, " down=", p.down)
            end
        end
        ngx.say(du.remove_peer(U, "127.0.0.1:$TEST_NGINX_B_PORT"))
        ngx.say(du.remove_peer(U, "127.0.0.1:$TEST_NGINX_C_PORT"))
        ngx.say(du.remove_peer(U, "127.0.0.1:9999"))
        say_peers(du.get_peers(U))
        -- no primary left up and the backup removed: nothing takes the connection
        ngx.say(du.set_peer_down(U, "127.0.0.1:$TEST_NGINX_A_PORT"))
    }
}
--- request
GET /t
--- response_body
truenilnil
truenilnil
truenilnil
127.0.0.1:$TEST_NGINX_A_PORT server=127.0.0.1:$TEST_NGINX_A_PORT weight=2 max_fails=3 fail_timeout=5 max_conns=7 conns=0 backup=false down=nil
truenilnil
--- stream_response chomp
--- error_code: 200
--- error_log
no live upstreams

=== TEST 40: remove the last peer leaves an empty list (http)
--- http_config
upstream backend {
    zone zbackend 128k;
    server 127.0.0.1:6001 weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:6002 down;
    server 127.0.0.1:6003 backup;
}
upstream plain { server 127.0.0.1:6004; }
upstream empty { zone empty 64k; }
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream"
        local U, PLAIN, EMPTY, ZONE = "backend", "plain", "empty", "zbackend"
        ngx.say(du.remove_peer(PLAIN, "127.0.0.1:6004"))
        local ok, t, err = du.get_peers(PLAIN)
        ngx.say(ok, " ", #t, " ", err)
    }
}
--- request
GET /t
--- response_body
truenilnil
true 0 nil
--- error_code: 200
--- no_error_log
[error]

=== TEST 41: remove the last peer leaves an empty list (stream)
# traffic: the emptied upstream takes no connection
--- stream_backends: A B C D
--- stream_config
upstream tcpback {
    zone ztcpback 128k;
    server 127.0.0.1:$TEST_NGINX_A_PORT weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:$TEST_NGINX_B_PORT down;
    server 127.0.0.1:$TEST_NGINX_C_PORT backup;
}
upstream tcpplain { server 127.0.0.1:$TEST_NGINX_D_PORT; }
upstream tcpempty { zone tcpempty 64k; }
server {
    listen 127.0.0.1:$TEST_NGINX_STREAM_PORT;
    proxy_pass tcpplain;
}
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream.stream"
        local U, PLAIN, EMPTY, ZONE = "tcpback", "tcpplain", "tcpempty", "ztcpback"
        ngx.say(du.remove_peer(PLAIN, "127.0.0.1:$TEST_NGINX_D_PORT"))
        local ok, t, err = du.get_peers(PLAIN)
        ngx.say(ok, " ", #t, " ", err)
    }
}
--- request
GET /t
--- response_body
truenilnil
true 0 nil
--- stream_response chomp
--- error_code: 200
--- error_log
no live upstreams

=== TEST 42: remove matches the resolved name too (http)
--- http_config
upstream backend {
    zone zbackend 128k;
    server 127.0.0.1:6001 weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:6002 down;
    server 127.0.0.1:6003 backup;
}
upstream plain { server 127.0.0.1:6004; }
upstream empty { zone empty 64k; }
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream"
        local U, PLAIN, EMPTY, ZONE = "backend", "plain", "empty", "zbackend"
        ngx.say(du.add_peer(U, "1.2.3.4"))
        ngx.say(du.remove_peer(U, "1.2.3.4:80"))
        local ok, t = du.get_peers(U)
        ngx.say(#t)
    }
}
--- request
GET /t
--- response_body
truenilnil
truenilnil
3
--- error_code: 200
--- no_error_log
[error]

=== TEST 43: remove matches the resolved name too (stream)
# traffic: the removed 1.2.3.4:80 takes no connection
--- stream_backends: A B C D
--- stream_config
upstream tcpback {
    zone ztcpback 128k;
    server 127.0.0.1:$TEST_NGINX_A_PORT weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:$TEST_NGINX_B_PORT down;
    server 127.0.0.1:$TEST_NGINX_C_PORT backup;
}
upstream tcpplain { server 127.0.0.1:$TEST_NGINX_D_PORT; }
upstream tcpempty { zone tcpempty 64k; }
server {
    listen 127.0.0.1:$TEST_NGINX_STREAM_PORT;
    # were 1.2.3.4:80 still there, it would take the second connection, which would then get nothing
    proxy_next_upstream off;
    proxy_connect_timeout 1s;
    proxy_pass tcpback;
}
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream.stream"
        local U, PLAIN, EMPTY, ZONE = "tcpback", "tcpplain", "tcpempty", "ztcpback"
        ngx.say(du.add_peer(U, "1.2.3.4"))
        ngx.say(du.remove_peer(U, "1.2.3.4:80"))
        local ok, t = du.get_peers(U)
        ngx.say(#t)
    }
}
--- request
GET /t
--- response_body
truenilnil
truenilnil
3
--- stream_connections: 2
--- stream_response
A
bye A
A
bye A
--- error_code: 200
--- no_error_log
[error]

=== TEST 44: set_peer_down and set_peer_up, idempotent (http)
--- http_config
upstream backend {
    zone zbackend 128k;
    server 127.0.0.1:6001 weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:6002 down;
    server 127.0.0.1:6003 backup;
}
upstream plain { server 127.0.0.1:6004; }
upstream empty { zone empty 64k; }
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream"
        local U, PLAIN, EMPTY, ZONE = "backend", "plain", "empty", "zbackend"
        ngx.say(du.set_peer_down(U, "127.0.0.1:6001"))
        ngx.say(du.set_peer_down(U, "127.0.0.1:6001"))
        local ok, t = du.get_peers(U)
        ngx.say(t[1].down)
        ngx.say(du.set_peer_up(U, "127.0.0.1:6001"))
        ngx.say(du.set_peer_up(U, "127.0.0.1:6002"))
        ok, t = du.get_peers(U)
        ngx.say(t[1].down, " ", t[2].down)
        ngx.say(du.set_peer_down(U, "127.0.0.1:6003"))
        ok, t = du.get_backup_peers(U)
        ngx.say(t[1].down)
    }
}
--- request
GET /t
--- response_body
truenilnil
truenilnil
true
truenilnil
truenilnil
nil nil
truenilnil
true
--- error_code: 200
--- no_error_log
[error]

=== TEST 45: set_peer_down and set_peer_up, idempotent (stream)
# traffic: B, set up, shares the connections 2:1 with A, set up again
--- stream_backends: A B C D
--- stream_config
upstream tcpback {
    zone ztcpback 128k;
    server 127.0.0.1:$TEST_NGINX_A_PORT weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:$TEST_NGINX_B_PORT down;
    server 127.0.0.1:$TEST_NGINX_C_PORT backup;
}
upstream tcpplain { server 127.0.0.1:$TEST_NGINX_D_PORT; }
upstream tcpempty { zone tcpempty 64k; }
server {
    listen 127.0.0.1:$TEST_NGINX_STREAM_PORT;
    proxy_pass tcpback;
}
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream.stream"
        local U, PLAIN, EMPTY, ZONE = "tcpback", "tcpplain", "tcpempty", "ztcpback"
        ngx.say(du.set_peer_down(U, "127.0.0.1:$TEST_NGINX_A_PORT"))
        ngx.say(du.set_peer_down(U, "127.0.0.1:$TEST_NGINX_A_PORT"))
        local ok, t = du.get_peers(U)
        ngx.say(t[1].down)
        ngx.say(du.set_peer_up(U, "127.0.0.1:$TEST_NGINX_A_PORT"))
        ngx.say(du.set_peer_up(U, "127.0.0.1:$TEST_NGINX_B_PORT"))
        ok, t = du.get_peers(U)
        ngx.say(t[1].down, " ", t[2].down)
        ngx.say(du.set_peer_down(U, "127.0.0.1:$TEST_NGINX_C_PORT"))
        ok, t = du.get_backup_peers(U)
        ngx.say(t[1].down)
    }
}
--- request
GET /t
--- response_body
truenilnil
truenilnil
true
truenilnil
truenilnil
nil nil
truenilnil
true
--- stream_connections: 3
--- stream_response
A
bye A
B
bye B
A
bye A
--- error_code: 200
--- no_error_log
[error]

=== TEST 46: up, down and update of an unknown peer (http)
--- http_config
upstream backend {
    zone zbackend 128k;
    server 127.0.0.1:6001 weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:6002 down;
    server 127.0.0.1:6003 backup;
}
upstream plain { server 127.0.0.1:6004; }
upstream empty { zone empty 64k; }
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream"
        local U, PLAIN, EMPTY, ZONE = "backend", "plain", "empty", "zbackend"
        ngx.say(du.set_peer_down(U, "127.0.0.1:9"))
        ngx.say(du.set_peer_up(U, "127.0.0.1:9"))
        ngx.say(du.update_peer(U, "127.0.0.1:9", {weight = 2}))
    }
}
--- request
GET /t
--- response_body
falsenilserver or peer is not found
falsenilserver or peer is not found
falsenilserver or peer is not found
--- error_code: 200
--- no_error_log
[error]

=== TEST 47: up, down and update of an unknown peer (stream)
# no traffic: every call names a peer that does not exist, so no peer changes
--- stream_config
upstream tcpback {
    zone ztcpback 128k;
    server 127.0.0.1:6001 weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:6002 down;
    server 127.0.0.1:6003 backup;
}
upstream tcpplain { server 127.0.0.1:6004; }
upstream tcpempty { zone tcpempty 64k; }
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream.stream"
        local U, PLAIN, EMPTY, ZONE = "tcpback", "tcpplain", "tcpempty", "ztcpback"
        ngx.say(du.set_peer_down(U, "127.0.0.1:9"))
        ngx.say(du.set_peer_up(U, "127.0.0.1:9"))
        ngx.say(du.update_peer(U, "127.0.0.1:9", {weight = 2}))
    }
}
--- request
GET /t
--- response_body
falsenilserver or peer is not found
falsenilserver or peer is not found
falsenilserver or peer is not found
--- error_code: 200
--- no_error_log
[error]

=== TEST 48: update_peer sets every parameter; 0 is allowed for max_fails, fail_timeout and max_conns (http)
--- http_config
upstream backend {
    zone zbackend 128k;
    server 127.0.0.1:6001 weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:6002 down;
    server 127.0.0.1:6003 backup;
}
upstream plain { server 127.0.0.1:6004; }
upstream empty { zone empty 64k; }
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream"
        local U, PLAIN, EMPTY, ZONE = "backend", "plain", "empty", "zbackend"
        local function say_peers(ok, peers, err)
            if not ok then ngx.say("error: ", err) return end
            for _, p in ipairs(peers) do
                ngx.say(p.name, " server=", p.server, " weight=", p.weight, " max_fails=", p.max_fails,
                        " fail_timeout=", p.fail_timeout, " max_conns=", p.max_conns, " conns=", p.conns,
                        " backup=", p.backup, " down=", p.down)
            end
        end
        ngx.say(du.update_peer(U, "127.0.0.1:6001", {weight = 4, max_fails = 0, fail_timeout = 0, max_conns = 0}))
        local ok, t = du.get_peers(U)
        say_peers(ok, {t[1]})
    }
}
--- request
GET /t
--- response_body
truenilnil
127.0.0.1:6001 server=127.0.0.1:6001 weight=4 max_fails=0 fail_timeout=0 max_conns=0 conns=0 backup=false down=nil
--- error_code: 200
--- no_error_log
[error]

=== TEST 49: update_peer sets every parameter; 0 is allowed for max_fails, fail_timeout and max_conns (stream)
--- stream_backends: A B C D
--- stream_config
upstream tcpback {
    zone ztcpback 128k;
    server 127.0.0.1:$TEST_NGINX_A_PORT weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:$TEST_NGINX_B_PORT down;
    server 127.0.0.1:$TEST_NGINX_C_PORT backup;
}
upstream tcpplain { server 127.0.0.1:$TEST_NGINX_D_PORT; }
upstream tcpempty { zone tcpempty 64k; }
server {
    listen 127.0.0.1:$TEST_NGINX_STREAM_PORT;
    proxy_pass tcpback;
}
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream.stream"
        local U, PLAIN, EMPTY, ZONE = "tcpback", "tcpplain", "tcpempty", "ztcpback"
        local function say_peers(ok, peers, err)
            if not ok then ngx.say("error: ", err) return end
            for _, p in ipairs(peers) do
                ngx.say(p.name, " server=", p.server, " weight=", p.weight, " max_fails=", p.max_fails,
                        " fail_timeout=", p.fail_timeout, " max_conns=", p.max_conns, " conns=", p.conns,
                        " backup=", p.backup, " down=", p.down)
            end
        end
        ngx.say(du.update_peer(U, "127.0.0.1:$TEST_NGINX_A_PORT", {weight = 4, max_fails = 0, fail_timeout = 0, max_conns = 0}))
        local ok, t = du.get_peers(U)
        say_peers(ok, {t[1]})
        -- a second primary up: weight 4 shows as A A B on three connections
        ngx.say(du.set_peer_up(U, "127.0.0.1:$TEST_NGINX_B_PORT"))
    }
}
--- request
GET /t
--- response_body
truenilnil
127.0.0.1:$TEST_NGINX_A_PORT server=127.0.0.1:$TEST_NGINX_A_PORT weight=4 max_fails=0 fail_timeout=0 max_conns=0 conns=0 backup=false down=nil
truenilnil
--- stream_connections: 3
--- stream_response
A
bye A
A
bye A
B
bye B
--- error_code: 200
--- no_error_log
[error]

=== TEST 50: update_peer takes numeric strings and whole floats (http)
--- http_config
upstream backend {
    zone zbackend 128k;
    server 127.0.0.1:6001 weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:6002 down;
    server 127.0.0.1:6003 backup;
}
upstream plain { server 127.0.0.1:6004; }
upstream empty { zone empty 64k; }
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream"
        local U, PLAIN, EMPTY, ZONE = "backend", "plain", "empty", "zbackend"
        ngx.say(du.update_peer(U, "127.0.0.1:6001", {weight = "7", max_conns = 2.0}))
        local ok, t = du.get_peers(U)
        ngx.say(t[1].weight, " ", t[1].max_conns)
    }
}
--- request
GET /t
--- response_body
truenilnil
7 2
--- error_code: 200
--- no_error_log
[error]

=== TEST 51: update_peer takes numeric strings and whole floats (stream)
--- stream_backends: A B C D
--- stream_config
upstream tcpback {
    zone ztcpback 128k;
    server 127.0.0.1:$TEST_NGINX_A_PORT weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:$TEST_NGINX_B_PORT down;
    server 127.0.0.1:$TEST_NGINX_C_PORT backup;
}
upstream tcpplain { server 127.0.0.1:$TEST_NGINX_D_PORT; }
upstream tcpempty { zone tcpempty 64k; }
server {
    listen 127.0.0.1:$TEST_NGINX_STREAM_PORT;
    proxy_pass tcpback;
}
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream.stream"
        local U, PLAIN, EMPTY, ZONE = "tcpback", "tcpplain", "tcpempty", "ztcpback"
        ngx.say(du.update_peer(U, "127.0.0.1:$TEST_NGINX_A_PORT", {weight = "7", max_conns = 2.0}))
        local ok, t = du.get_peers(U)
        ngx.say(t[1].weight, " ", t[1].max_conns)
        -- a second primary up: weight 7 shows as A A A on three connections
        ngx.say(du.set_peer_up(U, "127.0.0.1:$TEST_NGINX_B_PORT"))
    }
}
--- request
GET /t
--- response_body
truenilnil
7 2
truenilnil
--- stream_connections: 3
--- stream_response
A
bye A
A
bye A
A
bye A
--- error_code: 200
--- no_error_log
[error]

=== TEST 52: update_peer refuses out-of-range, fractional, unknown and mistyped values and changes nothing (http)
--- http_config
upstream backend {
    zone zbackend 128k;
    server 127.0.0.1:6001 weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:6002 down;
    server 127.0.0.1:6003 backup;
}
upstream plain { server 127.0.0.1:6004; }
upstream empty { zone empty 64k; }
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream"
        local U, PLAIN, EMPTY, ZONE = "backend", "plain", "empty", "zbackend"
        ngx.say(select(3, du.update_peer(U, "127.0.0.1:6001", {weight = 0})))
        ngx.say(select(3, du.update_peer(U, "127.0.0.1:6001", {weight = -3})))
        ngx.say(select(3, du.update_peer(U, "127.0.0.1:6001", {weight = "abc"})))
        ngx.say(select(3, du.update_peer(U, "127.0.0.1:6001", {weight = 2.9})))
        ngx.say(select(3, du.update_peer(U, "127.0.0.1:6001", {weight = 1e12})))
        ngx.say(select(3, du.update_peer(U, "127.0.0.1:6001", {max_fails = -1})))
        ngx.say(select(3, du.update_peer(U, "127.0.0.1:6001", {fail_timeout = -1})))
        ngx.say(select(3, du.update_peer(U, "127.0.0.1:6001", {max_conns = -5})))
        ngx.say(select(3, du.update_peer(U, "127.0.0.1:6001", {wieght = 2})))
        ngx.say(select(3, du.update_peer(U, "127.0.0.1:6001", {down = "yes"})))
        ngx.say(select(3, du.update_peer(U, "127.0.0.1:6001", {weight = {}})))
        ngx.say(select(3, du.update_peer(U, "127.0.0.1:6001", {weight = 3, max_fails = -1})))
        local ok, t = du.get_peers(U)
        ngx.say(t[1].weight)
    }
}
--- request
GET /t
--- response_body
weight: 0 (expected: an integer 1..1000000)
weight: -3 (expected: an integer 1..1000000)
weight: "abc" (expected: an integer 1..1000000)
weight: 2.9 (expected: an integer 1..1000000)
weight: 1000000000000 (expected: an integer 1..1000000)
max_fails: -1 (expected: an integer 0..1000000)
fail_timeout: -1 (expected: an integer 0..1000000)
max_conns: -5 (expected: an integer 0..1000000)
unknown parameter "wieght" (expected: weight, max_fails, fail_timeout, max_conns, down)
down: "yes" (expected: true, false, 1 or 0)
weight: table (expected: a number, a numeric string or a boolean)
max_fails: -1 (expected: an integer 0..1000000)
2
--- error_code: 200
--- no_error_log
[error]

=== TEST 53: update_peer refuses out-of-range, fractional, unknown and mistyped values and changes nothing (stream)
--- stream_backends: A B C D
--- stream_config
upstream tcpback {
    zone ztcpback 128k;
    server 127.0.0.1:$TEST_NGINX_A_PORT weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:$TEST_NGINX_B_PORT down;
    server 127.0.0.1:$TEST_NGINX_C_PORT backup;
}
upstream tcpplain { server 127.0.0.1:$TEST_NGINX_D_PORT; }
upstream tcpempty { zone tcpempty 64k; }
server {
    listen 127.0.0.1:$TEST_NGINX_STREAM_PORT;
    proxy_pass tcpback;
}
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream.stream"
        local U, PLAIN, EMPTY, ZONE = "tcpback", "tcpplain", "tcpempty", "ztcpback"
        ngx.say(select(3, du.update_peer(U, "127.0.0.1:$TEST_NGINX_A_PORT", {weight = 0})))
        ngx.say(select(3, du.update_peer(U, "127.0.0.1:$TEST_NGINX_A_PORT", {weight = -3})))
        ngx.say(select(3, du.update_peer(U, "127.0.0.1:$TEST_NGINX_A_PORT", {weight = "abc"})))
        ngx.say(select(3, du.update_peer(U, "127.0.0.1:$TEST_NGINX_A_PORT", {weight = 2.9})))
        ngx.say(select(3, du.update_peer(U, "127.0.0.1:$TEST_NGINX_A_PORT", {weight = 1e12})))
        ngx.say(select(3, du.update_peer(U, "127.0.0.1:$TEST_NGINX_A_PORT", {max_fails = -1})))
        ngx.say(select(3, du.update_peer(U, "127.0.0.1:$TEST_NGINX_A_PORT", {fail_timeout = -1})))
        ngx.say(select(3, du.update_peer(U, "127.0.0.1:$TEST_NGINX_A_PORT", {max_conns = -5})))
        ngx.say(select(3, du.update_peer(U, "127.0.0.1:$TEST_NGINX_A_PORT", {wieght = 2})))
        ngx.say(select(3, du.update_peer(U, "127.0.0.1:$TEST_NGINX_A_PORT", {down = "yes"})))
        ngx.say(select(3, du.update_peer(U, "127.0.0.1:$TEST_NGINX_A_PORT", {weight = {}})))
        ngx.say(select(3, du.update_peer(U, "127.0.0.1:$TEST_NGINX_A_PORT", {weight = 3, max_fails = -1})))
        local ok, t = du.get_peers(U)
        ngx.say(t[1].weight)
        -- a second primary up: weight 2 still shows as A B A on three connections
        ngx.say(du.set_peer_up(U, "127.0.0.1:$TEST_NGINX_B_PORT"))
    }
}
--- request
GET /t
--- response_body
weight: 0 (expected: an integer 1..1000000)
weight: -3 (expected: an integer 1..1000000)
weight: "abc" (expected: an integer 1..1000000)
weight: 2.9 (expected: an integer 1..1000000)
weight: 1000000000000 (expected: an integer 1..1000000)
max_fails: -1 (expected: an integer 0..1000000)
fail_timeout: -1 (expected: an integer 0..1000000)
max_conns: -5 (expected: an integer 0..1000000)
unknown parameter "wieght" (expected: weight, max_fails, fail_timeout, max_conns, down)
down: "yes" (expected: true, false, 1 or 0)
weight: table (expected: a number, a numeric string or a boolean)
max_fails: -1 (expected: an integer 0..1000000)
2
truenilnil
--- stream_connections: 3
--- stream_response
A
bye A
B
bye B
A
bye A
--- error_code: 200
--- no_error_log
[error]

=== TEST 54: down = true, 1 or "1" sets the peer down; false, 0 or "0" sets it up (http)
--- http_config
upstream backend {
    zone zbackend 128k;
    server 127.0.0.1:6001 weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:6002 down;
    server 127.0.0.1:6003 backup;
}
upstream plain { server 127.0.0.1:6004; }
upstream empty { zone empty 64k; }
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream"
        local U, PLAIN, EMPTY, ZONE = "backend", "plain", "empty", "zbackend"
        du.update_peer(U, "127.0.0.1:6001", {down = true})
        ngx.say(select(2, du.get_peers(U))[1].down)
        du.update_peer(U, "127.0.0.1:6001", {down = false})
        ngx.say(select(2, du.get_peers(U))[1].down)
        du.update_peer(U, "127.0.0.1:6001", {down = 1})
        ngx.say(select(2, du.get_peers(U))[1].down)
        du.update_peer(U, "127.0.0.1:6001", {down = 0})
        ngx.say(select(2, du.get_peers(U))[1].down)
        du.update_peer(U, "127.0.0.1:6001", {down = "1"})
        ngx.say(select(2, du.get_peers(U))[1].down)
        du.update_peer(U, "127.0.0.1:6001", {down = "0"})
        ngx.say(select(2, du.get_peers(U))[1].down)
    }
}
--- request
GET /t
--- response_body
true
nil
true
nil
true
nil
--- error_code: 200
--- no_error_log
[error]

=== TEST 55: down = true, 1 or "1" sets the peer down; false, 0 or "0" sets it up (stream)
# traffic: A, last set up with down = "0", takes the connection
--- stream_backends: A B C D
--- stream_config
upstream tcpback {
    zone ztcpback 128k;
    server 127.0.0.1:$TEST_NGINX_A_PORT weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:$TEST_NGINX_B_PORT down;
    server 127.0.0.1:$TEST_NGINX_C_PORT backup;
}
upstream tcpplain { server 127.0.0.1:$TEST_NGINX_D_PORT; }
upstream tcpempty { zone tcpempty 64k; }
server {
    listen 127.0.0.1:$TEST_NGINX_STREAM_PORT;
    proxy_pass tcpback;
}
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream.stream"
        local U, PLAIN, EMPTY, ZONE = "tcpback", "tcpplain", "tcpempty", "ztcpback"
        du.update_peer(U, "127.0.0.1:$TEST_NGINX_A_PORT", {down = true})
        ngx.say(select(2, du.get_peers(U))[1].down)
        du.update_peer(U, "127.0.0.1:$TEST_NGINX_A_PORT", {down = false})
        ngx.say(select(2, du.get_peers(U))[1].down)
        du.update_peer(U, "127.0.0.1:$TEST_NGINX_A_PORT", {down = 1})
        ngx.say(select(2, du.get_peers(U))[1].down)
        du.update_peer(U, "127.0.0.1:$TEST_NGINX_A_PORT", {down = 0})
        ngx.say(select(2, du.get_peers(U))[1].down)
        du.update_peer(U, "127.0.0.1:$TEST_NGINX_A_PORT", {down = "1"})
        ngx.say(select(2, du.get_peers(U))[1].down)
        du.update_peer(U, "127.0.0.1:$TEST_NGINX_A_PORT", {down = "0"})
        ngx.say(select(2, du.get_peers(U))[1].down)
    }
}
--- request
GET /t
--- response_body
true
nil
true
nil
true
nil
--- stream_response
A
bye A
--- error_code: 200
--- no_error_log
[error]

=== TEST 56: current_upstream outside a proxied request
--- http_config
upstream backend {
    zone zbackend 128k;
    server 127.0.0.1:6001 weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:6002 down;
    server 127.0.0.1:6003 backup;
}
upstream plain { server 127.0.0.1:6004; }
upstream empty { zone empty 64k; }
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream"
        local U, PLAIN, EMPTY, ZONE = "backend", "plain", "empty", "zbackend"
        ngx.say(du.current_upstream())
    }
}
--- request
GET /t
--- response_body
falsenilno proxying
--- error_code: 200
--- no_error_log
[error]

=== TEST 56a: current_upstream names the upstream in the header filter of a proxied request
--- http_config
upstream live { server 127.0.0.1:$TEST_NGINX_SERVER_PORT; }
--- config
location /backend {
    content_by_lua_block { ngx.say("live upstream") }
}
location /t {
    proxy_pass http://live/backend;
    header_filter_by_lua_block {
        local du = require "ngx.dynamic_upstream"
        ngx.header["X-Upstream"] = select(2, du.current_upstream())
    }
}
--- request
GET /t
--- response_headers
X-Upstream: live
--- response_body
live upstream
--- error_code: 200
--- no_error_log
[error]

=== TEST 57: current_upstream names the upstream in the log phase of a proxied request
--- http_config
upstream backend {
    zone zbackend 128k;
    server 127.0.0.1:6001 weight=2 max_fails=3 fail_timeout=5 max_conns=7;
    server 127.0.0.1:6002 down;
    server 127.0.0.1:6003 backup;
}
upstream plain { server 127.0.0.1:6004; }
upstream empty { zone empty 64k; }
upstream live { server 127.0.0.1:$TEST_NGINX_SERVER_PORT; }
--- config
location /backend {
    content_by_lua_block { ngx.say("live upstream") }
}
location /t {
    proxy_pass http://live/backend;
    log_by_lua_block {
        local du = require "ngx.dynamic_upstream"
        ngx.log(ngx.WARN, "current upstream: ", select(2, du.current_upstream()))
    }
}
--- request
GET /t
--- response_body
live upstream
--- error_log
current upstream: live
--- error_code: 200
--- no_error_log
[error]

=== TEST 58: a peer added from Lua to a stream upstream takes the next connection of a stream server
--- stream_config
upstream tcpback {
    zone ztcpback 128k;
    server 127.0.0.1:6001 down;
}
server {
    listen 127.0.0.1:$TEST_NGINX_STREAM_PORT;
    proxy_pass tcpback;
}
--- config
location /backend {
    content_by_lua_block { ngx.say("reached through the stream proxy") }
}
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream.stream"
        ngx.say(du.add_peer("tcpback", "127.0.0.1:$TEST_NGINX_SERVER_PORT"))
    }
}
--- request
GET /t
--- response_body
truenilnil
--- stream_request chomp
GET /backend HTTP/1.0\r\nHost: localhost\r\n\r\n
--- stream_response_like
^HTTP/1\.[01] 200 .*\r\n\r\nreached through the stream proxy\n$
--- error_code: 200
--- no_error_log
[error]

=== TEST 59: a peer set down from Lua takes no new stream connection: the next one finds no live upstream
--- stream_config
upstream tcpback {
    zone ztcpback 128k;
    server 127.0.0.1:$TEST_NGINX_SERVER_PORT;
}
server {
    listen 127.0.0.1:$TEST_NGINX_STREAM_PORT;
    proxy_pass tcpback;
}
--- config
location /t {
    content_by_lua_block {
        local du = require "ngx.dynamic_upstream.stream"
        ngx.say(du.set_peer_down("tcpback", "127.0.0.1:$TEST_NGINX_SERVER_PORT"))
    }
}
--- request
GET /t
--- response_body
truenilnil
--- stream_response chomp
--- error_code: 200
--- error_log
no live upstreams

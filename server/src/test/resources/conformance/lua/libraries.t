# The libraries OpenResty ships that dynup provides in Lua: ngx.shared.DICT, cjson, and the ngx string codecs.
# The same behaviour is tested on a bare VM in io.dynup.lua.lib (SharedDictLibTest, CjsonLibTest,
# CodecsLibTest).

=== TEST 1: shared dict: set and get strings, numbers, booleans and flags
--- http_config
lua_shared_dict cache 1m;
--- config
location /t {
    content_by_lua_block {
        local cache = ngx.shared.cache
        ngx.say(cache:set("s", "hello"))
        ngx.say(cache:get("s"))
        cache:set("n", 3.5)
        cache:set("b", false)
        cache:set("f", "x", 0, 7)
        ngx.say(cache:get("n"), " ", type(cache:get("n")), " ", cache:get("b"))
        ngx.say(cache:get("f"))
        ngx.say(cache:get("missing"))
        ngx.say(ngx.shared.nosuch)
        cache:set("s", nil)
        ngx.say(cache:get("s"))
    }
}
--- request
GET /t
--- response_body
truenilfalse
hello
3.5 number false
x7
nil
nil
nil
--- error_code: 200
--- no_error_log
[error]

=== TEST 2: shared dict: add, replace, delete and their errors
--- http_config
lua_shared_dict cache 1m;
--- config
location /t {
    content_by_lua_block {
        local cache = ngx.shared.cache
        ngx.say(cache:add("k", 1))
        ngx.say(cache:add("k", 2))
        ngx.say(cache:safe_add("k", 2))
        ngx.say(cache:replace("k", 3))
        ngx.say(cache:replace("other", 3))
        ngx.say(cache:get("k"))
        ngx.say(cache:delete("k"))
        ngx.say(cache:get("k"))
        ngx.say(cache:get(nil))
        ngx.say(cache:get(""))
        ngx.say(cache:set("k", {}))
    }
}
--- request
GET /t
--- response_body
truenilfalse
falseexistsfalse
falseexistsfalse
truenilfalse
falsenot foundfalse
3
truenilfalse
nil
nilnil key
nilempty key
nilbad value type
--- error_code: 200
--- no_error_log
[error]

=== TEST 3: shared dict: incr with and without init
--- http_config
lua_shared_dict cache 1m;
--- config
location /t {
    content_by_lua_block {
        local cache = ngx.shared.cache
        ngx.say(cache:incr("c", 1))
        ngx.say(cache:incr("c", 1, 10))
        ngx.say(cache:incr("c", -2))
        cache:set("s", "x")
        ngx.say(cache:incr("s", 1))
        ngx.say(pcall(cache.incr, cache, "c", 1, nil, 5))
    }
}
--- request
GET /t
--- response_body_like
^nilnot found
11nilfalse
9
nilnot a number
false.*must provide "init" when providing "init_ttl"
$
--- error_code: 200
--- no_error_log
[error]

=== TEST 4: shared dict: keys, ttl, expire, flush_all and stale reads
--- http_config
lua_shared_dict cache 1m;
--- config
location /t {
    content_by_lua_block {
        local cache = ngx.shared.cache
        cache:set("a", 1)
        cache:set("b", 2, 100)
        ngx.say(#cache:get_keys(), " ", #cache:get_keys(1))
        ngx.say(cache:ttl("a"), " ", cache:ttl("b") > 99)
        ngx.say(cache:ttl("missing"))
        ngx.say(cache:expire("a", 50), " ", cache:ttl("a") > 49)
        ngx.say(cache:expire("missing", 1))
        cache:flush_all()
        ngx.say(cache:get("a"), " ", #cache:get_keys(0))
        ngx.say(cache:get_stale("a"))
        ngx.say(cache:flush_expired())
        ngx.say(cache:get_stale("a"))
        ngx.say(cache:capacity(), " ", cache:free_space() == cache:capacity())
        ngx.say(pcall(cache.get, "a"))
    }
}
--- request
GET /t
--- response_body_like
^2 1
0 true
nilnot found
true true
nilnot found
nil 0
1niltrue
2
nil
1048576 true
false.*bad "zone" argument
$
--- error_code: 200
--- no_error_log
[error]

=== TEST 5: shared dict: lists
--- http_config
lua_shared_dict cache 1m;
--- config
location /t {
    content_by_lua_block {
        local cache = ngx.shared.cache
        ngx.say(cache:lpush("l", "b"), " ", cache:lpush("l", "a"), " ", cache:rpush("l", 3))
        ngx.say(cache:llen("l"))
        ngx.say(cache:get("l"))
        ngx.say(cache:lpop("l"), " ", cache:rpop("l"), " ", cache:lpop("l"), " ", cache:lpop("l"))
        cache:set("s", 1)
        ngx.say(cache:lpush("s", 1))
    }
}
--- request
GET /t
--- response_body
1 2 3
3
nilvalue is a list
a 3 b nil
nilvalue not a list
--- error_code: 200
--- no_error_log
[error]

=== TEST 6: cjson encodes as lua-cjson does
--- config
location /t {
    content_by_lua_block {
        local cjson = require "cjson"
        ngx.say(cjson.encode({1, 2, 3}))
        ngx.say(cjson.encode({}))
        ngx.say(cjson.encode({a = {}}))
        ngx.say(cjson.encode({1, nil, 3}))
        ngx.say(cjson.encode({0.1, 1/3, 1e20, 100, -0.0}))
        ngx.say(cjson.encode("a/b\"c\\d\n\1"))
        ngx.say(cjson.encode({ngx.null, cjson.null == ngx.null}))
        ngx.say(cjson.encode(cjson.empty_array))
        ngx.say(pcall(cjson.encode, {[1] = 1, [2] = 2, [20] = 3}))
        ngx.say(pcall(cjson.encode, print))
        ngx.say(pcall(cjson.encode, 1/0))
        cjson.encode_empty_table_as_object(false)
        ngx.say(cjson.encode({}))
    }
}
--- request
GET /t
--- response_body
[1,2,3]
{}
{"a":{}}
[1,null,3]
[0.1,0.33333333333333,1e+20,100,-0]
"a\/b\"c\\d\n\u0001"
[null,true]
[]
falseCannot serialise table: excessively sparse array
falseCannot serialise function: type not supported
falseCannot serialise number: must not be NaN or Infinity
[]
--- error_code: 200
--- no_error_log
[error]

=== TEST 7: cjson decodes, and cjson.safe answers nil and the error
--- config
location /t {
    content_by_lua_block {
        local cjson = require "cjson"
        local safe = require "cjson.safe"
        local v = cjson.decode('{"name": "backend", "peers": [{"weight": 2, "down": null}], "ok": true}')
        ngx.say(v.name, " ", v.peers[1].weight, " ", v.peers[1].down == ngx.null, " ", v.ok)
        ngx.say(cjson.decode('"\\u00e9\\/"'))
        ngx.say(safe.decode("x"))
        ngx.say(safe.decode(""))
        ngx.say(safe.decode("[1 2]"))
        ngx.say(safe.decode('{"a" 1}'))
        ngx.say(safe.decode('"abc'))
        ngx.say(safe.decode("[1] x"))
        ngx.say(safe.encode(print))
        ngx.say(pcall(cjson.decode, "{"))
    }
}
--- request
GET /t
--- response_body
backend 2 true true
é/
nilExpected value but found invalid token at character 1
nilExpected value but found T_END at character 1
nilExpected comma or array end but found T_NUMBER at character 4
nilExpected colon but found T_NUMBER at character 6
nilExpected value but found unexpected end of string at character 5
nilExpected the end but found invalid token at character 5
nilCannot serialise function: type not supported
falseExpected object key string but found T_END at character 2
--- error_code: 200
--- no_error_log
[error]

=== TEST 8: escape_uri, unescape_uri, encode_args and decode_args
--- config
location /t {
    content_by_lua_block {
        ngx.say(ngx.escape_uri("a b/c?d=e&f+g~h.i_j-k"))
        ngx.say(ngx.escape_uri("\228\184\173"))
        ngx.say(ngx.escape_uri("a b/c?#%", 0))
        ngx.say(ngx.unescape_uri("a%20b+c%2Bd%zz%4"))
        ngx.say(ngx.encode_args({a = "x y/z"}))
        ngx.say(ngx.encode_args({e = {1, "z/", true, false}}))
        local args = ngx.decode_args("a=1&b&c=&a=2&d=%41+b")
        ngx.say(args.a[1], ",", args.a[2], " ", args.b, " [", args.c, "] ", args.d)
        ngx.say(select(2, ngx.decode_args("a=1&b=2&c=3", 2)))
    }
}
--- request
GET /t
--- response_body
a%20b%2Fc%3Fd%3De%26f%2Bg~h.i_j-k
%E4%B8%AD
a%20b/c%3F%23%25
a b c+d%zz%4
a=x%20y%2Fz
e=1&e=z%2F&e
1,2 true [] A b
truncated
--- error_code: 200
--- no_error_log
[error]

=== TEST 9: md5, sha1_bin, hmac_sha1, base64 and crc32
--- config
location /t {
    content_by_lua_block {
        ngx.say(ngx.md5("hello"))
        ngx.say(ngx.encode_base64(ngx.md5_bin("hello")))
        ngx.say(ngx.encode_base64(ngx.sha1_bin("hello")))
        ngx.say(ngx.encode_base64(ngx.hmac_sha1("key", "The quick brown fox jumps over the lazy dog")))
        ngx.say(ngx.encode_base64("hello"), " ", ngx.encode_base64("hello", true))
        ngx.say(ngx.decode_base64("aGVsbG8="), " ", ngx.decode_base64("aGVsbG8"), " ", ngx.decode_base64("a"))
        ngx.say(ngx.crc32_short("hello"), " ", ngx.crc32_long("hello"))
    }
}
--- request
GET /t
--- response_body
5d41402abc4b2a76b9719d911017c592
XUFAKrxLKna5cZ2REBfFkg==
qvTGHdzF6KLavt4PO0gs2a6pQ00=
3nybhbi3iqa8ino29wqQcBydtNk=
aGVsbG8= aGVsbG8
hello hello nil
907060870 907060870
--- error_code: 200
--- no_error_log
[error]

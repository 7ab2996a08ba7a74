-- A stand-in for ngx_dynamic_upstream_lua's get_peers on stock nginx, which has no such module: the same call,
-- the same three return values and a fresh peer table per peer per call, as the real module builds them from
-- the upstream's shared zone. It reads no shared memory and takes no lock, so nginx's figure with it is an
-- upper bound of what the real module would do.
local _M = {}

local peers = {
    {name = "127.0.0.1:8001", server = "127.0.0.1:8001", weight = 1, max_fails = 1, fail_timeout = 10},
    {name = "127.0.0.1:8002", server = "127.0.0.1:8002", weight = 2, max_fails = 3, fail_timeout = 5},
    {name = "127.0.0.1:8003", server = "127.0.0.1:8003", weight = 1, max_fails = 1, fail_timeout = 10,
     backup = true},
}

function _M.get_peers(upstream)
    if upstream ~= "backend" then
        return false, nil, "upstream not found"
    end
    local out = {}
    for i, p in ipairs(peers) do
        out[i] = {name = p.name, server = p.server, weight = p.weight, max_conns = 0, conns = 0,
                  max_fails = p.max_fails, fail_timeout = p.fail_timeout, backup = p.backup or false}
    end
    return true, out, nil
end

return _M

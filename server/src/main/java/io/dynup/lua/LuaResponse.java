package io.dynup.lua;

/**
 * The response state every Lua phase of one request shares: {@code ngx.status} and whether the head is out
 * (after which status and headers are frozen). Confined to the request's event loop.
 */
final class LuaResponse {

    /** {@code ngx.status}: 0 until set or sent. */
    int status;
    boolean headSent;
}

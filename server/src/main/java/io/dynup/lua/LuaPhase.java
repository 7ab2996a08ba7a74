package io.dynup.lua;

/**
 * Where a Lua chunk runs, as OpenResty names its contexts: each allows part of the {@code ngx} API, and an API
 * used elsewhere raises OpenResty's {@code API disabled in the context of log_by_lua*}.
 */
public enum LuaPhase {
    INIT("init_by_lua*", false, false, false),
    INIT_WORKER("init_worker_by_lua*", false, false, false),
    TIMER("ngx.timer", false, true, false),
    REWRITE("rewrite_by_lua*", true, true, true),
    ACCESS("access_by_lua*", true, true, true),
    CONTENT("content_by_lua*", true, true, true),
    HEADER_FILTER("header_filter_by_lua*", false, false, true),
    LOG("log_by_lua*", false, false, true);

    private final String context;
    private final boolean output;
    private final boolean yielding;
    private final boolean request;

    LuaPhase(String context, boolean output, boolean yielding, boolean request) {
        this.context = context;
        this.output = output;
        this.yielding = yielding;
        this.request = request;
    }

    /** OpenResty's name of the context in error messages, e.g. {@code log_by_lua*}. */
    public String context() {
        return context;
    }

    /** ngx.say, ngx.print, ngx.flush, ngx.req.read_body. */
    boolean output() {
        return output;
    }

    /** ngx.sleep and other calls that suspend the running thread. */
    boolean yieldable() {
        return yielding;
    }

    /** ngx.var, ngx.req, ngx.header: there is a request. */
    boolean request() {
        return request;
    }

    /** OpenResty's error for an API this phase does not allow. */
    String disabled() {
        return "API disabled in the context of " + context;
    }

    /**
     * Whether a failure is logged as {@code failed to run log_by_lua*: ...} (phases that are no entry thread of
     * the request) rather than {@code lua entry thread aborted: runtime error: ...}.
     */
    boolean reportsAsFailedToRun() {
        return this == HEADER_FILTER || this == LOG;
    }

    /** Rewrite and access: the request goes on to the next phase when the handler ends without answering. */
    boolean beforeContent() {
        return this == REWRITE || this == ACCESS;
    }
}

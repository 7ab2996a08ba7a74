package io.dynup.lua;

import io.netty.util.concurrent.EventExecutor;

/** One event loop's Lua VM and the scheduler that resumes its threads on that loop (an nginx worker). */
record LuaWorker(EventExecutor loop, LuaVm vm, LuaScheduler scheduler) {
}

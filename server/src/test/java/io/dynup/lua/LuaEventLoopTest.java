package io.dynup.lua;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;

/** The engine on a real Netty event loop: one thread runs the VM and resumes every sleeping request. */
class LuaEventLoopTest {

    @Test
    void tenThousandSleepersOnOneEventLoop() throws Exception {
        EventLoop loop = new DefaultEventLoop();
        try {
            int n = 10_000;
            LuaVm vm = loop.submit(LuaVm::new).get();
            LuaScheduler scheduler = LuaScheduler.of(loop);
            CountDownLatch done = new CountDownLatch(n);
            AtomicInteger ok = new AtomicInteger();
            int threadsBefore = Thread.activeCount();
            long start = System.nanoTime();
            loop.submit(() -> {
                LuaChunk chunk = vm.chunk("content_by_lua(nginx.conf:1)",
                        "ngx.sleep(0.2) ngx.print('a') ngx.sleep(0.05) ngx.print('b')");
                for (int i = 0; i < n; i++) {
                    vm.request(chunk, new LuaOutput() {
                        final StringBuilder body = new StringBuilder();

                        @Override
                        public void sendHead(int status) {
                        }

                        @Override
                        public void write(byte[] bytes) {
                            body.append(new String(bytes));
                        }

                        @Override
                        public void finish(int status) {
                            if (status == 200 && body.toString().equals("ab")) {
                                ok.incrementAndGet();
                            }
                            done.countDown();
                        }

                        @Override
                        public void abort() {
                            done.countDown();
                        }
                    }, scheduler).start();
                }
                return null;
            }).get();
            assertThat(loop.submit(vm::liveRequests).get()).isEqualTo(n);
            assertThat(Thread.activeCount()).isLessThanOrEqualTo(threadsBefore);
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(ok.get()).isEqualTo(n);
            assertThat(elapsedMs).isGreaterThanOrEqualTo(250);
            assertThat(loop.submit(vm::liveRequests).get()).isZero();
            loop.submit(vm::close).get();
        } finally {
            loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}

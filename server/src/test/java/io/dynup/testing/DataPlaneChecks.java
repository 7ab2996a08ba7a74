package io.dynup.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;

/**
 * What every data-plane integration test asserts besides its own checks (Zuul's leak-checked integration tests,
 * Netty's recorded event-loop exceptions): Netty's leak detector runs PARANOID, and a test fails when, by its end,
 *
 * <ul>
 *   <li>the detector reported a leaked buffer ("LEAK: ByteBuf.release() was not called ..."), or</li>
 *   <li>Netty logged a failure that would otherwise vanish inside an event loop: an exception reaching the end of a
 *       pipeline, a task or listener that threw, a promise completed twice; or</li>
 *   <li>the http core caught an unexpected exception from a content handler.</li>
 * </ul>
 *
 * Use with {@code @ExtendWith(DataPlaneChecks.class)}. The leak check forces collections and allocations after
 * each test, because the detector reports a leak only when the lost buffer was collected and the next buffer is
 * tracked. Tests in one JVM run one after another, so the captured events belong to the test that just ran (or, for
 * a leak found late, the one before, which still fails the build).
 */
public final class DataPlaneChecks implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback {

    private static final List<String> PROBLEMS = new CopyOnWriteArrayList<>();
    private static volatile boolean installed;

    @Override
    public void beforeAll(ExtensionContext context) {
        install();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        PROBLEMS.clear();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        flushLeaks();
        List<String> found = new ArrayList<>(PROBLEMS);
        PROBLEMS.clear();
        if (!found.isEmpty()) {
            throw new AssertionError("data plane problems in " + context.getDisplayName() + ":\n"
                                     + String.join("\n---\n", found));
        }
    }

    /** Sets PARANOID and starts capturing; idempotent. */
    public static synchronized void install() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        if (installed) {
            return;
        }
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent e) {
                if (isProblem(e)) {
                    PROBLEMS.add(e.getLoggerName() + " " + e.getLevel() + ": " + e.getFormattedMessage()
                                 + (e.getThrowableProxy() != null ? "\n  " + e.getThrowableProxy().getClassName()
                                    + ": " + e.getThrowableProxy().getMessage() : ""));
                }
            }
        };
        appender.setContext(root.getLoggerContext());
        appender.setName("data-plane-checks");
        appender.start();
        root.addAppender(appender);
        installed = true;
    }

    static boolean isProblem(ILoggingEvent e) {
        String logger = e.getLoggerName();
        if (logger.startsWith("io.netty.") && e.getLevel().isGreaterOrEqual(Level.WARN)) {
            return true;
        }
        return e.getFormattedMessage().startsWith("unexpected error in ");
    }

    /** The problems captured so far (for tests of this fixture). */
    static List<String> problems() {
        return PROBLEMS;
    }

    /**
     * Makes the detector report what was lost: collect, let the reference handler enqueue, then track new buffers
     * of both kinds, which is when the detector drains its queue.
     */
    public static void flushLeaks() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            try {
                Thread.sleep(25); // lets the reference handler thread enqueue what the collection found
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            ByteBuf d = ByteBufAllocator.DEFAULT.directBuffer(16);
            ByteBuf h = ByteBufAllocator.DEFAULT.heapBuffer(16);
            ByteBuf u = Unpooled.directBuffer(16);
            d.release();
            h.release();
            u.release();
        }
    }
}

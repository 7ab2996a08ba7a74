package io.dynup.testing;

import java.util.ArrayDeque;
import java.util.Deque;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Closes what a test started once it ends, passed or failed:
 * {@code @RegisterExtension final Closer closer = new Closer();} and then
 * {@code Backend b = closer.add(Backend.text("b"));}.
 *
 * <p>Resources close in the reverse order of {@link #add}, as with try-with-resources: a server added after the
 * backends it proxies to closes first, so its connections end before the backends see them drop. Every resource
 * is closed even when one throws; the first failure is rethrown with the later ones suppressed. Closing runs after
 * the test's own {@code @AfterEach} methods, and before the checks of a class-level extension such as
 * {@link DataPlaneChecks}, which then see everything closed.
 */
public final class Closer implements AfterEachCallback {

    private final Deque<AutoCloseable> resources = new ArrayDeque<>();

    /** Registers {@code resource} to be closed after the test, and returns it. */
    public <T extends AutoCloseable> T add(T resource) {
        resources.push(resource);
        return resource;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        close();
    }

    /** Closes and forgets everything added so far, the last added first. */
    void close() throws Exception {
        Throwable first = null;
        for (AutoCloseable r = resources.poll(); r != null; r = resources.poll()) {
            try {
                r.close();
            } catch (Exception | AssertionError e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first instanceof AssertionError e) {
            throw e;
        }
        if (first != null) {
            throw (Exception) first;
        }
    }
}

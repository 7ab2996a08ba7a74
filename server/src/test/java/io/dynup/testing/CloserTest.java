package io.dynup.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class CloserTest {

    private final Closer closer = new Closer();
    private final List<String> closed = new ArrayList<>();

    private AutoCloseable resource(String name) {
        return () -> closed.add(name);
    }

    private AutoCloseable failing(String name, Exception failure) {
        return () -> {
            closed.add(name);
            throw failure;
        };
    }

    @Test
    void closesTheLastAddedFirst() throws Exception {
        closer.add(resource("backend"));
        closer.add(resource("other backend"));
        closer.add(resource("server"));
        closer.afterEach(null);
        assertThat(closed).containsExactly("server", "other backend", "backend");
    }

    @Test
    void addReturnsWhatItWasGiven() {
        AutoCloseable r = resource("r");
        assertThat(closer.add(r)).isSameAs(r);
    }

    @Test
    void closesEverythingWhenSomeThrowAndRethrowsTheFirstFailureWithTheOthersSuppressed() {
        IOException early = new IOException("first added");
        IllegalStateException late = new IllegalStateException("last added");
        closer.add(failing("a", early));
        closer.add(resource("b"));
        closer.add(failing("c", late));
        closer.add(resource("d"));
        // "c" is closed before "a", so its failure is the first one
        assertThatThrownBy(() -> closer.afterEach(null)).isSameAs(late).hasSuppressedException(early);
        assertThat(closed).containsExactly("d", "c", "b", "a");
    }

    @Test
    void anAssertionFailureInACloseStopsNoOtherClose() {
        closer.add(resource("a"));
        closer.add(() -> {
            throw new AssertionError("connections left open");
        });
        assertThatThrownBy(() -> closer.afterEach(null)).isInstanceOf(AssertionError.class)
                .hasMessage("connections left open");
        assertThat(closed).containsExactly("a");
    }

    @Test
    void eachResourceIsClosedOnce() throws Exception {
        closer.add(resource("a"));
        closer.afterEach(null);
        closer.afterEach(null);
        assertThat(closed).containsExactly("a");
    }
}

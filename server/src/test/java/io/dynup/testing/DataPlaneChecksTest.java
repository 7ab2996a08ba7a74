package io.dynup.testing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** The fixture must see what it is meant to catch, or a clean run proves nothing. */
class DataPlaneChecksTest {

    @Test
    void aLostBufferIsReported() {
        DataPlaneChecks.install();
        DataPlaneChecks.problems().clear();
        lose();
        DataPlaneChecks.flushLeaks();
        assertThat(DataPlaneChecks.problems()).anySatisfy(p -> assertThat(p).contains("LEAK"));
        DataPlaneChecks.problems().clear();
    }

    private static void lose() {
        ByteBuf b = ByteBufAllocator.DEFAULT.directBuffer(64);
        b.writeInt(42);
    }
}

package io.dynup.config;

import static io.dynup.config.Context.HTTP;
import static io.dynup.config.Context.HTTP_SERVER;
import static io.dynup.config.Context.HTTP_UPSTREAM;
import static io.dynup.config.Context.MAIN;
import static io.dynup.config.Context.STREAM;
import static io.dynup.config.Context.STREAM_SERVER;
import static io.dynup.config.Context.STREAM_UPSTREAM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The declarative table: specs, lookup by name and context, and the core entries. */
class DirectiveTableTest {

    private final DirectiveTable core = CoreDirectives.table();

    @Test
    void lookupPicksTheSpecForTheContext() {
        DirectiveSpec httpServer = core.lookup("server", HTTP).orElseThrow();
        assertThat(httpServer.blockKind()).isEqualTo(BlockKind.BLOCK);
        assertThat(httpServer.childContext()).isEqualTo(HTTP_SERVER);
        assertThat(core.lookup("server", STREAM).orElseThrow().childContext()).isEqualTo(STREAM_SERVER);

        DirectiveSpec peer = core.lookup("server", HTTP_UPSTREAM).orElseThrow();
        assertThat(peer.blockKind()).isEqualTo(BlockKind.NONE);
        assertThat(peer.minArgs()).isEqualTo(1);
        assertThat(peer.maxArgs()).isEqualTo(DirectiveSpec.UNBOUNDED);
        assertThat(core.lookup("server", STREAM_UPSTREAM)).contains(peer);

        assertThat(core.lookup("upstream", HTTP).orElseThrow().childContext()).isEqualTo(HTTP_UPSTREAM);
        assertThat(core.lookup("upstream", STREAM).orElseThrow().childContext()).isEqualTo(STREAM_UPSTREAM);
        assertThat(core.lookup("server", MAIN)).isEmpty();
        assertThat(core.isKnown("server")).isTrue();
        assertThat(core.isKnown("listen")).isFalse();
    }

    @Test
    void httpOnlyUpstreamDirectives() {
        for (String name : new String[] {"keepalive", "keepalive_timeout", "keepalive_requests", "ip_hash"}) {
            assertThat(core.lookup(name, HTTP_UPSTREAM)).as(name).isPresent();
            assertThat(core.lookup(name, STREAM_UPSTREAM)).as(name).isEmpty();
        }
        for (String name : new String[] {"zone", "least_conn", "hash", "random", "dns_update"}) {
            assertThat(core.lookup(name, HTTP_UPSTREAM)).as(name).isPresent();
            assertThat(core.lookup(name, STREAM_UPSTREAM)).as(name).isPresent();
        }
    }

    @Test
    void includeIsAllowedEverywhere() {
        for (Context c : Context.values()) {
            assertThat(core.lookup("include", c)).as(c.name()).isPresent();
        }
    }

    @Test
    void coreArgumentRanges() {
        assertThat(core.lookup("error_log", HTTP_SERVER).orElseThrow())
                .extracting(DirectiveSpec::minArgs, DirectiveSpec::maxArgs).containsExactly(1, 2);
        assertThat(core.lookup("random", HTTP_UPSTREAM).orElseThrow())
                .extracting(DirectiveSpec::minArgs, DirectiveSpec::maxArgs).containsExactly(0, 2);
        assertThat(core.lookup("events", MAIN).orElseThrow().childContext()).isEqualTo(Context.EVENTS);
    }

    @Test
    void laterModulesExtendTheTableThroughTheBuilder() {
        DirectiveTable extended = DirectiveTable.builder()
                .addAll(CoreDirectives.ALL)
                .add(DirectiveSpec.simple("listen", 1, DirectiveSpec.UNBOUNDED, HTTP_SERVER, STREAM_SERVER))
                .build();
        assertThat(extended.lookup("listen", STREAM_SERVER)).isPresent();
        assertThat(extended.specs()).hasSize(CoreDirectives.ALL.size() + 1);
        assertThat(core.isKnown("listen")).isFalse();
    }

    @Test
    void aNameMayNotBeDeclaredTwiceForOneContext() {
        DirectiveTable.Builder builder = DirectiveTable.builder().addAll(CoreDirectives.ALL);
        assertThatThrownBy(() -> builder.add(DirectiveSpec.simple("zone", 1, 1, STREAM_UPSTREAM)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("zone");
    }

    @Test
    void specFactories() {
        DirectiveSpec simple = DirectiveSpec.simple("zone", 1, 2, HTTP_UPSTREAM, STREAM_UPSTREAM);
        assertThat(simple).isEqualTo(new DirectiveSpec("zone", EnumSet.of(HTTP_UPSTREAM, STREAM_UPSTREAM), 1, 2,
                BlockKind.NONE, null));
        DirectiveSpec block = DirectiveSpec.block("http", 0, 0, HTTP, MAIN);
        assertThat(block.contexts()).isEqualTo(Set.of(MAIN));
        assertThat(block.childContext()).isEqualTo(HTTP);
        DirectiveSpec raw = DirectiveSpec.raw("content_by_lua_block", Context.HTTP_LOCATION);
        assertThat(raw.blockKind()).isEqualTo(BlockKind.RAW);
        assertThat(raw.acceptsArgCount(0)).isTrue();
        assertThat(raw.acceptsArgCount(1)).isFalse();
    }

    @Test
    void specsAreValidated() {
        assertThatThrownBy(() -> DirectiveSpec.simple("x", 1, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DirectiveSpec.simple("", 1, 1, MAIN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DirectiveSpec.simple("x", 2, 1, MAIN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DirectiveSpec.simple("x", -1, 1, MAIN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DirectiveSpec("x", Set.of(MAIN), 0, 0, BlockKind.BLOCK, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DirectiveSpec("x", Set.of(MAIN), 0, 0, BlockKind.NONE, HTTP))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

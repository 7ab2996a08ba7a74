package io.dynup.config;

import static io.dynup.config.Context.HTTP;
import static io.dynup.config.Context.HTTP_LOCATION;
import static io.dynup.config.Context.HTTP_SERVER;
import static io.dynup.config.DirectiveSpec.UNBOUNDED;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;

/** Shared tables and helpers for the config tests. */
final class TestConfigs {

    /** Where {@link #parse(String)} pretends its text comes from; errors name this file. */
    static final Path FILE = Path.of("/etc/dynup/nginx.conf");

    /** Directives the seed configuration uses beyond core's; test-only until the server module declares them. */
    static final List<DirectiveSpec> SEED_EXTRAS = List.of(
            DirectiveSpec.simple("listen", 1, UNBOUNDED, HTTP_SERVER),
            DirectiveSpec.block("location", 1, 2, HTTP_LOCATION, HTTP_SERVER, HTTP_LOCATION),
            DirectiveSpec.simple("default_type", 1, 1, HTTP, HTTP_SERVER, HTTP_LOCATION),
            DirectiveSpec.simple("return", 1, 2, HTTP_SERVER, HTTP_LOCATION),
            DirectiveSpec.simple("set", 2, 2, HTTP_SERVER, HTTP_LOCATION),
            DirectiveSpec.simple("lua_package_path", 1, 1, HTTP),
            DirectiveSpec.simple("lua_socket_log_errors", 1, 1, HTTP, HTTP_SERVER, HTTP_LOCATION),
            DirectiveSpec.raw("content_by_lua_block", HTTP_LOCATION));

    /** Core directives plus {@link #SEED_EXTRAS}. */
    static final DirectiveTable TABLE = DirectiveTable.builder()
            .addAll(CoreDirectives.ALL)
            .addAll(SEED_EXTRAS)
            .build();

    private TestConfigs() {
    }

    static Config parse(String text) {
        return ConfigParser.parseString(text, FILE, TABLE);
    }

    /** Asserts that parsing {@code text} fails with exactly {@code message}. */
    static AbstractThrowableAssert<?, ? extends Throwable> assertParseError(String text, String message) {
        return assertThatThrownBy(() -> parse(text))
                .isInstanceOf(ConfigException.class)
                .hasMessage(message);
    }

    /** The message nginx would print for {@code reason} at {@code line} of {@link #FILE}. */
    static String at(String reason, int line) {
        return reason + " in " + FILE + ":" + line;
    }
}

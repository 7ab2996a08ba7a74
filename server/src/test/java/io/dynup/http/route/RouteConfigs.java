package io.dynup.http.route;

import static io.dynup.config.Context.HTTP_LOCATION;
import static io.dynup.config.Context.HTTP_SERVER;
import static io.dynup.config.DirectiveSpec.UNBOUNDED;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dynup.config.ConfigException;
import io.dynup.config.ConfigParser;
import io.dynup.config.CoreDirectives;
import io.dynup.config.Directive;
import io.dynup.config.DirectiveSpec;
import io.dynup.config.DirectiveTable;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.AbstractThrowableAssert;

/**
 * Shared helpers: configurations are written as the body of {@code http { }} exactly as they were fed to nginx
 * 1.22.1 ({@code events {}} on line 1, {@code http} opening on line 2, so body line 1 is file line 3), and every block
 * answers with {@code return 200 "X"} so a test reads back which block was chosen.
 */
final class RouteConfigs {

    /** Where the parsed text pretends to come from. */
    static final Path FILE = Path.of("/etc/dynup/nginx.conf");

    /** Directives the test configurations use beyond this layer's, as other layers will declare them. */
    static final List<DirectiveSpec> TEST_EXTRAS = List.of(
            DirectiveSpec.simple("return", 1, 2, HTTP_SERVER, HTTP_LOCATION),
            DirectiveSpec.simple("try_files", 2, UNBOUNDED, HTTP_SERVER, HTTP_LOCATION),
            DirectiveSpec.simple("proxy_pass", 1, 1, HTTP_LOCATION));

    static final DirectiveTable TABLE = DirectiveTable.builder()
            .addAll(CoreDirectives.ALL)
            .addAll(HttpDirectives.ALL)
            .addAll(TEST_EXTRAS)
            .build();

    private RouteConfigs() {
    }

    /** The {@code http} block of {@code events {} http { body }}. */
    static Directive http(String body) {
        return ConfigParser.parseString("events {}\nhttp {\n" + body + "\n}\n", FILE, TABLE)
                .first("http").orElseThrow();
    }

    /** The server blocks of {@code body}. */
    static List<Directive> servers(String body) {
        return http(body).all("server");
    }

    static ServerNames serverNames(String body) {
        return ServerNames.build(servers(body), "vm");
    }

    /** The location tree of the first server of {@code body}. */
    static LocationTree tree(String body) {
        return LocationTree.build(servers(body).get(0));
    }

    /** The text of the {@code return} in {@code block}, or {@code "-"} when it has none. */
    static String answer(Directive block) {
        return block.first("return").map(r -> r.args().get(r.args().size() - 1)).orElse("-");
    }

    /** What nginx would answer for {@code uri}: the chosen block's {@code return}, or {@code 301 /name/}. */
    static String answer(LocationTree tree, String uri) {
        LocationMatch m = tree.find(uri);
        if (m.autoRedirect()) {
            return "301 " + m.location().escapedName();
        }
        return answer(m.location().directive());
    }

    /** The message nginx prints for {@code reason} at {@code line} of {@link #FILE}. */
    static String at(String reason, int line) {
        return reason + " in " + FILE + ":" + line;
    }

    /** Asserts that {@code action} fails with a {@link ConfigException} saying exactly {@code message}. */
    static AbstractThrowableAssert<?, ? extends Throwable> assertConfigError(Runnable action, String message) {
        return assertThatThrownBy(action::run).isInstanceOf(ConfigException.class).hasMessage(message);
    }
}

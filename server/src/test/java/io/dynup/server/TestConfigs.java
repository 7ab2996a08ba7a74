package io.dynup.server;

import java.nio.file.Path;

import io.dynup.config.Config;
import io.dynup.config.ConfigParser;

/**
 * Test access to the composition root: {@link DynupServer#directives()} is package-private in production, so
 * integration tests of other packages parse and start configurations through here.
 */
public final class TestConfigs {

    private TestConfigs() {
    }

    /** Parses a whole nginx.conf text as if it were {@code /t/nginx.conf}. */
    public static Config parse(String nginxConf) {
        return ConfigParser.parseString(nginxConf, Path.of("/t/nginx.conf"), DynupServer.directives());
    }

    /** Parses and starts {@code nginxConf}; the caller closes the server. */
    public static DynupServer start(String nginxConf) throws InterruptedException {
        return DynupServer.start(parse(nginxConf));
    }

    /** What {@code -t} checks: parses and binds {@code nginxConf} without opening sockets. */
    public static void check(String nginxConf) {
        DynupServer.check(parse(nginxConf));
    }
}

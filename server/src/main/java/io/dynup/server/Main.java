package io.dynup.server;

import java.io.PrintStream;
import java.net.BindException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import org.jspecify.annotations.Nullable;

import io.dynup.config.Config;
import io.dynup.config.ConfigException;
import io.dynup.config.ConfigParser;

/**
 * {@code bin/dynup}: nginx's command line. With no arguments it serves the embedded default (the seed's
 * Synopsis); {@code -c FILE} serves a configuration; {@code -t} tests one; {@code -v} prints the version.
 * Errors print as nginx prints them, {@code dynup: [emerg] unknown directive "foo" in /etc/dynup/nginx.conf:12},
 * and exit with status 1, never with a stack trace.
 */
public final class Main {

    static final String VERSION = "dynup/0.1.0";
    static final String DEFAULT_CONFIG = "default.conf";

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Path conf = null;
        boolean test = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-t":
                    test = true;
                    break;
                case "-c":
                    if (i + 1 == args.length) {
                        err.println("dynup: option \"-c\" requires file name");
                        return 1;
                    }
                    conf = Path.of(args[++i]).toAbsolutePath().normalize();
                    break;
                case "-v":
                case "-V":
                    err.println("dynup version: " + VERSION);
                    return 0;
                case "-h":
                case "-?":
                    err.println(usage());
                    return 0;
                default:
                    err.println("dynup: invalid option: \"" + args[i] + "\"");
                    err.println(usage());
                    return 1;
            }
        }
        String name = conf != null ? conf.toString() : "(embedded default)";
        try {
            Config config = load(conf);
            if (test) {
                DynupServer.check(config);
                err.println("dynup: the configuration file " + name + " syntax is ok");
                err.println("dynup: configuration file " + name + " test is successful");
                return 0;
            }
            return serve(config, err);
        } catch (ConfigException e) {
            err.println("dynup: [emerg] " + e.getMessage());
            if (test) {
                err.println("dynup: configuration file " + name + " test failed");
            }
            return 1;
        }
    }

    /** Parses {@code file}, or the embedded default when null. */
    static Config load(@Nullable Path file) {
        if (file != null) {
            return ConfigParser.parse(file, DynupServer.directives());
        }
        return ConfigParser.parseString(Resources.text(DEFAULT_CONFIG), Path.of("/embedded/" + DEFAULT_CONFIG),
                                        DynupServer.directives());
    }

    private static int serve(Config config, PrintStream err) {
        DynupServer server;
        try {
            server = DynupServer.start(config);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (Exception e) {
            if (e instanceof ConfigException) {
                throw (ConfigException) e;
            }
            // nginx: bind() to 127.0.0.1:8080 failed (98: Address already in use)
            err.println("dynup: [emerg] " + (e instanceof BindException || e.getCause() instanceof BindException
                    ? "bind() failed (98: Address already in use): " + e.getMessage() : e.toString()));
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "dynup-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static String usage() {
        return "Usage: dynup [-?hvVt] [-c filename]\n\n"
               + "Options:\n"
               + "  -?,-h         : this help\n"
               + "  -v, -V        : show version and exit\n"
               + "  -t            : test configuration and exit\n"
               + "  -c filename   : set configuration file (default: the embedded Synopsis demo)";
    }
}

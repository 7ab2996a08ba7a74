package io.dynup.server;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.jspecify.annotations.Nullable;

import io.dynup.config.Config;
import io.dynup.config.ConfigException;
import io.dynup.config.ConfigParser;
import io.dynup.config.Directive;
import io.dynup.http.ListenerSet;

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
        Path prefix = Path.of("").toAbsolutePath();
        String globals = null;
        String signal = null;
        boolean test = false;
        boolean dump = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-t":
                    test = true;
                    break;
                case "-T":
                    test = true;
                    dump = true;
                    break;
                case "-p":
                    if (i + 1 == args.length) {
                        err.println("dynup: option \"-p\" requires directory name");
                        return 1;
                    }
                    prefix = Path.of(args[++i]).toAbsolutePath().normalize();
                    break;
                case "-g":
                    if (i + 1 == args.length) {
                        err.println("dynup: option \"-g\" requires parameter");
                        return 1;
                    }
                    globals = args[++i];
                    break;
                case "-s":
                    if (i + 1 == args.length) {
                        err.println("dynup: option \"-s\" requires parameter");
                        return 1;
                    }
                    signal = args[++i];
                    if (Signals.forCommand(signal) == null) {
                        err.println("dynup: invalid option: \"-s " + signal + "\"");
                        return 1;
                    }
                    break;
                case "-c":
                    if (i + 1 == args.length) {
                        err.println("dynup: option \"-c\" requires file name");
                        return 1;
                    }
                    conf = Path.of(args[++i]);
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
        if (conf != null && !conf.isAbsolute()) {
            conf = prefix.resolve(conf).normalize();
        }
        String name = conf != null ? conf.toString() : "(embedded default)";
        try {
            Config config = withGlobals(load(conf), globals);
            if (signal != null) {
                return CommandLine.signal(config, prefix, signal, err);
            }
            if (test) {
                DynupServer.check(config, prefix);
                ErrorLog.check(config);
                err.println("dynup: the configuration file " + name + " syntax is ok");
                err.println("dynup: configuration file " + name + " test is successful");
                if (dump) {
                    CommandLine.dump(config, conf, out);
                }
                return 0;
            }
            return serve(config, conf, globals, prefix, err);
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

    /** {@code -g "directives;"}: extra main-context directives, parsed as nginx parses them. */
    static Config withGlobals(Config config, @Nullable String globals) {
        if (globals == null) {
            return config;
        }
        Config extra = ConfigParser.parseString(globals, Path.of("/(command line)"), DynupServer.directives());
        List<Directive> all = new ArrayList<>(config.directives());
        all.addAll(extra.directives());
        return new Config(config.file(), all);
    }

    private static int serve(Config config, @Nullable Path conf, @Nullable String globals, Path prefix,
                             PrintStream err) {
        DynupServer server;
        try {
            ErrorLog.apply(config, prefix);
            server = DynupServer.start(config, prefix);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } catch (Exception e) {
            if (e instanceof ConfigException) {
                throw (ConfigException) e;
            }
            boolean bind = e instanceof ListenerSet.BindFailedException;
            err.println("dynup: [emerg] " + (bind ? e.getMessage() : e.toString()));
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Path pid = CommandLine.writePid(config, prefix, err);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            CommandLine.removePid(pid);
            stopped.countDown();
        }, "dynup-shutdown"));
        Signals.install(() -> server.reload(() -> withGlobals(load(conf), globals)),
                        () -> System.exit(0),
                        () -> {
                            server.quit();
                            System.exit(0);
                        },
                        server::reopenLogs);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static String usage() {
        return "Usage: dynup [-?hvVtT] [-s signal] [-p prefix] [-c filename] [-g directives]\n\n"
               + "Options:\n"
               + "  -?,-h         : this help\n"
               + "  -v, -V        : show version and exit\n"
               + "  -t            : test configuration and exit\n"
               + "  -T            : test configuration, dump it and exit\n"
               + "  -s signal     : send signal to a running dynup: stop, quit, reload\n"
               + "  -p prefix     : set prefix path (default: the current directory)\n"
               + "  -c filename   : set configuration file (default: the embedded Synopsis demo)\n"
               + "  -g directives : set global directives out of configuration file";
    }
}

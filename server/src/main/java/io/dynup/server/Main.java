package io.dynup.server;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

import io.dynup.config.Config;
import io.dynup.config.ConfigException;
import io.dynup.config.ConfigParser;
import io.dynup.config.CoreDirectives;
import io.dynup.config.DirectiveTable;
import io.dynup.model.HostResolver;
import io.dynup.model.UpstreamConfig;
import io.dynup.model.UpstreamSpec;

/**
 * {@code bin/dynup}: nginx's command line. {@code -t} tests a configuration, {@code -c FILE} names it,
 * {@code -v} prints the version; with no arguments it runs the demo. Errors print as nginx prints them,
 * {@code dynup: [emerg] unknown directive "foo" in /etc/dynup/nginx.conf:12}, and exit with status 1,
 * never with a stack trace.
 */
public final class Main {

    static final String VERSION = "dynup/0.1.0";

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
        try {
            if (test) {
                Path file = conf != null ? conf : Path.of("conf/nginx.conf").toAbsolutePath();
                load(file);
                err.println("dynup: the configuration file " + file + " syntax is ok");
                err.println("dynup: configuration file " + file + " test is successful");
                return 0;
            }
            return Demo.run(conf, out);
        } catch (ConfigException e) {
            err.println("dynup: [emerg] " + e.getMessage());
            if (test) {
                err.println("dynup: configuration file " + (conf != null ? conf : "conf/nginx.conf")
                            + " test failed");
            }
            return 1;
        }
    }

    /** Parses and binds a configuration file; every problem is a {@link ConfigException}. */
    static List<UpstreamSpec> load(Path file) {
        Config config = ConfigParser.parse(file, directives());
        return UpstreamConfig.bind(config, HostResolver.system());
    }

    static List<UpstreamSpec> loadString(String text, Path pretendFile) {
        Config config = ConfigParser.parseString(text, pretendFile, directives());
        return UpstreamConfig.bind(config, HostResolver.system());
    }

    /** The directives this build understands; later layers (proxy, Lua, admin) add theirs here. */
    static DirectiveTable directives() {
        return DirectiveTable.builder().addAll(CoreDirectives.ALL).build();
    }

    private static String usage() {
        return "Usage: dynup [-?hvVt] [-c filename]\n\n"
               + "Options:\n"
               + "  -?,-h         : this help\n"
               + "  -v, -V        : show version and exit\n"
               + "  -t            : test configuration and exit\n"
               + "  -c filename   : set configuration file (default: conf/nginx.conf)\n"
               + "  (no options)  : run the demo on the embedded default configuration";
    }
}

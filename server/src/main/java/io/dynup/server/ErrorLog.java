package io.dynup.server;

import java.nio.file.Path;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;

import io.dynup.config.Config;
import io.dynup.config.ConfigException;
import io.dynup.config.Directive;

/**
 * nginx's {@code error_log FILE [LEVEL]} in the main context: where the log goes ({@code stderr} or a file,
 * relative to the prefix) and from which level (debug, info, notice, warn, error, crit, alert, emerg; nginx's
 * default is error). Without the directive, dynup logs warnings and errors to stderr.
 */
final class ErrorLog {

    private ErrorLog() {
    }

    /** Checks the directive without applying it (for {@code -t}). */
    static void check(Config config) {
        config.first("error_log").ifPresent(ErrorLog::level);
    }

    static void apply(Config config, Path prefix) {
        Directive d = config.first("error_log").orElse(null);
        if (d == null) {
            return;
        }
        Level level = level(d);
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        OutputStreamAppender<ILoggingEvent> appender;
        if (d.arg(0).equals("stderr")) {
            ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
            console.setTarget("System.err");
            appender = console;
        } else {
            FileAppender<ILoggingEvent> file = new FileAppender<>();
            file.setFile(prefix.resolve(d.arg(0)).toString());
            file.setAppend(true);
            appender = file;
        }
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        NginxLogLayout layout = new NginxLogLayout();
        layout.setContext(context);
        layout.start();
        encoder.setLayout(layout);
        encoder.setContext(context);
        encoder.start();
        appender.setEncoder(encoder);
        appender.setContext(context);
        appender.setName("error_log");
        appender.start();
        if (!appender.isStarted()) {
            throw ConfigException.at(d.pos(), "open() \"%s\" failed", d.arg(0));
        }
        root.detachAndStopAllAppenders();
        root.addAppender(appender);
        root.setLevel(level);
    }

    private static Level level(Directive d) {
        String name = d.args().size() > 1 ? d.arg(1) : "error";
        switch (name) {
            case "debug":
                return Level.DEBUG;
            case "info":
            case "notice":
                return Level.INFO;
            case "warn":
                return Level.WARN;
            case "error":
            case "crit":
            case "alert":
            case "emerg":
                return Level.ERROR;
            default:
                throw ConfigException.at(d.pos(), "invalid log level \"%s\"", name);
        }
    }
}

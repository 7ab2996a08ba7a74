package io.dynup.server;

import java.nio.file.Path;
import java.util.List;

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
 * nginx's {@code error_log FILE [LEVEL]}: where the log goes ({@code stderr} or a file, relative to the prefix)
 * and from which level (debug, info, notice, warn, error, crit, alert, emerg; nginx's default is error).
 * Without the directive, dynup logs warnings and errors to stderr.
 *
 * <p>In the main context it takes the whole log. In {@code http} it takes what requests log, as in nginx: the
 * lines of the http layers ({@link #HTTP_LOGGERS}) go there instead, from its level. In {@code server} and
 * {@code location} the directive is checked as nginx checks it, and the {@code http} one applies.
 */
final class ErrorLog {

    /** The loggers of request processing, which an http-level error_log takes. */
    static final List<String> HTTP_LOGGERS = List.of("io.dynup.http", "io.dynup.proxy", "io.dynup.lua",
                                                     "io.dynup.admin");

    private ErrorLog() {
    }

    /** Checks every error_log without applying it (for {@code -t}). */
    static void check(Config config) {
        config.first("error_log").ifPresent(ErrorLog::level);
        for (Directive http : config.all("http")) {
            checkBelow(http);
        }
    }

    private static void checkBelow(Directive block) {
        for (Directive d : block.children()) {
            if (d.name().equals("error_log")) {
                level(d);
            } else if (d.hasBlock()) {
                checkBelow(d);
            }
        }
    }

    static void apply(Config config, Path prefix) {
        check(config);
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Directive main = config.first("error_log").orElse(null);
        if (main != null) {
            Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
            OutputStreamAppender<ILoggingEvent> appender = appender(main, prefix, context, "error_log");
            root.detachAndStopAllAppenders();
            root.addAppender(appender);
            root.setLevel(level(main));
        }
        Directive http = config.first("http").flatMap(h -> h.first("error_log")).orElse(null);
        if (http != null) {
            OutputStreamAppender<ILoggingEvent> appender = appender(http, prefix, context, "http_error_log");
            for (String name : HTTP_LOGGERS) {
                Logger logger = context.getLogger(name);
                logger.detachAndStopAllAppenders();
                logger.addAppender(appender);
                logger.setAdditive(false);
                logger.setLevel(level(http));
            }
        }
    }

    private static OutputStreamAppender<ILoggingEvent> appender(Directive d, Path prefix, LoggerContext context,
                                                                String name) {
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
        appender.setName(name);
        appender.start();
        if (!appender.isStarted()) {
            throw ConfigException.at(d.pos(), "open() \"%s\" failed", d.arg(0));
        }
        return appender;
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

package io.dynup.testing;

import java.util.List;

import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

/** The lines one logger writes while the capture is open, as {@code [level] message} (nginx's words). */
public final class LogCapture implements AutoCloseable {

    private final Logger logger;
    private final Level saved;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private LogCapture(Class<?> owner) {
        logger = (Logger) LoggerFactory.getLogger(owner);
        saved = logger.getLevel();
        appender.start();
        logger.setLevel(Level.DEBUG);
        logger.addAppender(appender);
    }

    public static LogCapture of(Class<?> owner) {
        return new LogCapture(owner);
    }

    public List<String> lines() {
        synchronized (appender.list) {
            return appender.list.stream()
                    .map(e -> "[" + e.getLevel().toString().toLowerCase(java.util.Locale.ROOT) + "] "
                              + e.getFormattedMessage())
                    .toList();
        }
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        logger.setLevel(saved);
    }
}

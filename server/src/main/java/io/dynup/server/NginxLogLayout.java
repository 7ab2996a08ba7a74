package io.dynup.server;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;

/**
 * nginx's error_log line: {@code 2026/11/25 17:01:46 [error] 4242#17: message}, the level in nginx's words,
 * then process id and thread id; a stack trace follows only for unexpected exceptions (bugs), never for the
 * failures nginx itself would log in one line.
 */
public final class NginxLogLayout extends LayoutBase<ILoggingEvent> {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss").withZone(ZoneId.systemDefault());
    private static final long PID = ProcessHandle.current().pid();

    @Override
    public String doLayout(ILoggingEvent event) {
        StringBuilder sb = new StringBuilder(128);
        sb.append(TIME.format(Instant.ofEpochMilli(event.getTimeStamp())))
          .append(" [").append(level(event.getLevel())).append("] ")
          .append(PID).append('#').append(threadNumber(event.getThreadName())).append(": ")
          .append(event.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
        IThrowableProxy t = event.getThrowableProxy();
        if (t != null) {
            sb.append(ThrowableProxyUtil.asString(t)).append(CoreConstants.LINE_SEPARATOR);
        }
        return sb.toString();
    }

    /** nginx's level names. */
    static String level(Level level) {
        switch (level.toInt()) {
            case Level.ERROR_INT:
                return "error";
            case Level.WARN_INT:
                return "warn";
            case Level.INFO_INT:
                return "info";
            default:
                return "debug";
        }
    }

    /** Worker threads are named like {@code dynup-worker-1-2}: the trailing number stands for nginx's tid. */
    private static String threadNumber(String name) {
        int i = name.length();
        while (i > 0 && Character.isDigit(name.charAt(i - 1))) {
            i--;
        }
        return i < name.length() ? name.substring(i) : "0";
    }
}

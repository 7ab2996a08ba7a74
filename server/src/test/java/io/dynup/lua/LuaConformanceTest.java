package io.dynup.lua;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;

import io.dynup.server.DynupServer;
import io.dynup.server.TestConfigs;

/**
 * Every block of {@code conformance/lua/*.t} on a fresh dynup on loopback ({@link ConformanceRunner}); the
 * error log is what dynup's loggers write, rendered {@code [error] message} as nginx shows the level.
 */
class LuaConformanceTest {

    @TestFactory
    Stream<DynamicNode> conformance() throws IOException, URISyntaxException {
        return ConformanceRunner.tests(LuaConformanceTest::start, b -> true);
    }

    @TempDir
    static Path root;

    private static ConformanceRunner.Running start(ConformanceBlock b, int port, int streamPort) throws Exception {
        Path html = Files.createTempDirectory(root, "html");
        ErrorLogCapture log = new ErrorLogCapture();
        DynupServer server;
        try {
            server = TestConfigs.start(ConformanceRunner.nginxConf(b, port, streamPort, "", "", html));
        } catch (RuntimeException e) {
            log.close();
            throw new IllegalStateException(e.getMessage() + "\n" + log.text(), e);
        }
        return new ConformanceRunner.Running() {
            @Override
            public String log() {
                return log.text();
            }

            @Override
            public void close() {
                try {
                    server.close();
                } finally {
                    log.close();
                }
            }
        };
    }

    /** dynup's error log during one block, from every dynup logger at every level. */
    private static final class ErrorLogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {
        private final List<String> lines = new ArrayList<>();
        private final Logger logger = (Logger) LoggerFactory.getLogger("io.dynup");
        private final Level savedLevel = logger.getLevel();
        private final boolean savedAdditive = logger.isAdditive();

        ErrorLogCapture() {
            start();
            logger.setLevel(Level.DEBUG);
            // what the block logs is shown with its failures, not on the console
            logger.setAdditive(false);
            logger.addAppender(this);
        }

        @Override
        protected synchronized void append(ILoggingEvent e) {
            String level = e.getLevel() == Level.ERROR ? "error" : e.getLevel() == Level.WARN ? "warn"
                    : e.getLevel() == Level.INFO ? "info" : "debug";
            StringBuilder line = new StringBuilder("[").append(level).append("] ")
                    .append(e.getFormattedMessage());
            if (e.getThrowableProxy() != null) {
                line.append(" (").append(e.getThrowableProxy().getClassName()).append(": ")
                    .append(e.getThrowableProxy().getMessage()).append(')');
            }
            lines.add(line.toString());
        }

        synchronized String text() {
            return String.join("\n", lines);
        }

        @Override
        public void close() {
            logger.detachAppender(this);
            logger.setLevel(savedLevel);
            logger.setAdditive(savedAdditive);
            stop();
        }
    }
}

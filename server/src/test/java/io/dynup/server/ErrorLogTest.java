package io.dynup.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;

import io.dynup.config.ConfigException;

/** error_log below main: http's takes the request layers' lines from its level; deeper ones are checked. */
class ErrorLogTest {

    @TempDir
    Path dir;

    @AfterEach
    void restoreLogging() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        for (String name : ErrorLog.HTTP_LOGGERS) {
            Logger logger = context.getLogger(name);
            logger.detachAndStopAllAppenders();
            logger.setAdditive(true);
            logger.setLevel(null);
        }
    }

    @Test
    void httpLevelErrorLogTakesTheRequestLayers() throws Exception {
        ErrorLog.apply(TestConfigs.parse("events {}\nhttp {\n error_log http.log warn;\n}\n"), dir);
        LoggerFactory.getLogger("io.dynup.proxy.Test").warn("upstream went away");
        LoggerFactory.getLogger("io.dynup.http.Test").info("below the level");
        LoggerFactory.getLogger("io.dynup.upstream.Test").error("not a request's line");
        String text = Files.readString(dir.resolve("http.log"));
        assertThat(text).matches("\\d{4}/\\d{2}/\\d{2} \\d{2}:\\d{2}:\\d{2} \\[warn\\] \\d+#\\d+: upstream went away\\R");
    }

    @Test
    void deeperErrorLogsAreChecked() {
        assertThatThrownBy(() -> ErrorLog.check(TestConfigs.parse(
                "events {}\nhttp {\n server {\n  location / { error_log x.log bogus; }\n }\n}\n")))
                .isInstanceOf(ConfigException.class).hasMessage("invalid log level \"bogus\" in /t/nginx.conf:4");
    }
}

package io.dynup.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.dynup.testing.DataPlaneChecks;
import io.dynup.testing.Dynup;
import io.dynup.testing.LogCapture;
import io.dynup.testing.RawClient;

/**
 * {@code types} and {@code default_type} as nginx 1.22.1 applies them to {@code return CODE TEXT}: the type of
 * the extension of {@code $uri}, else {@code default_type}; nginx's built-in three types without any
 * {@code types}; the nearest level's blocks, merged; the {@code mime.types} shipped in {@code conf/} includes.
 */
@ExtendWith(DataPlaneChecks.class)
class ContentTypesIntegrationTest {

    private static final Path MIME_TYPES = Path.of("../conf/mime.types").toAbsolutePath().normalize();
    private static Dynup dynup;
    private static LogCapture log;

    @BeforeAll
    static void start() throws Exception {
        assertThat(Files.isRegularFile(MIME_TYPES)).isTrue();
        log = LogCapture.of(ContentTypes.class);
        dynup = Dynup.start("""
                default_type application/octet-stream;
                types { text/html a b; }
                types { text/css c; text/x-dup B; }
                server {
                    listen 127.0.0.1:$PORT;
                    location / { return 200 "x"; }
                    location /d { default_type text/x-d; return 200 "x"; }
                    location /e { types { } return 200 "x"; }
                }
                server {
                    listen 127.0.0.1:$PORT2;
                    include %s;
                    location / { return 200 "x"; }
                    location /builtin { types { } default_type text/plain; return 200 "x"; }
                }
                """.formatted(MIME_TYPES));
    }

    @AfterAll
    static void stop() {
        if (dynup != null) {
            dynup.close();
        }
        log.close();
    }

    private static String type(int port, String path) throws IOException {
        return RawClient.get(port, "t", path).header("Content-Type");
    }

    @Test
    void theExtensionOfTheUriChoosesTheType() throws IOException {
        assertThat(type(dynup.port(), "/x.a")).isEqualTo("text/html");
        assertThat(type(dynup.port(), "/x.C")).isEqualTo("text/css");
        assertThat(type(dynup.port(), "/x.y.c?q=1")).isEqualTo("text/css");
        assertThat(type(dynup.port(), "/x%2Ec")).isEqualTo("text/css");
        // no extension: the dot starts the name, or the path is a directory
        assertThat(type(dynup.port(), "/.c")).isEqualTo("application/octet-stream");
        assertThat(type(dynup.port(), "/x.c/")).isEqualTo("application/octet-stream");
        assertThat(type(dynup.port(), "/x.zzz")).isEqualTo("application/octet-stream");
        assertThat(type(dynup.port(), "/d.a")).isEqualTo("text/html");
        assertThat(type(dynup.port(), "/d")).isEqualTo("text/x-d");
        assertThat(type(dynup.port(), "/e.a")).isEqualTo("application/octet-stream");
    }

    @Test
    void aLaterTypeForTheSameExtensionWinsWithNginxsWarning() throws IOException {
        assertThat(type(dynup.port(), "/x.b")).isEqualTo("text/x-dup");
        assertThat(log.lines()).containsOnlyOnce("[warn] duplicate extension \"B\", content type: \"text/x-dup\", "
                                                 + "previous content type: \"text/html\" in /t/nginx.conf:5");
    }

    @Test
    void nginxsMimeTypesFileIncludes() throws IOException {
        assertThat(type(dynup.port2(), "/a.json")).isEqualTo("application/json");
        assertThat(type(dynup.port2(), "/a.png")).isEqualTo("image/png");
        assertThat(type(dynup.port2(), "/a")).isEqualTo("application/octet-stream");
    }

    @Test
    void withoutTypesNginxsBuiltInThree() throws Exception {
        try (Dynup plain = Dynup.start("server { listen 127.0.0.1:$PORT; location / { return 200 x; } }")) {
            assertThat(type(plain.port(), "/a.html")).isEqualTo("text/html");
            assertThat(type(plain.port(), "/a.gif")).isEqualTo("image/gif");
            assertThat(type(plain.port(), "/a.jpg")).isEqualTo("image/jpeg");
            assertThat(type(plain.port(), "/a.jpeg")).isEqualTo("text/plain");
        }
    }
}

package io.dynup.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * The nginx the conformance suites compare with: {@code -Dnginx.bin=/usr/sbin/nginx} (set by the
 * {@code nginx-conformance} profile), else {@code nginx} on the PATH. The suites fail rather than skip when it
 * is missing: {@code .ci/nginx-conformance} installs it.
 */
public final class NginxBinary {

    public static final String PATH = System.getProperty("nginx.bin", "nginx");

    private NginxBinary() {
    }

    /** Asserts that {@link #PATH} runs ({@code nginx -v}). */
    public static void assertInstalled() throws InterruptedException {
        boolean found;
        try {
            Process p = new ProcessBuilder(PATH, "-v").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            found = p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            found = false;
        }
        assertThat(found).as("nginx at %s", PATH).isTrue();
    }
}

package io.dynup.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import io.dynup.testing.NginxBinary;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every case of {@code conformance/balancing.txt} through a real nginx and through dynup's balancer and
 * demands the same upstream choices, request by request (and the case's literal {@code --- expect}, if any,
 * from both). A case marked {@code --- known-difference} must still match its expectation on nginx, and
 * dynup must still differ: once dynup is fixed the note has to go.
 *
 * <p>Runs in the {@code nginx-conformance} profile; {@code -Dnginx.bin=/usr/sbin/nginx} names the binary.
 */
class BalancingNginxIT {

    static final String DATA = "conformance/balancing.txt";

    @TempDir
    Path dir;

    @BeforeAll
    static void nginxIsInstalled() throws InterruptedException {
        NginxBinary.assertInstalled();
    }

    @TestFactory
    Stream<DynamicTest> sameUpstreamChoicesAsNginx() {
        return CaseFile.load(DATA).stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    private void check(BalancingCase c) throws Exception {
        Path caseDir = Files.createDirectory(dir.resolve(slug(c.name())));
        long started = System.nanoTime();
        NginxSide.Run nginx = NginxSide.run(NginxBinary.PATH, c, caseDir);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        List<String> dynup = null;
        RuntimeException dynupError = null;
        try {
            dynup = DynupSide.run(c);
        } catch (RuntimeException e) {
            dynupError = e;
        }
        System.out.printf("%-48s nginx %s%s  (%d ms%s)%n", c.name(), Outcomes.render(c, nginx.outcomes()),
                          nginx.outcomes().equals(dynup) ? "" : "  dynup "
                                  + (dynup == null ? dynupError : Outcomes.render(c, dynup)),
                          millis, c.workerProcesses() > 1 ? ", worker pids " + nginx.pids() : "");

        if (c.expect() != null && !nginx.outcomes().equals(c.expect())) {
            fail("nginx does not do what the case expects\n" + report(c, nginx, dynup, dynupError));
        }
        if (c.knownDifference() == null) {
            if (dynupError != null) {
                throw new AssertionError("dynup failed on the case\n" + report(c, nginx, null, dynupError),
                                         dynupError);
            }
            if (!nginx.outcomes().equals(dynup)) {
                fail("dynup and nginx differ\n" + report(c, nginx, dynup, null));
            }
        } else if (nginx.outcomes().equals(dynup)) {
            fail("the case is marked known-difference but dynup now does what nginx does: remove the note\n"
                 + report(c, nginx, dynup, null));
        }
    }

    private static String report(BalancingCase c, NginxSide.Run nginx, @Nullable List<String> dynup,
                                 @Nullable RuntimeException dynupError) {
        StringBuilder sb = new StringBuilder();
        sb.append("case ").append(c).append('\n');
        if (c.knownDifference() != null) {
            sb.append("known difference: ").append(c.knownDifference()).append('\n');
        }
        sb.append("nginx:  ").append(Outcomes.render(c, nginx.outcomes())).append('\n');
        sb.append("dynup:  ").append(dynup != null ? Outcomes.render(c, dynup) : String.valueOf(dynupError))
          .append('\n');
        if (c.expect() != null) {
            sb.append("expect: ").append(Outcomes.render(c, c.expect())).append('\n');
        }
        sb.append('\n').append(Outcomes.sideBySide(c, nginx.outcomes(), dynup, c.expect()));
        sb.append("\nports: ").append(nginx.letters()).append('\n');
        sb.append("\n--- nginx.conf\n").append(nginx.conf());
        sb.append("--- dynup's upstream block\n").append(DynupSide.upstreamBlock(c));
        sb.append("--- nginx error.log\n").append(tail(nginx.errorLog(), 40));
        return sb.toString();
    }

    private static String tail(String text, int lines) {
        String[] all = text.split("\n");
        return String.join("\n", List.of(all).subList(Math.max(0, all.length - lines), all.length)) + "\n";
    }

    static String slug(String name) {
        String s = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        return s.isEmpty() ? "case" : s;
    }
}

package io.dynup.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import io.dynup.conformance.BalancingCase.Step;

/**
 * The balancing cases without nginx: dynup against each case's literal {@code --- expect} (what nginx did
 * when the case was written; {@link BalancingNginxIT} keeps that honest), and the data format itself.
 */
class BalancingCasesTest {

    @TestFactory
    Stream<DynamicTest> dynupDoesWhatNginxDid() {
        return CaseFile.load(BalancingNginxIT.DATA).stream()
                       .filter(c -> c.expect() != null)
                       .map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    private static void check(BalancingCase c) {
        List<String> dynup;
        try {
            dynup = DynupSide.run(c);
        } catch (RuntimeException e) {
            if (c.knownDifference() != null) {
                return;
            }
            throw e;
        }
        String why = "case " + c + "\n" + Outcomes.sideBySide(c, c.expect(), dynup, null);
        if (c.knownDifference() == null) {
            assertThat(dynup).as(why).isEqualTo(c.expect());
        } else {
            assertThat(dynup).as("marked known-difference but dynup now matches nginx: remove the note\n" + why)
                             .isNotEqualTo(c.expect());
        }
    }

    @Test
    void everyCaseOfTheDataFileRecordsWhatNginxDid() {
        assertThat(CaseFile.load(BalancingNginxIT.DATA)).allSatisfy(c -> assertThat(c.expect()).as(c.name())
                                                                                              .isNotNull());
    }

    @Test
    void readsACaseWithSteps() {
        List<BalancingCase> cases = CaseFile.parse("t", """
                # header
                === one
                --- upstream
                server A weight=5 fail_timeout=2;  # comment
                server B backup;
                --- dead A
                --- steps
                requests 2   # two
                sleep 3.5
                revive A
                kill B
                requests 1
                --- worker_processes
                2
                --- expect
                [AB] B  A
                --- known-difference
                a note
                  on two lines

                === two
                --- upstream
                server C;
                --- requests 3
                """);
        assertThat(cases).hasSize(2);
        BalancingCase one = cases.get(0);
        assertThat(one.source()).isEqualTo("t:2");
        assertThat(one.letters()).containsExactly('A', 'B');
        assertThat(one.dead()).containsExactly('A');
        assertThat(one.steps()).containsExactly(new Step.Requests(2), new Step.Sleep(Duration.ofMillis(3500)),
                                                new Step.Revive(java.util.Set.of('A')),
                                                new Step.Kill(java.util.Set.of('B')), new Step.Requests(1));
        assertThat(one.workerProcesses()).isEqualTo(2);
        assertThat(one.expect()).containsExactly("AB", "B", "A");
        assertThat(one.knownDifference()).isEqualTo("a note\n  on two lines");
        assertThat(one.upstreamWith(l -> "127.0.0.1:" + (int) l))
                .isEqualTo("server 127.0.0.1:65 weight=5 fail_timeout=2;  # comment\nserver 127.0.0.1:66 backup;\n");
        assertThat(cases.get(1).steps()).containsExactly(new Step.Requests(3));
        assertThat(cases.get(1).expect()).isNull();
    }

    @Test
    void outcomesReadAndWriteBack() {
        assertThat(Outcomes.parse(" AAB [AB] - [AB-]\n[A-] ")).containsExactly("A", "A", "B", "AB", "-", "AB-", "A-");
        assertThat(Outcomes.format("AB-")).isEqualTo("[AB-]");
        assertThat(Outcomes.format("-")).isEqualTo("-");
        assertThatThrownBy(() -> Outcomes.parse("[A]")).hasMessageContaining("bad outcome");
        assertThatThrownBy(() -> Outcomes.parse("[A-B]")).hasMessageContaining("bad outcome");
        assertThatThrownBy(() -> Outcomes.parse("a")).hasMessageContaining("unexpected 'a'");
        assertThatThrownBy(() -> Outcomes.parse("[AB")).hasMessageContaining("unclosed");
    }

    @Test
    void mistakesAreReportedWithTheirLine() {
        assertThatThrownBy(() -> CaseFile.parse("t", "=== x\n--- upstream\nserver A;\n--- reqests 3\n"))
                .hasMessageContaining("t:4: unknown section \"reqests\"");
        assertThatThrownBy(() -> CaseFile.parse("t", "=== x\n--- upstream\nserver A;\n"))
                .hasMessageContaining("t:1 (case \"x\"): exactly one of --- requests and --- steps");
        assertThatThrownBy(() -> CaseFile.parse("t", "=== x\n--- upstream\nserver 10.0.0.1;\n--- requests 1\n"))
                .hasMessageContaining("servers must be letters");
        assertThatThrownBy(() -> CaseFile.parse("t", "=== x\n--- upstream\nserver A;\n--- dead B\n--- requests 1\n"))
                .hasMessageContaining("\"B\" is not a server letter");
        assertThatThrownBy(() -> CaseFile.parse("t", "=== x\n--- upstream\nserver A;\n--- steps\nrevive A\n"))
                .hasMessageContaining("A is not dead");
        assertThatThrownBy(() -> CaseFile.parse("t", "=== x\n--- upstream\nserver A;\n--- requests 2\n--- expect A\n"))
                .hasMessageContaining("--- expect has 1 outcomes for 2 requests");
        assertThatThrownBy(() -> CaseFile.parse("t", "=== x\n--- upstream\nserver A;\n--- requests 1\n"
                                                     + "=== x\n--- upstream\nserver A;\n--- requests 1\n"))
                .hasMessageContaining("duplicate case name");
    }
}

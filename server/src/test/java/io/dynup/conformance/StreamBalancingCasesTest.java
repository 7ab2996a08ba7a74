package io.dynup.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import io.dynup.conformance.BalancingCase.Step;

/**
 * The stream balancing cases without nginx: dynup's stream proxy, on loopback backends, against each case's
 * literal {@code --- expect} (what nginx's stream module did when the case was written;
 * {@link StreamBalancingNginxIT} keeps that honest).
 */
class StreamBalancingCasesTest {

    @TestFactory
    Stream<DynamicTest> dynupDoesWhatNginxDid() {
        return StreamBalancing.cases().stream()
                              .filter(c -> c.expect() != null)
                              .map(c -> DynamicTest.dynamicTest(c.name(), () -> check(c)));
    }

    private static void check(BalancingCase c) throws Exception {
        List<String> dynup;
        try (StreamBalancing.Letters letters = new StreamBalancing.Letters(c)) {
            dynup = letters.play(StreamBalancing::dynup);
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
    void heldConnectionsAreOutcomesOfTheirOwnStep() {
        BalancingCase c = CaseFile.parse("t", """
                === held
                --- upstream
                least_conn;
                server A;
                server B;
                --- steps
                hold 2
                requests 1
                --- expect
                AB B
                """).get(0);
        assertThat(c.steps()).containsExactly(new Step.Hold(2), new Step.Requests(1));
        assertThat(c.requestCount()).isEqualTo(3);
        assertThat(Outcomes.render(c, c.expect())).isEqualTo("AB B");
        // the http sides cannot keep a request open
        assertThatThrownBy(() -> DynupSide.run(c)).hasMessageContaining("\"hold 2\" is a stream step");
    }
}

package io.dynup.conformance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * One case of a balancing data file (format: the header of {@code conformance/balancing.txt}): an upstream
 * block whose servers are letters, the letters that start dead, the steps to play and what to expect.
 *
 * @param name            the {@code ===} title
 * @param source          file and line of the title, for messages
 * @param upstream        the body of {@code upstream u { ... }}, with letters for server addresses
 * @param letters         the server letters, in config order
 * @param dead            letters whose port refuses connections at the start
 * @param steps           what to do, in order
 * @param workerProcesses nginx's {@code worker_processes}; dynup has one shared state either way
 * @param expect          per-request outcomes both implementations must produce, else null
 * @param knownDifference why dynup is known to differ from nginx here, else null
 */
record BalancingCase(String name, String source, String upstream, List<Character> letters, Set<Character> dead,
                     List<Step> steps, int workerProcesses, @Nullable List<String> expect,
                     @Nullable String knownDifference) {

    /** {@code server X}: a letter standing for an address. */
    private static final Pattern SERVER = Pattern.compile("(?m)^(\\s*server\\s+)([A-Z])(?=[\\s;])");

    BalancingCase {
        letters = List.copyOf(letters);
        dead = Set.copyOf(dead);
        steps = List.copyOf(steps);
        expect = expect == null ? null : List.copyOf(expect);
    }

    /** The upstream body with each letter replaced by {@code address.apply(letter)}. */
    String upstreamWith(Function<Character, String> address) {
        Matcher m = SERVER.matcher(upstream);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1) + address.apply(m.group(2).charAt(0))));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** The letters named by {@code server} lines, in order. */
    static List<Character> lettersOf(String upstream) {
        List<Character> out = new ArrayList<>();
        Matcher m = SERVER.matcher(upstream);
        while (m.find()) {
            out.add(m.group(2).charAt(0));
        }
        return out;
    }

    int requestCount() {
        int n = 0;
        for (Step s : steps) {
            n += s.outcomes();
        }
        return n;
    }

    @Override
    public String toString() {
        return name + " (" + source + ")";
    }

    /** One line of {@code --- steps}. */
    sealed interface Step {

        /** How many outcomes the step adds: one per request or connection it makes. */
        default int outcomes() {
            return 0;
        }

        /** {@code requests N}: N requests, one after the other. */
        record Requests(int count) implements Step {
            @Override
            public int outcomes() {
                return count;
            }

            @Override
            public String toString() {
                return "requests " + count;
            }
        }

        /**
         * {@code hold N} (stream cases only): N connections, one after the other, each kept open after its
         * answer until the case ends, so that it counts toward least_conn and max_conns.
         */
        record Hold(int count) implements Step {
            @Override
            public int outcomes() {
                return count;
            }

            @Override
            public String toString() {
                return "hold " + count;
            }
        }

        /** {@code sleep S}: nginx sleeps for real, dynup's ticker advances by as much. */
        record Sleep(Duration duration) implements Step {
            @Override
            public String toString() {
                return "sleep " + duration.toMillis() / 1000.0;
            }
        }

        /**
         * {@code sync}: both clocks move on to 0.1 s past their next whole second (nginx's wall clock by
         * sleeping, dynup's ticker by advancing), so that what follows sits at a known place within a second.
         */
        record Sync() implements Step {
            @Override
            public String toString() {
                return "sync";
            }
        }

        /** {@code kill X..}: the backends stop listening; their ports refuse connections. */
        record Kill(Set<Character> letters) implements Step {
            public Kill {
                letters = Set.copyOf(letters);
            }

            @Override
            public String toString() {
                return "kill " + new TreeSet<>(letters);
            }
        }

        /** {@code revive X..}: backends start listening on the (dead) ports of these letters. */
        record Revive(Set<Character> letters) implements Step {
            public Revive {
                letters = Set.copyOf(letters);
            }

            @Override
            public String toString() {
                return "revive " + new TreeSet<>(letters);
            }
        }
    }
}

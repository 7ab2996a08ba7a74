package io.dynup.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import io.dynup.conformance.BalancingCase.Step;

/**
 * Per-request outcomes in the notation of {@link io.dynup.testing.Requests#request}: the letters tried in
 * order, then {@code -} if the answer was a 502 ({@code A}, {@code AB}, {@code AB-}, {@code -}). Written in
 * a sequence, a one-character outcome stands alone and a longer one is bracketed: {@code A[AB]CB-[AB-]};
 * blanks are free.
 */
final class Outcomes {

    private static final Pattern OUTCOME = Pattern.compile("[A-Z]+-?|-");

    private Outcomes() {
    }

    /** Reads a written sequence, e.g. {@code "AABACAA [AB] C -"}. */
    static List<String> parse(String text) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                continue;
            }
            if (c == '[') {
                int end = text.indexOf(']', i);
                if (end < 0) {
                    throw new IllegalArgumentException("unclosed [ in \"" + text + "\"");
                }
                String group = text.substring(i + 1, end);
                if (!OUTCOME.matcher(group).matches() || group.length() < 2) {
                    throw new IllegalArgumentException("bad outcome [" + group + "] in \"" + text
                                                       + "\" (expected letters tried, then - for a 502)");
                }
                out.add(group);
                i = end;
            } else if (c == '-' || c >= 'A' && c <= 'Z') {
                out.add(String.valueOf(c));
            } else {
                throw new IllegalArgumentException("unexpected '" + c + "' in \"" + text
                                                   + "\" (expected letters, -, [..])");
            }
        }
        return out;
    }

    static String format(String outcome) {
        return outcome.length() == 1 ? outcome : "[" + outcome + "]";
    }

    /** The outcomes written back, one blank-separated group per {@code requests} (or {@code hold}) step. */
    static String render(BalancingCase c, List<String> outcomes) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        for (Step s : c.steps()) {
            if (s.outcomes() > 0) {
                if (sb.length() > 0) {
                    sb.append(' ');
                }
                for (int k = 0; k < s.outcomes() && i < outcomes.size(); k++) {
                    sb.append(format(outcomes.get(i++)));
                }
            }
        }
        return sb.toString();
    }

    /** Both sequences side by side, request by request, with the steps between them and mismatches marked. */
    static String sideBySide(BalancingCase c, List<String> nginx, @Nullable List<String> dynup,
                             @Nullable List<String> expect) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%5s  %-10s %-10s %-10s%n", "#", "nginx", "dynup", expect == null ? "" : "expect"));
        int i = 0;
        for (Step s : c.steps()) {
            sb.append("       -- ").append(s).append('\n');
            for (int k = 0; k < s.outcomes(); k++, i++) {
                String n = at(nginx, i);
                String d = dynup == null ? "(none)" : at(dynup, i);
                String e = expect == null ? "" : at(expect, i);
                boolean bad = !n.equals(d) || expect != null && (!n.equals(e) || !d.equals(e));
                sb.append(String.format("%5d  %-10s %-10s %-10s%s%n", i + 1, n, d, e, bad ? " <<<" : ""));
            }
        }
        return sb.toString();
    }

    private static String at(List<String> l, int i) {
        return i < l.size() ? l.get(i) : "(missing)";
    }
}

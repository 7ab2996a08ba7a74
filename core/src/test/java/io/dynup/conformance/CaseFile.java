package io.dynup.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import io.dynup.conformance.BalancingCase.Step;

/**
 * Reads a balancing data file: {@code === name} starts a case, {@code --- section} a section of it, lines
 * before the first case are the file's documentation. A section's value is the rest of its header line
 * and/or the lines below it. The format is documented at the top of {@code conformance/balancing.txt}.
 */
final class CaseFile {

    private static final Set<String> SECTIONS = Set.of("upstream", "requests", "steps", "dead", "expect",
                                                       "worker_processes", "known-difference");

    private CaseFile() {
    }

    /** The cases of the classpath resource {@code resource}. */
    static List<BalancingCase> load(String resource) {
        try (InputStream in = CaseFile.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no resource " + resource);
            }
            return parse(resource, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<BalancingCase> parse(String file, String text) {
        List<BalancingCase> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        String[] lines = text.split("\r?\n", -1);
        String caseName = null;
        int caseLine = 0;
        Map<String, StringBuilder> sections = new LinkedHashMap<>();
        StringBuilder section = null;
        for (int i = 0; i <= lines.length; i++) {
            String line = i < lines.length ? lines[i] : null;
            if (line == null || line.startsWith("===")) {
                if (caseName != null) {
                    BalancingCase c = build(caseName, file + ":" + caseLine, sections);
                    if (!names.add(c.name())) {
                        throw new IllegalArgumentException(c.source() + ": duplicate case name \"" + c.name() + "\"");
                    }
                    out.add(c);
                }
                if (line == null) {
                    break;
                }
                caseName = line.substring(3).strip();
                caseLine = i + 1;
                if (caseName.isEmpty()) {
                    throw new IllegalArgumentException(file + ":" + caseLine + ": a case needs a name after ===");
                }
                sections = new LinkedHashMap<>();
                section = null;
            } else if (line.startsWith("---")) {
                if (caseName == null) {
                    throw new IllegalArgumentException(file + ":" + (i + 1) + ": section outside a case");
                }
                String rest = line.substring(3).strip();
                int sp = rest.indexOf(' ');
                String key = sp < 0 ? rest : rest.substring(0, sp);
                if (!SECTIONS.contains(key)) {
                    throw new IllegalArgumentException(file + ":" + (i + 1) + ": unknown section \"" + key
                                                       + "\" (expected one of " + SECTIONS + ")");
                }
                if (sections.containsKey(key)) {
                    throw new IllegalArgumentException(file + ":" + (i + 1) + ": duplicate section \"" + key + "\"");
                }
                section = new StringBuilder(sp < 0 ? "" : rest.substring(sp + 1).strip() + "\n");
                sections.put(key, section);
            } else if (section != null) {
                section.append(line).append('\n');
            } else if (caseName != null && !line.isBlank() && !line.startsWith("#")) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": text before the first section");
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(file + ": no cases");
        }
        return out;
    }

    private static BalancingCase build(String name, String source, Map<String, StringBuilder> sections) {
        try {
            return buildOrThrow(name, source, sections);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + " (case \"" + name + "\"): " + e.getMessage(), e);
        }
    }

    private static BalancingCase buildOrThrow(String name, String source, Map<String, StringBuilder> sections) {
        String upstream = raw(sections, "upstream");
        if (upstream == null || upstream.isBlank()) {
            throw new IllegalArgumentException("--- upstream is required");
        }
        for (String line : upstream.split("\n")) {
            if (line.strip().startsWith("server") && BalancingCase.lettersOf(line).isEmpty()) {
                throw new IllegalArgumentException("servers must be letters A..Z: " + line.strip());
            }
        }
        List<Character> letters = BalancingCase.lettersOf(upstream);
        if (letters.isEmpty()) {
            throw new IllegalArgumentException("the upstream has no \"server X\" line with a letter X");
        }
        if (new HashSet<>(letters).size() != letters.size()) {
            throw new IllegalArgumentException("a letter is used by two servers: " + letters);
        }

        Set<Character> dead = letters(value(sections, "dead"), letters, "--- dead");

        String requests = value(sections, "requests");
        String stepsText = value(sections, "steps");
        if ((requests == null) == (stepsText == null)) {
            throw new IllegalArgumentException("exactly one of --- requests and --- steps is required");
        }
        List<Step> steps = stepsText != null ? steps(stepsText, letters, dead)
                                             : List.of(new Step.Requests(positive(requests, "--- requests")));

        String workers = value(sections, "worker_processes");
        int workerProcesses = workers == null ? 1 : positive(workers, "--- worker_processes");

        String expectText = value(sections, "expect");
        List<String> expect = expectText == null ? null : Outcomes.parse(expectText);

        String known = raw(sections, "known-difference");
        if (known != null) {
            // whole-line comments after the note (e.g. a heading before the next case) are not part of it
            known = known.lines().filter(l -> !l.startsWith("#")).collect(Collectors.joining("\n"));
        }
        if (known != null && known.isBlank()) {
            throw new IllegalArgumentException("--- known-difference needs an explanation");
        }
        BalancingCase c = new BalancingCase(name, source, upstream, letters, dead, steps, workerProcesses, expect,
                                            known == null ? null : known.strip());
        if (expect != null && expect.size() != c.requestCount()) {
            throw new IllegalArgumentException("--- expect has " + expect.size() + " outcomes for "
                                               + c.requestCount() + " requests");
        }
        return c;
    }

    private static List<Step> steps(String text, List<Character> letters, Set<Character> initiallyDead) {
        Set<Character> dead = new HashSet<>(initiallyDead);
        List<Step> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            String s = line.strip();
            if (s.isEmpty()) {
                continue;
            }
            int sp = s.indexOf(' ');
            String verb = sp < 0 ? s : s.substring(0, sp);
            String arg = sp < 0 ? "" : s.substring(sp + 1).strip();
            switch (verb) {
                case "requests":
                    out.add(new Step.Requests(positive(arg, s)));
                    break;
                case "hold":
                    out.add(new Step.Hold(positive(arg, s)));
                    break;
                case "sleep":
                    BigDecimal seconds;
                    try {
                        seconds = new BigDecimal(arg);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("bad step \"" + s + "\": seconds expected", e);
                    }
                    if (seconds.signum() <= 0) {
                        throw new IllegalArgumentException("bad step \"" + s + "\": seconds must be > 0");
                    }
                    out.add(new Step.Sleep(Duration.ofMillis(seconds.movePointRight(3).longValue())));
                    break;
                case "sync":
                    if (!arg.isEmpty()) {
                        throw new IllegalArgumentException("bad step \"" + s + "\": sync takes no argument");
                    }
                    out.add(new Step.Sync());
                    break;
                case "kill":
                    Set<Character> kill = letters(arg, letters, s);
                    for (char c : kill) {
                        if (!dead.add(c)) {
                            throw new IllegalArgumentException("bad step \"" + s + "\": " + c + " is already dead");
                        }
                    }
                    out.add(new Step.Kill(kill));
                    break;
                case "revive":
                    Set<Character> revive = letters(arg, letters, s);
                    for (char c : revive) {
                        if (!dead.remove(c)) {
                            throw new IllegalArgumentException("bad step \"" + s + "\": " + c + " is not dead");
                        }
                    }
                    out.add(new Step.Revive(revive));
                    break;
                default:
                    throw new IllegalArgumentException("bad step \"" + s + "\" (expected requests N, hold N, "
                                                       + "sleep S, sync, kill X.., revive X..)");
            }
        }
        if (out.stream().noneMatch(st -> st.outcomes() > 0)) {
            throw new IllegalArgumentException("--- steps makes no requests");
        }
        return out;
    }

    /** Letters written as "A C" or "AC". */
    private static Set<Character> letters(@Nullable String text, List<Character> known, String what) {
        Set<Character> out = new LinkedHashSet<>();
        if (text == null) {
            return out;
        }
        for (char c : text.toCharArray()) {
            if (Character.isWhitespace(c) || c == ',') {
                continue;
            }
            if (!known.contains(c)) {
                throw new IllegalArgumentException(what + ": \"" + c + "\" is not a server letter " + known);
            }
            out.add(c);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(what + ": letters expected");
        }
        return out;
    }

    private static int positive(String text, String what) {
        try {
            int n = Integer.parseInt(text.strip());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException(what + ": a positive number expected, got \"" + text.strip() + "\"");
    }

    /** A section as written (the upstream keeps its nginx comments, the note its text). */
    private static @Nullable String raw(Map<String, StringBuilder> sections, String key) {
        StringBuilder sb = sections.get(key);
        return sb == null ? null : sb.toString().stripTrailing() + "\n";
    }

    /** A section without {@code #} comments and surrounding blank space. */
    private static @Nullable String value(Map<String, StringBuilder> sections, String key) {
        StringBuilder sb = sections.get(key);
        if (sb == null) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        for (String line : sb.toString().split("\n")) {
            int hash = line.indexOf('#');
            out.append(hash < 0 ? line : line.substring(0, hash)).append('\n');
        }
        String v = out.toString().strip();
        if (v.isEmpty()) {
            throw new IllegalArgumentException("--- " + key + " is empty");
        }
        return v;
    }
}

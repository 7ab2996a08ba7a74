package io.dynup.http.route;

import io.dynup.config.ConfigException;
import io.dynup.config.SourcePos;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * A regular expression written for PCRE (as nginx compiles it) running on {@link java.util.regex}.
 *
 * <p>nginx compiles location and server name regexes with PCRE2 and no UTF option, so they work on bytes: {@code .}
 * is one byte, {@code \w}, {@code \d}, {@code \s} and case-insensitivity cover ASCII only, {@code $} matches at the
 * end or before a final {@code \n}. dynup reproduces that by matching against <em>byte strings</em>: Java strings
 * holding one char per byte (ISO-8859-1 view of the UTF-8 bytes), with {@link Pattern#UNIX_LINES} and, for caseless
 * patterns, {@link Pattern#CASE_INSENSITIVE} without Unicode case. The pattern itself is turned into a byte string
 * the same way, so a literal {@code é} in a pattern matches the two bytes of {@code é} in a URI.
 *
 * <p>PCRE syntax Java lacks or reads differently is translated before compiling:
 * <ul>
 *   <li>named groups {@code (?<name>...)}, {@code (?'name'...)} and {@code (?P<name>...)} (PCRE names may contain
 *       {@code _}, Java's may not: every named group is renamed internally, the PCRE name is kept for
 *       {@link Captures#named(String)}), and the back references {@code \k<name>}, {@code \k'name'},
 *       {@code \k{name}}, {@code (?P=name)};</li>
 *   <li>POSIX classes {@code [[:alpha:]]}, {@code [[:^digit:]]} and the others PCRE knows;</li>
 *   <li>characters that are literal inside a PCRE class but operators in Java's: {@code [}, {@code &&}, and a
 *       {@code ]} right after {@code [} or {@code [^};</li>
 *   <li>a {@code {} that does not start a valid quantifier (literal in PCRE, an error in Java);</li>
 *   <li>comments {@code (?#...)}.</li>
 * </ul>
 * Constructs with no Java equivalent (branch reset {@code (?|...)}, recursion {@code (?R)}, {@code (?P>name)},
 * {@code \K}, verbs such as {@code (*UTF)}) fail to compile, as a configuration error. The inline option
 * {@code (?U)} means "ungreedy" in PCRE but Unicode classes in Java; it is passed through unchanged (a known
 * difference, rare in nginx configurations).
 *
 * <p>Compile errors are reported in nginx's shape, {@code pcre2_compile() failed: <reason> in "<regex>" at
 * "<rest>"} (the nginx 1.22.1 this mirrors is built with PCRE2), with Java's wording of the reason and Java's idea
 * of where the error is.
 */
public final class PcreRegex {

    private static final Map<String, String> POSIX_CLASSES = Map.ofEntries(
            Map.entry("alnum", "\\p{Alnum}"),
            Map.entry("alpha", "\\p{Alpha}"),
            Map.entry("ascii", "\\p{ASCII}"),
            Map.entry("blank", "\\p{Blank}"),
            Map.entry("cntrl", "\\p{Cntrl}"),
            Map.entry("digit", "\\p{Digit}"),
            Map.entry("graph", "\\p{Graph}"),
            Map.entry("lower", "\\p{Lower}"),
            Map.entry("print", "\\p{Print}"),
            Map.entry("punct", "\\p{Punct}"),
            Map.entry("space", "\\p{Space}"),
            Map.entry("upper", "\\p{Upper}"),
            Map.entry("word", "\\w"),
            Map.entry("xdigit", "\\p{XDigit}"));

    private final String source;
    private final boolean caseless;
    private final Pattern pattern;
    private final int groupCount;
    private final Map<String, Integer> names;

    private PcreRegex(String source, boolean caseless, Pattern pattern, Map<String, Integer> names) {
        this.source = source;
        this.caseless = caseless;
        this.pattern = pattern;
        this.groupCount = pattern.matcher("").groupCount();
        this.names = names;
    }

    /**
     * Compiles a PCRE pattern as nginx would for a directive at {@code pos}.
     *
     * @param regex the pattern as written in the configuration (without nginx's {@code ~} / {@code ~*})
     * @param caseless whether to match case-insensitively (ASCII only, as PCRE without UTF)
     * @param pos the directive, for the error message
     * @throws ConfigException {@code pcre2_compile() failed: ... in "regex" at "..." in file:line}
     */
    public static PcreRegex compile(String regex, boolean caseless, SourcePos pos) {
        try {
            return compile(regex, caseless);
        } catch (PatternSyntaxException e) {
            throw new ConfigException(e.getDescription(), pos, e);
        }
    }

    /**
     * Compiles a PCRE pattern.
     *
     * @throws PatternSyntaxException whose {@linkplain PatternSyntaxException#getDescription() description} is the
     *     whole nginx-style message, {@code pcre2_compile() failed: <reason> in "<regex>"[ at "<rest>"]}
     */
    public static PcreRegex compile(String regex, boolean caseless) {
        String bytes = ByteStrings.of(regex);
        Translator t = new Translator(bytes);
        try {
            String java = t.translate();
            int flags = Pattern.UNIX_LINES | (caseless ? Pattern.CASE_INSENSITIVE : 0);
            return new PcreRegex(regex, caseless, Pattern.compile(java, flags),
                    Collections.unmodifiableMap(t.names));
        } catch (TranslationError e) {
            throw failure(regex, bytes, e.getMessage(), e.at);
        } catch (PatternSyntaxException e) {
            throw failure(regex, bytes, e.getDescription(), e.getIndex() < 0 ? -1 : t.sourceIndex(e.getIndex()));
        }
    }

    private static PatternSyntaxException failure(String regex, String bytes, @Nullable String description, int at) {
        String d = description == null ? "" : description;
        String reason = d.isEmpty() ? d : d.substring(0, 1).toLowerCase(Locale.ROOT) + d.substring(1);
        String message = "pcre2_compile() failed: " + reason + " in \"" + regex + "\"";
        if (at >= 0 && at < bytes.length()) {
            message += " at \"" + ByteStrings.text(bytes.substring(at)) + "\"";
        }
        return new PatternSyntaxException(message, regex, -1);
    }

    /** A PCRE construct the translation rejects, at an index of the (byte string) pattern. */
    private static final class TranslationError extends RuntimeException {

        private static final long serialVersionUID = 1L;

        final int at;

        TranslationError(String reason, int at) {
            super(reason, null, false, false);
            this.at = at;
        }
    }

    /** The pattern as written. */
    public String source() {
        return source;
    }

    /** Whether the pattern matches case-insensitively. */
    public boolean caseless() {
        return caseless;
    }

    /** How many capturing groups the pattern has ({@code $1} .. {@code $n}). */
    public int groupCount() {
        return groupCount;
    }

    /** The named groups, PCRE name to group number, in pattern order. */
    public Map<String, Integer> groupNames() {
        return names;
    }

    /**
     * Searches {@code subject} anywhere (PCRE's unanchored match).
     *
     * @param subject a byte string (one char per byte, see {@link PcreRegex})
     * @return the captures of the first match, or {@code null} when the pattern does not match
     */
    public @Nullable Captures match(String subject) {
        Matcher m = pattern.matcher(subject);
        if (!m.find()) {
            return null;
        }
        int[] offsets = new int[2 * (groupCount + 1)];
        for (int g = 0; g <= groupCount; g++) {
            offsets[2 * g] = m.start(g);
            offsets[2 * g + 1] = m.end(g);
        }
        return Captures.of(subject, offsets, names);
    }

    /** Whether the pattern matches somewhere in the byte string {@code subject}. */
    public boolean matches(String subject) {
        return pattern.matcher(subject).find();
    }

    @Override
    public String toString() {
        return (caseless ? "~* " : "~ ") + source;
    }

    /** Rewrites PCRE syntax into Java syntax, remembering for each output char the pattern index it came from. */
    private static final class Translator {

        private final String p;
        private final StringBuilder out = new StringBuilder();
        private int[] origin = new int[16];
        private final Map<String, Integer> names = new LinkedHashMap<>();
        private int groups;

        Translator(String p) {
            this.p = p;
        }

        int sourceIndex(int javaIndex) {
            if (javaIndex >= out.length()) {
                return p.length();
            }
            return origin[javaIndex];
        }

        private void emit(CharSequence s, int from) {
            for (int k = 0; k < s.length(); k++) {
                if (out.length() == origin.length) {
                    origin = java.util.Arrays.copyOf(origin, origin.length * 2);
                }
                origin[out.length()] = from;
                out.append(s.charAt(k));
            }
        }

        private TranslationError error(String reason, int at) {
            return new TranslationError(reason, at);
        }

        String translate() {
            int i = 0;
            int n = p.length();
            while (i < n) {
                char c = p.charAt(i);
                if (c == '\\') {
                    i = escape(i, false);
                } else if (c == '[') {
                    i = charClass(i);
                } else if (c == '(') {
                    i = group(i);
                } else if (c == '{' && !isQuantifier(i)) {
                    emit("\\{", i);
                    i++;
                } else {
                    emit(String.valueOf(c), i);
                    i++;
                }
            }
            return out.toString();
        }

        /** {@code \x} at {@code i}; returns the index after it. */
        private int escape(int i, boolean inClass) {
            int n = p.length();
            if (i + 1 >= n) {
                throw error("\\ at end of pattern", i);
            }
            char d = p.charAt(i + 1);
            if (d == 'Q') {
                int end = p.indexOf("\\E", i + 2);
                int stop = end < 0 ? n : end;
                for (int k = i + 2; k < stop; k++) {
                    char lit = p.charAt(k);
                    emit(Character.isLetterOrDigit(lit) || lit >= 0x80 ? String.valueOf(lit) : "\\" + lit, k);
                }
                return end < 0 ? n : end + 2;
            }
            if (d == 'E') {
                return i + 2; // a stray \E is ignored by PCRE
            }
            if (!inClass && d == 'k' && i + 2 < n) {
                char open = p.charAt(i + 2);
                char close = open == '<' ? '>' : open == '{' ? '}' : open == '\'' ? '\'' : 0;
                if (close != 0) {
                    int end = p.indexOf(close, i + 3);
                    if (end < 0) {
                        throw error("syntax error in subpattern name (missing terminator?)", i + 3);
                    }
                    emit("\\k<" + javaName(p.substring(i + 3, end), i + 3) + ">", i);
                    return end + 1;
                }
            }
            if (d == 'K') {
                throw error("\\K is not supported", i);
            }
            emit(p.substring(i, i + 2), i);
            return i + 2;
        }

        private String javaName(String name, int at) {
            Integer g = names.get(name);
            if (g == null) {
                throw error("reference to non-existent subpattern", at);
            }
            return "g" + g;
        }

        /** A character class starting at {@code i}; returns the index after its closing bracket. */
        private int charClass(int i) {
            int n = p.length();
            emit("[", i);
            i++;
            if (i < n && p.charAt(i) == '^') {
                emit("^", i);
                i++;
            }
            int first = i;
            while (i < n) {
                char c = p.charAt(i);
                if (c == ']' && i != first) {
                    emit("]", i);
                    return i + 1;
                }
                if (c == '\\') {
                    i = escape(i, true);
                } else if (c == '[' && i + 1 < n && (p.charAt(i + 1) == ':')) {
                    int end = p.indexOf(":]", i + 2);
                    if (end < 0) {
                        emit("\\[", i);
                        i++;
                        continue;
                    }
                    String name = p.substring(i + 2, end);
                    boolean negated = name.startsWith("^");
                    String java = POSIX_CLASSES.get(negated ? name.substring(1) : name);
                    if (java == null) {
                        throw error("unknown POSIX class name", i + 2);
                    }
                    if (negated) {
                        java = java.equals("\\w") ? "\\W" : "\\P" + java.substring(2);
                    }
                    emit(java, i);
                    i = end + 2;
                } else if (c == '[' || c == ']' || c == '&') {
                    emit("\\" + c, i);
                    i++;
                } else {
                    emit(String.valueOf(c), i);
                    i++;
                }
            }
            throw error("missing terminating ] for character class", n);
        }

        /** A {@code (} at {@code i}; returns the index after what was consumed. */
        private int group(int i) {
            int n = p.length();
            if (i + 1 >= n || p.charAt(i + 1) != '?') {
                if (i + 1 < n && p.charAt(i + 1) == '*') {
                    throw error("(*VERB) is not supported", i);
                }
                groups++;
                emit("(", i);
                return i + 1;
            }
            if (i + 2 >= n) {
                throw error("unrecognized character after (? or (?-", i + 2);
            }
            char k = p.charAt(i + 2);
            if (k == '#') {
                int end = p.indexOf(')', i + 3);
                if (end < 0) {
                    throw error("missing ) at end of (?# comment", n);
                }
                return end + 1;
            }
            if (k == '<' && i + 3 < n && p.charAt(i + 3) != '=' && p.charAt(i + 3) != '!') {
                return namedGroup(i, i + 3, '>');
            }
            if (k == '\'') {
                return namedGroup(i, i + 3, '\'');
            }
            if (k == 'P' && i + 3 < n) {
                char kind = p.charAt(i + 3);
                if (kind == '<') {
                    return namedGroup(i, i + 4, '>');
                }
                if (kind == '=') {
                    int end = p.indexOf(')', i + 4);
                    if (end < 0) {
                        throw error("syntax error in subpattern name (missing terminator?)", i + 4);
                    }
                    emit("\\k<" + javaName(p.substring(i + 4, end), i + 4) + ">", i);
                    return end + 1;
                }
                throw error("recursion and subroutine calls are not supported", i);
            }
            emit("(?", i);
            return i + 2;
        }

        private int namedGroup(int open, int nameStart, char close) {
            int end = p.indexOf(close, nameStart);
            if (end < 0) {
                throw error("syntax error in subpattern name (missing terminator?)", nameStart);
            }
            String name = p.substring(nameStart, end);
            if (!validName(name)) {
                throw error("subpattern name expected", nameStart);
            }
            groups++;
            if (names.putIfAbsent(name, groups) != null) {
                throw error("two named subpatterns have the same name (PCRE2_DUPNAMES not set)", nameStart);
            }
            emit("(?<g" + groups + ">", open);
            return end + 1;
        }

        private static boolean validName(String name) {
            if (name.isEmpty() || name.length() > 32 || Character.isDigit(name.charAt(0))) {
                return false;
            }
            for (int k = 0; k < name.length(); k++) {
                char c = name.charAt(k);
                if (!(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9')) {
                    return false;
                }
            }
            return true;
        }

        /** Whether the {@code {} at {@code i} starts {@code {n}}, {@code {n,}} or {@code {n,m}}. */
        private boolean isQuantifier(int i) {
            int n = p.length();
            int k = i + 1;
            int digits = 0;
            while (k < n && Character.isDigit(p.charAt(k))) {
                k++;
                digits++;
            }
            if (digits == 0 || k >= n) {
                return false;
            }
            if (p.charAt(k) == '}') {
                return true;
            }
            if (p.charAt(k) != ',') {
                return false;
            }
            k++;
            while (k < n && Character.isDigit(p.charAt(k))) {
                k++;
            }
            return k < n && p.charAt(k) == '}';
        }
    }

    /** Conversions between text and byte strings (one char per byte). */
    static final class ByteStrings {

        private ByteStrings() {
        }

        /** The UTF-8 bytes of {@code text}, one char per byte; ASCII text is returned as is. */
        static String of(String text) {
            for (int i = 0; i < text.length(); i++) {
                if (text.charAt(i) >= 0x80) {
                    return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
                }
            }
            return text;
        }

        /** One char per byte of {@code bytes}. */
        static String of(byte[] bytes) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }

        /** Decodes a byte string as UTF-8 (malformed sequences become U+FFFD); ASCII is returned as is. */
        static String text(String bytes) {
            for (int i = 0; i < bytes.length(); i++) {
                if (bytes.charAt(i) >= 0x80) {
                    return new String(bytes.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
                }
            }
            return bytes;
        }
    }
}

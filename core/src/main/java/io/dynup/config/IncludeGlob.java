package io.dynup.config;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Expands {@code include} patterns as nginx does with glob(3): only a pattern containing {@code *}, {@code ?} or
 * {@code [} is a glob; wildcards may stand in any path component; a wildcard does not match a leading {@code .};
 * backslash escapes; matches come sorted; no match is not an error.
 */
final class IncludeGlob {

    private IncludeGlob() {
    }

    /** Whether nginx would treat {@code pattern} as a glob rather than a file name. */
    static boolean isGlob(String pattern) {
        return pattern.indexOf('*') >= 0 || pattern.indexOf('?') >= 0 || pattern.indexOf('[') >= 0;
    }

    /**
     * The files {@code pattern} names, relative to {@code baseDir}: for a plain name just that path (whether or not it
     * exists), for a glob the existing matches in sorted order.
     */
    static List<Path> expand(String pattern, Path baseDir) {
        Path full = baseDir.toAbsolutePath().resolve(pattern).normalize();
        if (!isGlob(pattern)) {
            return List.of(full);
        }
        Path root = java.util.Objects.requireNonNull(full.getRoot(), "absolute path has a root");
        List<Path> current = new ArrayList<>();
        current.add(root);
        for (Path component : full) {
            String part = component.toString();
            List<Path> next = new ArrayList<>();
            for (Path dir : current) {
                if (isGlob(part)) {
                    next.addAll(matchIn(dir, part));
                } else {
                    next.add(dir.resolve(unescape(part)));
                }
            }
            current = next;
        }
        return current.stream()
                .filter(p -> Files.exists(p, LinkOption.NOFOLLOW_LINKS))
                .sorted(Comparator.comparing(Path::toString))
                .toList();
    }

    private static List<Path> matchIn(Path dir, String pattern) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        // glob(3) without GLOB_ERR skips directories it cannot read; so do we.
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (name.startsWith(".") && !pattern.startsWith(".") && !pattern.startsWith("\\.")) {
                    continue;
                }
                if (matches(pattern, name)) {
                    out.add(entry);
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return out;
    }

    private static String unescape(String part) {
        return part.indexOf('\\') < 0 ? part : part.replaceAll("\\\\(.)", "$1");
    }

    /** fnmatch(3) without flags, for one path component: {@code *}, {@code ?}, {@code [...]}, backslash. */
    static boolean matches(String pattern, String name) {
        return match(pattern, 0, name, 0);
    }

    private static boolean match(String p, int pi, String s, int si) {
        while (pi < p.length()) {
            char c = p.charAt(pi);
            switch (c) {
                case '*' -> {
                    while (pi < p.length() && p.charAt(pi) == '*') {
                        pi++;
                    }
                    if (pi == p.length()) {
                        return true;
                    }
                    for (int k = si; k <= s.length(); k++) {
                        if (match(p, pi, s, k)) {
                            return true;
                        }
                    }
                    return false;
                }
                case '?' -> {
                    if (si >= s.length()) {
                        return false;
                    }
                    pi++;
                    si++;
                }
                case '[' -> {
                    int end = bracketEnd(p, pi);
                    if (end < 0) {
                        // An unclosed "[" is an ordinary character.
                        if (si >= s.length() || s.charAt(si) != '[') {
                            return false;
                        }
                        pi++;
                        si++;
                    } else {
                        if (si >= s.length() || !inBracket(p, pi + 1, end, s.charAt(si))) {
                            return false;
                        }
                        pi = end + 1;
                        si++;
                    }
                }
                default -> {
                    if (c == '\\' && pi + 1 < p.length()) {
                        pi++;
                        c = p.charAt(pi);
                    }
                    if (si >= s.length() || s.charAt(si) != c) {
                        return false;
                    }
                    pi++;
                    si++;
                }
            }
        }
        return si == s.length();
    }

    /** Index of the {@code ]} closing the bracket expression at {@code open}, or -1. */
    private static int bracketEnd(String p, int open) {
        int i = open + 1;
        if (i < p.length() && (p.charAt(i) == '!' || p.charAt(i) == '^')) {
            i++;
        }
        // A "]" right after "[" or "[!" is a member, not the end.
        if (i < p.length() && p.charAt(i) == ']') {
            i++;
        }
        while (i < p.length()) {
            char c = p.charAt(i);
            if (c == '\\' && i + 1 < p.length()) {
                i += 2;
                continue;
            }
            if (c == ']') {
                return i;
            }
            i++;
        }
        return -1;
    }

    private static boolean inBracket(String p, int from, int end, char ch) {
        int i = from;
        boolean negate = false;
        if (p.charAt(i) == '!' || p.charAt(i) == '^') {
            negate = true;
            i++;
        }
        boolean found = false;
        boolean first = true;
        while (i < end) {
            char lo = p.charAt(i);
            if (lo == '\\' && i + 1 < end) {
                i++;
                lo = p.charAt(i);
            } else if (lo == ']' && !first) {
                break;
            }
            first = false;
            i++;
            char hi = lo;
            if (i + 1 < end && p.charAt(i) == '-') {
                hi = p.charAt(i + 1);
                if (hi == '\\' && i + 2 < end) {
                    hi = p.charAt(i + 2);
                    i++;
                }
                i += 2;
            }
            if (ch >= lo && ch <= hi) {
                found = true;
            }
        }
        return found != negate;
    }
}

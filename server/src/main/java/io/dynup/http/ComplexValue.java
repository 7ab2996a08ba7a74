package io.dynup.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import io.dynup.config.ConfigException;
import io.dynup.config.Directive;

/**
 * A configuration string with variables ({@code "$scheme://$host$request_uri"}, {@code ${arg_a}x}), compiled
 * once at load time into literal and variable parts and evaluated per request.
 */
public final class ComplexValue {

    private final String text;
    private final List<String> parts = new ArrayList<>();
    /** Parallel to {@code parts}: true where the part is a variable name. */
    private final List<Boolean> variable = new ArrayList<>();

    private ComplexValue(String text) {
        this.text = text;
    }

    /** Compiles {@code text}; an unknown variable is nginx's {@code unknown "name" variable}. */
    public static ComplexValue compile(String text, Directive where) {
        return compile(text, where, false);
    }

    /**
     * @param namedCaptures accept any other name too, as a named capture (when the declared names are unknown)
     */
    public static ComplexValue compile(String text, Directive where, boolean namedCaptures) {
        return compile(text, where, namedCaptures ? null : Set.of());
    }

    /**
     * @param captureNames the named captures declared in the configuration, which nginx defines as variables;
     *                     null accepts any name
     */
    public static ComplexValue compile(String text, Directive where, @Nullable Set<String> captureNames) {
        ComplexValue v = new ComplexValue(text);
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '$' || i + 1 == text.length()) {
                literal.append(c);
                i++;
                continue;
            }
            int start = i + 1;
            int end;
            String name;
            if (text.charAt(start) == '{') {
                end = text.indexOf('}', start);
                if (end < 0) {
                    throw ConfigException.at(where.pos(), "the closing bracket in \"%s\" variable is missing",
                                             text.substring(start + 1));
                }
                name = text.substring(start + 1, end);
                end++;
            } else {
                end = start;
                while (end < text.length() && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_')) {
                    end++;
                }
                name = text.substring(start, end);
            }
            if (name.isEmpty()) {
                throw ConfigException.at(where.pos(), "invalid variable name in \"%s\"", text);
            }
            if (!Variables.known(name) && captureNames != null && !captureNames.contains(name)) {
                // nginx finds unknown names once the whole http block is read: its message has no position
                throw new ConfigException(String.format("unknown \"%s\" variable", name), null);
            }
            if (literal.length() > 0) {
                v.parts.add(literal.toString());
                v.variable.add(false);
                literal.setLength(0);
            }
            v.parts.add(name);
            v.variable.add(true);
            i = end;
        }
        if (literal.length() > 0 || v.parts.isEmpty()) {
            v.parts.add(literal.toString());
            v.variable.add(false);
        }
        return v;
    }

    public boolean isConstant() {
        return parts.size() == 1 && !variable.get(0);
    }

    public String evaluate(HttpExchange ex) {
        if (isConstant()) {
            return parts.get(0);
        }
        StringBuilder sb = new StringBuilder(text.length() + 32);
        for (int i = 0; i < parts.size(); i++) {
            sb.append(variable.get(i) ? Variables.get(ex, parts.get(i)) : parts.get(i));
        }
        return sb.toString();
    }

    /** How a variable's value is written where a value is formatted (an access log escapes, prints "-"). */
    @FunctionalInterface
    public interface VariableFormat {
        /** Appends {@code value} (null when the variable is not found) to {@code out}. */
        void append(StringBuilder out, @Nullable String value);
    }

    /** Evaluates into {@code out}, each variable's value written by {@code format}, literals as they are. */
    public void appendTo(StringBuilder out, HttpExchange ex, VariableFormat format) {
        for (int i = 0; i < parts.size(); i++) {
            if (variable.get(i)) {
                format.append(out, Variables.lookup(ex, parts.get(i)));
            } else {
                out.append(parts.get(i));
            }
        }
    }

    @Override
    public String toString() {
        return text;
    }
}

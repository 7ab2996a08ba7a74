package io.dynup.stream;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import io.dynup.config.ConfigException;
import io.dynup.config.SourcePos;

/**
 * A complex value over the stream variables a connection has before any byte is read, for {@code hash KEY}:
 * {@code $remote_addr}, {@code $remote_port}, {@code $server_addr}, {@code $server_port}, written {@code $name}
 * or <code>${name}</code>, with literal text around them. Compiled once at load, as nginx compiles it.
 */
final class StreamKey {

    private enum Var { REMOTE_ADDR, REMOTE_PORT, SERVER_ADDR, SERVER_PORT }

    /** Literal strings and {@link Var}s in order. */
    private final List<Object> parts;

    private StreamKey(List<Object> parts) {
        this.parts = parts;
    }

    /** @throws ConfigException {@code unknown "name" variable}, as nginx says, for any other variable */
    static StreamKey compile(String template, SourcePos pos) {
        List<Object> parts = new ArrayList<>();
        StringBuilder lit = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c != '$') {
                lit.append(c);
                i++;
                continue;
            }
            boolean braced = i + 1 < template.length() && template.charAt(i + 1) == '{';
            int start = braced ? i + 2 : i + 1;
            int end = start;
            while (end < template.length() && isNameChar(template.charAt(end))) {
                end++;
            }
            if (braced && (end >= template.length() || template.charAt(end) != '}')) {
                throw ConfigException.at(pos, "the closing bracket in \"%s\" variable is missing",
                                         template.substring(start, end));
            }
            String name = template.substring(start, end);
            if (name.isEmpty()) {
                throw ConfigException.at(pos, "invalid variable name in \"%s\"", template);
            }
            if (lit.length() > 0) {
                parts.add(lit.toString());
                lit.setLength(0);
            }
            parts.add(variable(name, pos));
            i = braced ? end + 1 : end;
        }
        if (lit.length() > 0) {
            parts.add(lit.toString());
        }
        return new StreamKey(List.copyOf(parts));
    }

    private static Var variable(String name, SourcePos pos) {
        switch (name) {
            case "remote_addr": return Var.REMOTE_ADDR;
            case "remote_port": return Var.REMOTE_PORT;
            case "server_addr": return Var.SERVER_ADDR;
            case "server_port": return Var.SERVER_PORT;
            default: throw ConfigException.at(pos, "unknown \"%s\" variable", name);
        }
    }

    private static boolean isNameChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_';
    }

    /** The key for a connection from {@code remote} accepted on {@code local}. */
    String evaluate(InetSocketAddress remote, InetSocketAddress local) {
        StringBuilder sb = new StringBuilder(32);
        for (Object p : parts) {
            if (p instanceof String s) {
                sb.append(s);
                continue;
            }
            switch ((Var) p) {
                case REMOTE_ADDR -> sb.append(remote.getAddress().getHostAddress());
                case REMOTE_PORT -> sb.append(remote.getPort());
                case SERVER_ADDR -> sb.append(local.getAddress().getHostAddress());
                default -> sb.append(local.getPort());
            }
        }
        return sb.toString();
    }
}

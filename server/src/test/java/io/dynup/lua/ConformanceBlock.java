package io.dynup.lua;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import io.dynup.testing.Dynup;

/**
 * One case of a Lua conformance file ({@code conformance/lua/*.t}), in the Test::Nginx spirit:
 * <pre>
 * === TEST 3: title
 * --- http_config      (inside http {} before the server)
 * --- stream_config    (inside stream {}; absent: no stream block)
 * --- config           (inside server { listen 127.0.0.1:$TEST_NGINX_SERVER_PORT; ... })
 * --- user_files       (">>> name" lines, each followed by the file's text, written to $TEST_NGINX_HTML_DIR)
 * --- request          (METHOD /uri, then optionally an empty line and the body)
 * --- requests         (dynup extension: several "METHOD /uri" lines, sent in order, one connection each; the
 *                      status and headers checked are the last one's, the body all bodies in a row)
 * --- eventually       (dynup extension: the request(s) are sent again until the checks pass, up to 15 s, for
 *                      what active health checks show)
 * --- more_headers     (request header lines)
 * --- response_body    (exact, final newline included; "--- response_body chomp" drops it)
 * --- response_headers (Name: value lines that must match; !Name: must be absent)
 * --- response_body_like (Java regex, DOTALL, found anywhere in the body)
 * --- error_code: 200  (the default)
 * --- error_log        (lines that must each appear in the error log)
 * --- no_error_log     (lines that must not)
 * --- stream_request   (after the request, bytes sent on one TCP connection to $TEST_NGINX_STREAM_PORT, then
 *                      its write side shut; \r and \n are the control characters)
 * --- stream_response  (exact, all that connection received until it closed; "stream_response chomp" as above)
 * --- stream_response_like (Java regex, DOTALL, found anywhere in it)
 * --- stream_connections: 3 (dynup extension: that many connections one after the other, each sent the
 *                      stream_request; the stream response is all they received, in order)
 * --- stream_backends: A B (dynup extension: a loopback TCP backend per name on a free port, which answers
 *                      "A\n" on connect, echoes, and "bye A\n" after the client's FIN; $TEST_NGINX_A_PORT is
 *                      its port in every section, expected texts included)
 * --- abort            (the response must be cut: the connection closes before it is complete)
 * --- must_die         (the configuration must be refused; error_log lines are looked for in the error)
 * --- dynup_only       (a dynup behaviour, e.g. its error for an unsupported function: not run on nginx)
 * --- SKIP: reason     (dynup extension: the block is reported as skipped)
 * </pre>
 * {@code $TEST_NGINX_RAND_PORT_1} to {@code _9} (Test::Nginx's names) are free ports, the same in every section
 * of a block, expectations included (a backend's port shows in what the block prints).
 * As Test::Base does, blank lines around a section's text are dropped and each kept line ends with a newline.
 */
record ConformanceBlock(String file, int number, String title, Map<String, String> sections) {

    private static final Pattern RAND_PORT = Pattern.compile("\\$TEST_NGINX_RAND_PORT_[1-9]");

    /** Parses every block of a file's text. */
    static List<ConformanceBlock> parse(String file, String text) {
        List<ConformanceBlock> blocks = new ArrayList<>();
        String title = null;
        int number = 0;
        Map<String, String> sections = null;
        String section = null;
        List<String> lines = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            if (line.startsWith("=== ")) {
                if (title != null) {
                    close(sections, section, lines);
                    blocks.add(new ConformanceBlock(file, number, title, sections));
                }
                title = line.substring(4).trim();
                number++;
                sections = new LinkedHashMap<>();
                section = null;
                lines.clear();
            } else if (line.startsWith("--- ") && sections != null) {
                close(sections, section, lines);
                lines.clear();
                String header = line.substring(4).trim();
                int colon = header.indexOf(':');
                if (colon > 0) {
                    sections.put(header.substring(0, colon).trim(), header.substring(colon + 1).trim());
                    section = null;
                } else {
                    section = header;
                }
            } else if (section != null) {
                lines.add(line);
            }
        }
        if (title != null) {
            close(sections, section, lines);
            blocks.add(new ConformanceBlock(file, number, title, sections));
        }
        return blocks;
    }

    private static void close(Map<String, String> sections, @Nullable String section, List<String> lines) {
        if (section == null) {
            return;
        }
        boolean chomp = section.endsWith(" chomp");
        String name = chomp ? section.substring(0, section.length() - " chomp".length()).trim() : section;
        int from = 0;
        int to = lines.size();
        while (from < to && lines.get(from).isBlank()) {
            from++;
        }
        while (to > from && lines.get(to - 1).isBlank()) {
            to--;
        }
        StringBuilder sb = new StringBuilder();
        for (String l : lines.subList(from, to)) {
            sb.append(l).append('\n');
        }
        if (chomp && sb.length() > 0) {
            sb.setLength(sb.length() - 1);
        }
        sections.put(name, sb.toString());
    }

    /** This block with {@code variable} replaced by {@code value} in every section. */
    ConformanceBlock replace(String variable, String value) {
        Map<String, String> replaced = new LinkedHashMap<>();
        sections.forEach((name, text) -> replaced.put(name, text.replace(variable, value)));
        return new ConformanceBlock(file, number, title, replaced);
    }

    /** This block with each {@code $TEST_NGINX_RAND_PORT_N} it uses replaced by a free port. */
    ConformanceBlock withRandomPorts() throws IOException {
        Map<String, String> replaced = new LinkedHashMap<>();
        Map<String, String> ports = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : sections.entrySet()) {
            Matcher m = RAND_PORT.matcher(e.getValue());
            StringBuilder sb = new StringBuilder();
            while (m.find()) {
                String port = ports.get(m.group());
                if (port == null) {
                    port = Integer.toString(Dynup.freePort());
                    ports.put(m.group(), port);
                }
                m.appendReplacement(sb, port);
            }
            m.appendTail(sb);
            replaced.put(e.getKey(), sb.toString());
        }
        return new ConformanceBlock(file, number, title, replaced);
    }

    @Nullable String get(String name) {
        return sections.get(name);
    }

    String getOrEmpty(String name) {
        String s = sections.get(name);
        return s == null ? "" : s;
    }

    /** The non-empty lines of a section. */
    List<String> lines(String name) {
        List<String> out = new ArrayList<>();
        for (String l : getOrEmpty(name).split("\n")) {
            if (!l.isBlank()) {
                out.add(l.strip());
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return file + " TEST " + number + ": " + title;
    }
}

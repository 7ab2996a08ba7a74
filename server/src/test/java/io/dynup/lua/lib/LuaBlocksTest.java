package io.dynup.lua.lib;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import io.dynup.config.Config;
import io.dynup.config.ConfigParser;
import io.dynup.config.CoreDirectives;
import io.dynup.config.DirectiveTable;
import io.dynup.model.HostResolver;
import io.dynup.model.UpstreamConfig;
import io.dynup.upstream.UpstreamRegistry;
import io.dynup.upstream.UpstreamService;

/**
 * Runs the {@code content_by_lua_block} of every block of this package's conformance files on a bare VM with the
 * block's upstreams and shared dicts, so the blocks the server runner executes are known to agree with the
 * libraries. {@code ngx.say} is the one request call they use; blocks that need a real request (proxying, error
 * pages) are left to the runner.
 */
class LuaBlocksTest {

    private static final List<String> FILES = List.of("dynamic_upstream.t", "libraries.t");
    private static final Pattern SHARED_DICT = Pattern.compile("lua_shared_dict\\s+(\\S+)\\s+(\\d+)([kKmM]?);");

    private static final String NGX_STUBS = """
            local out = {}
            function ngx.say(...)
                for i = 1, select("#", ...) do
                    local v = select(i, ...)
                    out[#out + 1] = v == ngx.null and "null" or tostring(v)
                end
                out[#out + 1] = "\\n"
            end
            function ngx.sleep() end
            function ngx.output() return table.concat(out) end
            """;

    @TestFactory
    Stream<DynamicTest> everyContentBlockAnswersItsExpectedBody() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (String file : FILES) {
            parse(file).stream()
                    .filter(b -> (b.containsKey("response_body") || b.containsKey("response_body_like"))
                                 && b.get("config").contains("content_by_lua_block")
                                 && !b.get("config").contains("proxy_pass"))
                    .forEach(b -> tests.add(DynamicTest.dynamicTest(file + ": " + b.get("title"), () -> run(b))));
        }
        return tests.stream();
    }

    private static void run(Map<String, String> block) {
        Map<String, Long> dicts = new LinkedHashMap<>();
        Matcher m = SHARED_DICT.matcher(block.getOrDefault("http_config", ""));
        while (m.find()) {
            long unit = switch (m.group(3).toLowerCase(Locale.ROOT)) {
                case "k" -> 1024;
                case "m" -> 1024 * 1024;
                default -> 1;
            };
            dicts.put(m.group(1), Long.parseLong(m.group(2)) * unit);
        }
        block.put("http_config", m.replaceAll(""));
        String stream = block.containsKey("stream_config") ? "stream {\n" + block.get("stream_config") + "\n}\n" : "";
        String config = "events {}\nhttp {\n" + block.getOrDefault("http_config", "") + "\n}\n" + stream;
        DirectiveTable table = DirectiveTable.builder().addAll(CoreDirectives.ALL).build();
        Config parsed = ConfigParser.parseString(config, Path.of("/tmp/nginx.conf"), table);
        UpstreamService service = new UpstreamService(
                new UpstreamRegistry(UpstreamConfig.bind(parsed, HostResolver.system())), HostResolver.system(),
                Runnable::run);
        try (LibVm vm = new LibVm(new LuaLibraries(service, dicts))) {
            vm.run(NGX_STUBS);
            String result = vm.eval(luaOf(block.get("config")) + "\nreturn ngx.output()");
            if ("500".equals(block.get("error_code"))) {
                // a Lua error: the server answers 500 and logs it
                assertThat(result).startsWith("error: ");
                block.getOrDefault("error_log", "").lines().forEach(line -> assertThat(result).contains(line));
            } else if (block.containsKey("response_body")) {
                assertThat(result).isEqualTo(block.get("response_body"));
            } else {
                assertThat(result).matches(Pattern.compile(block.get("response_body_like"), Pattern.DOTALL));
            }
        }
    }

    /** The body of the location's {@code content_by_lua_block}, up to its closing brace. */
    private static String luaOf(String config) {
        List<String> lines = config.lines().toList();
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).trim().equals("content_by_lua_block {")) {
                start = i + 1;
            } else if (start >= 0 && lines.get(i).equals("    }")) {
                return String.join("\n", lines.subList(start, i));
            }
        }
        throw new AssertionError("no content_by_lua_block in " + config);
    }

    /** Blocks as section name to text ({@code title} for the heading); response bodies keep their newlines. */
    private static List<Map<String, String>> parse(String file) throws IOException {
        String text;
        try (InputStream in = LuaBlocksTest.class.getResourceAsStream("/conformance/lua/" + file)) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        List<Map<String, String>> blocks = new ArrayList<>();
        Map<String, String> block = null;
        String section = null;
        StringBuilder content = new StringBuilder();
        for (String line : text.split("\n", -1)) {
            if (line.startsWith("=== ") || line.startsWith("--- ")) {
                if (block != null && section != null) {
                    block.put(section, trimBlankTail(content.toString(), section));
                }
                content.setLength(0);
                if (line.startsWith("=== ")) {
                    block = new LinkedHashMap<>();
                    block.put("title", line.substring(4));
                    blocks.add(block);
                    section = null;
                } else {
                    String header = line.substring(4);
                    int colon = header.indexOf(':');
                    section = colon < 0 ? header.trim() : header.substring(0, colon).trim();
                    if (colon >= 0) {
                        // an inline value: "--- error_code: 500"
                        block.put(section, header.substring(colon + 1).trim());
                        section = null;
                    }
                }
            } else if (section != null) {
                content.append(line).append('\n');
            }
        }
        if (block != null && section != null) {
            block.put(section, trimBlankTail(content.toString(), section));
        }
        return blocks;
    }

    /** The blank line between blocks belongs to no section; a response body keeps its final newline. */
    private static String trimBlankTail(String s, String section) {
        String t = s.replaceAll("\n+$", "");
        return section.equals("response_body") ? t + "\n" : t;
    }
}

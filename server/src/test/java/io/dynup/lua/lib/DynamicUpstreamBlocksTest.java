package io.dynup.lua.lib;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * Runs the {@code content_by_lua_block} of every block of {@code conformance/lua/dynamic_upstream.t} on a bare VM
 * with the block's upstreams, so the blocks the server runner executes are known to agree with the library.
 * {@code ngx.say} is the one request call they use; blocks that need a real request (proxying, error pages) are
 * left to the runner.
 */
class DynamicUpstreamBlocksTest {

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
        return parse().stream()
                .filter(b -> b.containsKey("response_body") && b.get("config").contains("content_by_lua_block")
                             && !b.get("config").contains("proxy_pass"))
                .map(b -> DynamicTest.dynamicTest(b.get("title"), () -> run(b)));
    }

    private static void run(Map<String, String> block) {
        String stream = block.containsKey("stream_config") ? "stream {\n" + block.get("stream_config") + "\n}\n" : "";
        String config = "events {}\nhttp {\n" + block.getOrDefault("http_config", "") + "\n}\n" + stream;
        DirectiveTable table = DirectiveTable.builder().addAll(CoreDirectives.ALL).build();
        Config parsed = ConfigParser.parseString(config, Path.of("/tmp/nginx.conf"), table);
        UpstreamService service = new UpstreamService(
                new UpstreamRegistry(UpstreamConfig.bind(parsed, HostResolver.system())), HostResolver.system(),
                Runnable::run);
        try (LibVm vm = new LibVm(new LuaLibraries(service, Map.of()))) {
            vm.run(NGX_STUBS);
            String result = vm.eval(luaOf(block.get("config")) + "\nreturn ngx.output()");
            assertThat(result).isEqualTo(block.get("response_body"));
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
    private static List<Map<String, String>> parse() throws IOException {
        String text;
        try (InputStream in = DynamicUpstreamBlocksTest.class.getResourceAsStream(
                "/conformance/lua/dynamic_upstream.t")) {
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
                    section = line.substring(4).split(":")[0].trim();
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

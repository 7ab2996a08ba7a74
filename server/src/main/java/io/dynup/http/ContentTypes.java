package io.dynup.http;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dynup.config.Directive;

/**
 * nginx's content type of a response without one of its own (ngx_http_set_content_type): the {@code types}
 * map by the extension of {@code $uri}, else {@code default_type} ({@code text/plain} unless set). A location
 * takes the {@code types} blocks of the nearest level that has any, all of that level's together; with none
 * anywhere it has nginx's built-in three (html, gif, jpg). nginx's {@code mime.types} can be included.
 */
public final class ContentTypes {

    private static final Logger logger = LoggerFactory.getLogger(ContentTypes.class);

    /** nginx's ngx_http_core_default_types. */
    private static final Map<String, String> BUILT_IN =
            Map.of("html", "text/html", "gif", "image/gif", "jpg", "image/jpeg");

    private final Map<String, String> byExtension;
    private final String defaultType;

    private ContentTypes(Map<String, String> byExtension, String defaultType) {
        this.byExtension = byExtension;
        this.defaultType = defaultType;
    }

    /**
     * The content types of {@code config}'s location.
     *
     * @param warned the {@code types} lines already warned about: a level's blocks are read for every location
     *               that inherits them, nginx warns once
     */
    public static ContentTypes of(LocationConfig config, Set<Directive> warned) {
        Directive type = config.find("default_type");
        List<Directive> blocks = config.findAll("types");
        return new ContentTypes(blocks.isEmpty() ? BUILT_IN : map(blocks, warned),
                                type == null ? "text/plain" : type.arg(0));
    }

    /**
     * The extensions of one level's {@code types} blocks; an extension given twice takes the later type, with
     * nginx's warning.
     */
    private static Map<String, String> map(List<Directive> blocks, Set<Directive> warned) {
        Map<String, String> map = new HashMap<>();
        for (Directive block : blocks) {
            for (Directive line : block.children()) {
                for (String ext : line.args()) {
                    String key = ext.toLowerCase(Locale.ROOT);
                    String previous = map.put(key, line.name());
                    if (previous != null && !previous.equals(line.name()) && warned.add(line)) {
                        logger.warn("duplicate extension \"{}\", content type: \"{}\", previous content type: "
                                    + "\"{}\" in {}", ext, line.name(), previous, line.pos());
                    }
                }
            }
        }
        return Map.copyOf(map);
    }

    /** The type for a response to {@code path} ({@code $uri}, decoded). */
    public String forPath(byte[] path) {
        int dot = -1;
        for (int i = path.length - 1; i > 0; i--) {
            byte b = path[i];
            if (b == '/') {
                break;
            }
            if (b == '.' && path[i - 1] != '/') {
                dot = i;
                break;
            }
        }
        if (dot < 0 || dot == path.length - 1) {
            return defaultType;
        }
        String ext = new String(path, dot + 1, path.length - dot - 1, java.nio.charset.StandardCharsets.ISO_8859_1);
        return byExtension.getOrDefault(ext.toLowerCase(Locale.ROOT), defaultType);
    }

    /** The {@code default_type}. */
    public String defaultType() {
        return defaultType;
    }

    @Override
    public String toString() {
        return byExtension.size() + " types, default " + defaultType;
    }
}

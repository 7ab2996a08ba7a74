package io.dynup.http;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import io.dynup.config.ConfigException;
import io.dynup.config.ConfigValues;
import io.dynup.config.Directive;

/**
 * nginx's {@code error_page CODE ... [=[RESPONSE]] URI} of a location (the nearest level that has any, whole,
 * as nginx merges them), read as {@code ngx_http_core_error_page} reads it, and {@code recursive_error_pages}.
 */
final class ErrorPages {

    /**
     * @param status    the error it answers
     * @param overwrite the status of the answer: -1 keeps the error's, 0 ({@code =}) takes the page's own
     * @param uri       a {@code /uri} for an internal redirect, {@code @name}, or a URL to redirect the client to
     * @param args      the query of a constant {@code /uri?args}, split at load time
     */
    record Page(int status, int overwrite, ComplexValue uri, @Nullable String args) {
    }

    private final List<Page> pages;
    private final boolean recursive;

    private ErrorPages(List<Page> pages, boolean recursive) {
        this.pages = List.copyOf(pages);
        this.recursive = recursive;
    }

    static @Nullable ErrorPages of(LocationConfig config) {
        List<Directive> all = config.findAll("error_page");
        if (all.isEmpty()) {
            return null;
        }
        List<Page> pages = new ArrayList<>();
        for (Directive d : all) {
            read(d, config, pages);
        }
        Directive r = config.find("recursive_error_pages");
        boolean recursive = r != null && ConfigValues.parseFlag(r.arg(0)).orElseThrow(() -> ConfigException.at(
                r.pos(), "invalid value \"%s\" in \"recursive_error_pages\" directive, it must be \"on\" or \"off\"",
                r.arg(0)));
        return new ErrorPages(pages, recursive);
    }

    /** nginx's {@code recursive_error_pages}: a page's own error may use an error_page again. */
    boolean recursive() {
        return recursive;
    }

    private static void read(Directive d, LocationConfig config, List<Page> out) {
        List<String> args = d.args();
        int codes = args.size() - 1;
        int overwrite = -1;
        String eq = args.get(args.size() - 2);
        if (eq.startsWith("=")) {
            if (args.size() == 2) {
                throw ConfigException.at(d.pos(), "invalid value \"%s\"", eq);
            }
            if (eq.length() > 1) {
                overwrite = ConfigValues.parseInt(eq.substring(1)).orElse(-1);
                if (overwrite < 0) {
                    throw ConfigException.at(d.pos(), "invalid value \"%s\"", eq);
                }
            } else {
                overwrite = 0;
            }
            codes--;
        }
        String text = args.get(args.size() - 1);
        ComplexValue uri = ComplexValue.compile(text, d, config.captureNames());
        String query = null;
        if (uri.isConstant() && text.startsWith("/") && text.indexOf('?') >= 0) {
            query = text.substring(text.indexOf('?') + 1);
            uri = ComplexValue.compile(text.substring(0, text.indexOf('?')), d, config.captureNames());
        }
        for (int i = 0; i < codes; i++) {
            int status = ConfigValues.parseInt(args.get(i)).orElse(-1);
            if (status < 0 || status == 499) {
                throw ConfigException.at(d.pos(), "invalid value \"%s\"", args.get(i));
            }
            if (status < 300 || status > 599) {
                throw ConfigException.at(d.pos(), "value \"%s\" must be between 300 and 599", args.get(i));
            }
            // nginx answers its internal 494 (header too large) as 400 unless told otherwise
            int ow = overwrite == -1 && status == 494 ? 400 : overwrite;
            out.add(new Page(status, ow, uri, query));
        }
    }

    /** The page for {@code status}, the first configured, or null. */
    @Nullable Page find(int status) {
        for (Page p : pages) {
            if (p.status() == status) {
                return p;
            }
        }
        return null;
    }
}

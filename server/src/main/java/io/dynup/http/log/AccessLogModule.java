package io.dynup.http.log;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import io.dynup.config.ConfigException;
import io.dynup.config.ConfigValues;
import io.dynup.config.Context;
import io.dynup.config.Directive;
import io.dynup.config.DirectiveSpec;
import io.dynup.http.ComplexValue;
import io.dynup.http.ContentHandler;
import io.dynup.http.HttpExchange;
import io.dynup.http.HttpModule;
import io.dynup.http.LocationConfig;
import io.dynup.http.LogHandler;
import io.dynup.http.route.Location;

/**
 * nginx's ngx_http_log_module: {@code log_format NAME [escape=default|json|none] STRING...} in http, and
 * {@code access_log PATH [FORMAT [buffer=SIZE] [flush=TIME] [if=CONDITION]]} or {@code access_log off} in http,
 * server and location. A location logs to every {@code access_log} of the nearest level that has any, with
 * nginx's {@code combined} format unless another is named; a line is written once the request ends (a client
 * that left before an answer is logged with 499). Unlike nginx, with no {@code access_log} anywhere nothing is
 * logged (nginx writes {@code logs/access.log}, which a clean checkout has no directory for); {@code buffer}
 * and {@code flush} are checked as nginx does but the writer's own batching applies ({@link LogFiles});
 * {@code gzip} and {@code syslog:} are refused.
 */
public final class AccessLogModule implements HttpModule {

    private static final Context[] HSL = {Context.HTTP, Context.HTTP_SERVER, Context.HTTP_LOCATION};

    /** The formats of the http block being loaded, compiled once (a module instance serves one load). */
    private @Nullable Map<String, LogFormat> formats;

    @Override
    public List<DirectiveSpec> directives() {
        return List.of(DirectiveSpec.simple("log_format", 2, DirectiveSpec.UNBOUNDED, Context.HTTP),
                       DirectiveSpec.simple("access_log", 1, DirectiveSpec.UNBOUNDED, HSL));
    }

    @Override
    public @Nullable ContentHandler contentHandler(Location location, LocationConfig config) {
        return null;
    }

    @Override
    public @Nullable LogHandler logHandler(Location location, LocationConfig config) {
        Map<String, LogFormat> named = formats(config);
        List<Directive> logs = config.findAll("access_log");
        List<AccessLog> out = new ArrayList<>(logs.size());
        for (Directive d : logs) {
            AccessLog log = accessLog(d, named, config);
            if (log != null) {
                out.add(log);
            }
        }
        return out.isEmpty() ? null : new Writer(List.copyOf(out));
    }

    private Map<String, LogFormat> formats(LocationConfig config) {
        Map<String, LogFormat> f = formats;
        if (f != null) {
            return f;
        }
        f = new HashMap<>();
        Directive combinedAt = Directive.simple("log_format", List.of("combined", LogFormat.COMBINED),
                                                config.location().pos());
        f.put("combined", new LogFormat(ComplexValue.compile(LogFormat.COMBINED, combinedAt), LogFormat.Escape.DEFAULT));
        for (Directive d : config.findAll("log_format")) {
            String name = d.arg(0);
            if (f.containsKey(name)) {
                throw ConfigException.at(d.pos(), "duplicate \"log_format\" name \"%s\"", name);
            }
            List<String> args = d.args();
            int first = 1;
            LogFormat.Escape escape = LogFormat.Escape.DEFAULT;
            if (args.get(1).startsWith("escape=")) {
                escape = switch (args.get(1).substring(7)) {
                    case "default" -> LogFormat.Escape.DEFAULT;
                    case "json" -> LogFormat.Escape.JSON;
                    case "none" -> LogFormat.Escape.NONE;
                    default -> throw ConfigException.at(d.pos(), "unknown log format escaping \"%s\"",
                                                        args.get(1).substring(7));
                };
                first = 2;
                if (args.size() == 2) {
                    throw ConfigException.at(d.pos(), "invalid number of arguments in \"log_format\" directive");
                }
            }
            String text = String.join("", args.subList(first, args.size()));
            f.put(name, new LogFormat(ComplexValue.compile(text, d, config.captureNames()), escape));
        }
        formats = f;
        return f;
    }

    /** One {@code access_log}, as ngx_http_log_set_log reads it; null for {@code off}. */
    private static @Nullable AccessLog accessLog(Directive d, Map<String, LogFormat> formats, LocationConfig config) {
        List<String> args = d.args();
        if (args.get(0).equals("off")) {
            if (args.size() > 1) {
                throw ConfigException.at(d.pos(), "invalid parameter \"%s\"", args.get(1));
            }
            return null;
        }
        if (args.get(0).startsWith("syslog:")) {
            throw ConfigException.at(d.pos(), "\"syslog:\" of \"access_log\" is not supported by dynup");
        }
        LogFormat format = formats.get("combined");
        int i = 1;
        if (args.size() > 1 && !args.get(1).contains("=") && !args.get(1).equals("gzip")) {
            format = formats.get(args.get(1));
            if (format == null) {
                throw ConfigException.at(d.pos(), "unknown log format \"%s\"", args.get(1));
            }
            i = 2;
        }
        boolean buffer = false;
        boolean flush = false;
        ComplexValue condition = null;
        for (; i < args.size(); i++) {
            String a = args.get(i);
            if (a.startsWith("buffer=")) {
                if (ConfigValues.parseSize(a.substring(7)).isEmpty()) {
                    throw ConfigException.at(d.pos(), "invalid buffer size \"%s\"", a.substring(7));
                }
                buffer = true;
            } else if (a.startsWith("flush=")) {
                if (ConfigValues.parseTime(a.substring(6)).isEmpty()) {
                    throw ConfigException.at(d.pos(), "invalid flush time \"%s\"", a.substring(6));
                }
                flush = true;
            } else if (a.startsWith("if=")) {
                condition = ComplexValue.compile(a.substring(3), d, config.captureNames());
            } else if (a.equals("gzip") || a.startsWith("gzip=")) {
                throw ConfigException.at(d.pos(), "\"gzip\" of \"access_log\" is not supported by dynup");
            } else {
                throw ConfigException.at(d.pos(), "invalid parameter \"%s\"", a);
            }
        }
        if (flush && !buffer) {
            throw ConfigException.at(d.pos(), "no buffer is defined for access_log \"%s\"", args.get(0));
        }
        return new AccessLog(config.services().logFiles().open(args.get(0)), format, condition);
    }

    private record AccessLog(LogFiles.LogFile file, LogFormat format, @Nullable ComplexValue condition) {
        void log(HttpExchange ex) {
            if (condition != null) {
                String c = condition.evaluate(ex);
                if (c.isEmpty() || c.equals("0")) {
                    return;
                }
            }
            file.write(format.line(ex));
        }
    }

    private record Writer(List<AccessLog> logs) implements LogHandler {
        @Override
        public void log(HttpExchange exchange) {
            for (AccessLog l : logs) {
                l.log(exchange);
            }
        }

        @Override
        public String toString() {
            return "access_log " + logs.stream().map(l -> l.file().toString()).toList();
        }
    }
}

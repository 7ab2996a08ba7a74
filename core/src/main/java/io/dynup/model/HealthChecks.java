package io.dynup.model;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.jspecify.annotations.Nullable;

import io.dynup.config.ConfigException;
import io.dynup.config.ConfigValues;
import io.dynup.config.Directive;

/**
 * Binds the {@code check*} directives of an {@code upstream} block to a {@link HealthCheck}, with the names of
 * ngx_dynamic_healthcheck: {@code check fall=N rise=N interval=TIME timeout=TIME type=http|tcp|ssl [port=N]
 * [keepalive=N] [initial=up|checking]}, {@code check_request_uri METHOD URI}, {@code check_request_headers
 * name=value ...}, {@code check_request_body TEXT}, {@code check_response_codes CODE ...}, {@code
 * check_response_body REGEX}, {@code check_disable_host HOST} and {@code check_exclude_host HOST}. As in that
 * module a bare {@code interval} is seconds and a bare {@code timeout} milliseconds; nginx units ({@code 100ms},
 * {@code 2s}) work in both.
 *
 * <p>The request and response bodies belong to every type (a TCP check sends the one and reads until the other
 * matches, as the module's Redis example); the URI, headers and codes only to an HTTP check: {@code type=http},
 * or {@code type=ssl} with a {@code check_request_uri} (HTTPS). Stream upstreams take HTTP checks too, as the
 * module's: a TCP service often answers its health on another port ({@code port=}).
 */
final class HealthChecks {

    /** The directives that shape an HTTP request and judge its response, meaningless to a TCP check. */
    private static final Set<String> HTTP_ONLY = Set.of("check_request_uri", "check_request_headers",
                                                        "check_response_codes");

    private HealthChecks() {
    }

    /** The upstream's check, or null when it has no {@code check} directive. */
    static @Nullable HealthCheck bind(Directive up) {
        Directive check = null;
        for (Directive d : up.children()) {
            if (d.name().equals("check")) {
                if (check != null) {
                    throw ConfigException.at(d.pos(), "\"check\" directive is duplicate");
                }
                check = d;
            }
        }
        List<Directive> details = new ArrayList<>();
        for (Directive d : up.children()) {
            if (d.name().startsWith("check_")) {
                if (check == null) {
                    throw ConfigException.at(d.pos(), "\"%s\" directive requires \"check\" in the same upstream",
                                             d.name());
                }
                details.add(d);
            }
        }
        if (check == null) {
            return null;
        }
        HealthCheck def = HealthCheck.defaults();
        HealthCheck.Type type = def.type();
        int fall = def.fall();
        int rise = def.rise();
        Duration interval = def.interval();
        Duration timeout = def.timeout();
        int port = 0;
        int keepalive = def.keepalive();
        boolean initialUp = false;
        boolean ssl = false;
        for (String a : check.args()) {
            int eq = a.indexOf('=');
            String key = eq < 0 ? a : a.substring(0, eq);
            String value = eq < 0 ? "" : a.substring(eq + 1);
            switch (key) {
                case "type":
                    if (!value.equals("http") && !value.equals("tcp") && !value.equals("ssl")) {
                        throw invalid(check, a);
                    }
                    type = value.equals("http") ? HealthCheck.Type.HTTP : HealthCheck.Type.TCP;
                    ssl = value.equals("ssl");
                    break;
                case "fall":
                    fall = number(check, a, value, 1, HealthCheckFields.MAX_FALL_RISE);
                    break;
                case "rise":
                    rise = number(check, a, value, 1, HealthCheckFields.MAX_FALL_RISE);
                    break;
                case "port":
                    port = number(check, a, value, 1, 65535);
                    break;
                case "keepalive":
                    keepalive = number(check, a, value, 1, HealthCheckFields.MAX_KEEPALIVE);
                    break;
                case "interval":
                    interval = time(check, a, value, false);
                    break;
                case "timeout":
                    timeout = time(check, a, value, true);
                    break;
                case "initial":
                    if (!value.equals("up") && !value.equals("checking")) {
                        throw invalid(check, a);
                    }
                    initialUp = value.equals("up");
                    break;
                default:
                    throw invalid(check, a);
            }
        }
        boolean hasUri = details.stream().anyMatch(d -> d.name().equals("check_request_uri"));
        if (ssl && hasUri) {
            type = HealthCheck.Type.HTTP;
        }
        String method = def.method();
        String uri = def.uri();
        List<String> headers = List.of();
        String body = null;
        List<Integer> codes = List.of();
        String responseBody = null;
        List<String> disabledHosts = new ArrayList<>();
        List<String> excludedHosts = new ArrayList<>();
        for (Directive d : details) {
            if (HTTP_ONLY.contains(d.name()) && type != HealthCheck.Type.HTTP) {
                throw notHttp(d, ssl);
            }
            switch (d.name()) {
                case "check_disable_host":
                case "check_exclude_host":
                    arguments(d, 1, 1);
                    (d.name().equals("check_disable_host") ? disabledHosts : excludedHosts).add(d.arg(0));
                    break;
                case "check_request_uri":
                    arguments(d, 2, 2);
                    method = d.arg(0);
                    uri = d.arg(1);
                    if (!method.chars().allMatch(c -> c >= 'A' && c <= 'Z') || method.isEmpty()
                        || !uri.startsWith("/")) {
                        throw ConfigException.at(d.pos(), "invalid value \"%s %s\" in \"%s\" directive", method, uri,
                                                 d.name());
                    }
                    break;
                case "check_request_headers":
                    arguments(d, 1, Integer.MAX_VALUE);
                    for (String h : d.args()) {
                        if (h.indexOf('=') <= 0) {
                            throw invalid(d, h);
                        }
                    }
                    headers = d.args();
                    break;
                case "check_request_body":
                    arguments(d, 1, 1);
                    body = d.arg(0);
                    break;
                case "check_response_codes":
                    arguments(d, 1, Integer.MAX_VALUE);
                    List<Integer> parsed = new ArrayList<>();
                    for (String c : d.args()) {
                        parsed.add(number(d, c, c, 100, 599));
                    }
                    codes = parsed;
                    break;
                case "check_response_body":
                    arguments(d, 1, 1);
                    try {
                        Pattern.compile(d.arg(0));
                    } catch (PatternSyntaxException e) {
                        throw ConfigException.at(d.pos(), "invalid regex \"%s\" in \"%s\" directive: %s", d.arg(0),
                                                 d.name(), e.getDescription());
                    }
                    responseBody = d.arg(0);
                    break;
                default:
                    throw ConfigException.at(d.pos(), "unknown directive \"%s\"", d.name());
            }
        }
        return new HealthCheck(type, fall, rise, interval, timeout, port, keepalive, initialUp, method, uri, headers,
                               body, codes, responseBody, false, false, disabledHosts, excludedHosts, ssl);
    }

    /** Why an HTTP-only directive cannot be used with this check. */
    private static ConfigException notHttp(Directive d, boolean ssl) {
        if (ssl) {
            return ConfigException.at(d.pos(), "\"%s\" directive requires \"check_request_uri\" with \"check"
                                               + " type=ssl\"", d.name());
        }
        return ConfigException.at(d.pos(), "\"%s\" directive requires \"check type=http\"", d.name());
    }

    private static void arguments(Directive d, int min, int max) {
        if (d.args().size() < min || d.args().size() > max) {
            throw ConfigException.at(d.pos(), "invalid number of arguments in \"%s\" directive", d.name());
        }
    }

    private static int number(Directive d, String arg, String value, int min, int max) {
        OptionalInt n = ConfigValues.parseInt(value);
        if (n.isEmpty() || n.getAsInt() < min || n.getAsInt() > max) {
            throw invalid(d, arg);
        }
        return n.getAsInt();
    }

    /** {@code bareMillis}: a number without a unit is milliseconds (ngx_dynamic_healthcheck's timeout). */
    private static Duration time(Directive d, String arg, String value, boolean bareMillis) {
        boolean bare = !value.isEmpty() && value.chars().allMatch(Character::isDigit);
        Optional<Duration> t = bare && bareMillis
                ? ConfigValues.parseInt(value).stream().mapToObj(Duration::ofMillis).findFirst()
                : ConfigValues.parseTime(value);
        return t.filter(x -> !x.isZero()).orElseThrow(() -> invalid(d, arg));
    }

    private static ConfigException invalid(Directive d, String arg) {
        return ConfigException.at(d.pos(), "invalid parameter \"%s\"", arg);
    }
}

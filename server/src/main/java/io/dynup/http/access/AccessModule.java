package io.dynup.http.access;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dynup.config.ConfigException;
import io.dynup.config.Context;
import io.dynup.config.Directive;
import io.dynup.config.DirectiveSpec;
import io.dynup.http.ContentHandler;
import io.dynup.http.HttpExchange;
import io.dynup.http.HttpModule;
import io.dynup.http.LocationConfig;
import io.dynup.http.Phase;
import io.dynup.http.PhaseHandler;
import io.dynup.http.route.Location;
import io.dynup.net.Cidr;

/**
 * nginx's ngx_http_access_module: {@code allow}/{@code deny ADDRESS|CIDR|unix:|all} in http, server and
 * location. A location takes the rules of the nearest level that has any, whole; the first rule that matches
 * the client decides, and a client no rule matches is let through. A denied request gets nginx's 403 page and
 * {@code access forbidden by rule} in the error log. The access phase comes after the rewrite phase, so a
 * {@code return} answers before any rule is looked at, as in nginx.
 */
public final class AccessModule implements HttpModule {

    private static final Logger logger = LoggerFactory.getLogger(AccessModule.class);
    private static final Set<String> NAMES = Set.of("allow", "deny");
    private static final Context[] HSL = {Context.HTTP, Context.HTTP_SERVER, Context.HTTP_LOCATION};

    /** The rules of a level are read for every location that inherits them; nginx warns once per directive. */
    private final Set<Directive> warned = new HashSet<>();

    @Override
    public List<DirectiveSpec> directives() {
        return List.of(DirectiveSpec.simple("allow", 1, 1, HSL), DirectiveSpec.simple("deny", 1, 1, HSL));
    }

    @Override
    public @Nullable ContentHandler contentHandler(Location location, LocationConfig config) {
        return null;
    }

    @Override
    public List<PhaseHandler> phaseHandlers(Phase phase, Location location, LocationConfig config) {
        if (phase != Phase.ACCESS) {
            return List.of();
        }
        List<Directive> directives = config.findAllOf(NAMES);
        if (directives.isEmpty()) {
            return List.of();
        }
        List<Rule> rules = new ArrayList<>(directives.size());
        for (Directive d : directives) {
            rules.add(rule(d, warned.add(d)));
        }
        return List.of(new Rules(rules));
    }

    /**
     * One {@code allow}/{@code deny}, as nginx's ngx_http_access_rule reads it.
     *
     * @param warn whether to log nginx's low-bits warning (the first time the directive is read)
     */
    private static Rule rule(Directive d, boolean warn) {
        boolean deny = d.name().equals("deny");
        String value = d.arg(0);
        if (value.equals("all")) {
            return new Rule(deny, null, true);
        }
        if (value.equals("unix:")) {
            return new Rule(deny, null, false);
        }
        Cidr cidr = Cidr.parse(value);
        if (cidr == null) {
            throw ConfigException.at(d.pos(), "invalid parameter \"%s\"", value);
        }
        if (warn && cidr.hadLowBits()) {
            logger.warn("low address bits of {} are meaningless in {}", value, d.pos());
        }
        return new Rule(deny, cidr, false);
    }

    /**
     * @param cidr the addresses, or null for {@code all} and {@code unix:} (clients on a unix socket: dynup
     *             listens on none, so such a rule never matches)
     * @param all  matches every client
     */
    private record Rule(boolean deny, @Nullable Cidr cidr, boolean all) {
        boolean matches(InetAddress client) {
            return all || cidr != null && cidr.contains(client);
        }
    }

    private record Rules(List<Rule> rules) implements PhaseHandler {
        @Override
        public void handle(HttpExchange ex) {
            InetAddress client = ex.remoteAddress().getAddress();
            for (Rule r : rules) {
                if (r.matches(client)) {
                    if (r.deny()) {
                        logger.error("access forbidden by rule, {}", ex.logContext());
                        ex.respondError(403);
                        return;
                    }
                    break;
                }
            }
            ex.proceed();
        }

        @Override
        public String toString() {
            return "allow/deny " + rules.size() + " rules";
        }
    }
}

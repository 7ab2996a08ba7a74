package io.dynup.http.rewrite;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import io.dynup.config.ConfigException;
import io.dynup.config.Context;
import io.dynup.config.Directive;
import io.dynup.config.DirectiveSpec;
import io.dynup.http.ComplexValue;
import io.dynup.http.ContentHandler;
import io.dynup.http.ContentTypes;
import io.dynup.http.HttpExchange;
import io.dynup.http.HttpModule;
import io.dynup.http.LocationConfig;
import io.dynup.http.Phase;
import io.dynup.http.PhaseHandler;
import io.dynup.http.Variables;
import io.dynup.http.route.Location;

/**
 * nginx's ngx_http_rewrite_module as far as dynup has it: {@code set $name value} and {@code return}, run in
 * configuration order in the rewrite phase, a {@code return} ending the request there. A server's directives
 * run for every request of the server (nginx's server rewrite phase), then those of the location that matched;
 * a nested location does not inherit its parent's. Each {@code set} declares its variable for the whole
 * {@code http} block, as nginx does at load time, so any value may name it (unset, it is empty).
 */
public final class RewriteModule implements HttpModule {

    private static final String SET = "set";
    private static final String RETURN = "return";

    /** The {@code types} lines warned about, so each is once (see {@link ContentTypes#of}). */
    private final Set<Directive> warnedTypes = new HashSet<>();

    @Override
    public List<DirectiveSpec> directives() {
        return List.of(DirectiveSpec.simple(SET, 2, 2, Context.HTTP_SERVER, Context.HTTP_LOCATION),
                       DirectiveSpec.simple(RETURN, 1, 2, Context.HTTP_SERVER, Context.HTTP_LOCATION));
    }

    @Override
    public @Nullable ContentHandler contentHandler(Location location, LocationConfig config) {
        return null;
    }

    @Override
    public Set<String> declaredVariables(Directive http) {
        Set<String> names = new HashSet<>();
        collect(http, names);
        return names;
    }

    private static void collect(Directive block, Set<String> names) {
        for (Directive d : block.children()) {
            if (d.name().equals(SET)) {
                names.add(variableName(d));
            } else if (d.hasBlock()) {
                collect(d, names);
            }
        }
    }

    /**
     * The variable {@code set} assigns, named as written (dynup's variable names are case-sensitive, nginx's
     * are not).
     *
     * @throws ConfigException nginx's {@code invalid variable name "x"} without a {@code $}, {@code the
     *     duplicate "uri" variable} for a built-in that cannot be changed
     */
    private static String variableName(Directive d) {
        String arg = d.arg(0);
        if (!arg.startsWith("$")) {
            throw ConfigException.at(d.pos(), "invalid variable name \"%s\"", arg);
        }
        String name = arg.substring(1);
        if (name.isEmpty()) {
            throw ConfigException.at(d.pos(), "invalid variable name \"$\"");
        }
        // $args is nginx's one changeable built-in among those dynup has
        if (Variables.builtin(name) && !name.equals("args")) {
            throw ConfigException.at(d.pos(), "the duplicate \"%s\" variable", name);
        }
        return name;
    }

    @Override
    public List<PhaseHandler> phaseHandlers(Phase phase, Location location, LocationConfig config) {
        if (phase != Phase.REWRITE) {
            return List.of();
        }
        List<PhaseHandler> handlers = new ArrayList<>(2);
        Location server = location;
        while (server.parent() != null) {
            server = server.parent();
        }
        addScript(server, config, handlers);
        if (!location.isServer()) {
            addScript(location, config, handlers);
        }
        return handlers;
    }

    private void addScript(Location block, LocationConfig config, List<PhaseHandler> out) {
        List<Step> steps = new ArrayList<>();
        for (Directive d : block.directive().children()) {
            if (d.name().equals(SET)) {
                steps.add(new Assignment(variableName(d), ComplexValue.compile(d.arg(1), d, config.captureNames())));
            } else if (d.name().equals(RETURN)) {
                Return r = new Return(d, ContentTypes.of(config, warnedTypes), config.captureNames());
                steps.add(ex -> {
                    r.handle(ex);
                    return false;
                });
            }
        }
        if (!steps.isEmpty()) {
            out.add(new Script(steps));
        }
    }

    /** One directive of a script; false when it ended the request. */
    @FunctionalInterface
    private interface Step {
        boolean run(HttpExchange exchange);
    }

    private record Assignment(String name, ComplexValue value) implements Step {
        @Override
        public boolean run(HttpExchange exchange) {
            exchange.setVariable(name, value.evaluate(exchange));
            return true;
        }
    }

    /** The rewrite directives of one block, run in order: a later one sees the values of the earlier ones. */
    private record Script(List<Step> steps) implements PhaseHandler {
        @Override
        public void handle(HttpExchange exchange) {
            for (Step step : steps) {
                if (!step.run(exchange)) {
                    return;
                }
            }
            exchange.proceed();
        }

        @Override
        public String toString() {
            return "rewrite " + steps.size() + " steps";
        }
    }
}

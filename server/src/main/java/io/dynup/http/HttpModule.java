package io.dynup.http;

import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import io.dynup.config.Directive;
import io.dynup.config.DirectiveSpec;
import io.dynup.http.route.Location;
import io.netty.channel.EventLoopGroup;

/**
 * A layer of the HTTP server, as an nginx module: the directives it adds to the configuration and the content
 * handlers it provides. Modules never see each other; the http core asks each in turn.
 */
public interface HttpModule {

    /** Directives this module adds to the table, with their contexts and argument counts. */
    List<DirectiveSpec> directives();

    /**
     * The handler of {@code location}'s content phase when this module's directive sits in it (e.g.
     * {@code proxy_pass}, {@code return}), else null. Called once per location when the configuration is
     * loaded; configuration errors are thrown as {@link io.dynup.config.ConfigException}.
     */
    @Nullable ContentHandler contentHandler(Location location, LocationConfig config);

    /**
     * This module's handlers of {@code phase} in {@code location} (usually from its directives there or
     * inherited), run in order before content; modules are asked in their order in the server. Called once per
     * location at load time.
     */
    default List<PhaseHandler> phaseHandlers(Phase phase, Location location, LocationConfig config) {
        return List.of();
    }

    /** This module's log-phase handler for requests in {@code location}, or null. Called once at load time. */
    default @Nullable LogHandler logHandler(Location location, LocationConfig config) {
        return null;
    }

    /**
     * This module's filter of the response heads of requests in {@code location} (nginx's header filter), or
     * null. Called once at load time.
     */
    default @Nullable HeaderFilter headerFilter(Location location, LocationConfig config) {
        return null;
    }

    /**
     * The variables this module's directives declare anywhere in the {@code http} block (nginx's
     * {@code ngx_http_add_variable} at load time, e.g. {@code set $name}): values in every location may use them.
     */
    default Set<String> declaredVariables(Directive http) {
        return Set.of();
    }

    /**
     * The configuration this module instance was built for is now served by {@code workers} (at start, or once a
     * reload took effect): what should run in every worker before requests (init_worker_by_lua) starts here.
     * Called once, from any thread.
     */
    default void activate(EventLoopGroup workers) {
    }

    /**
     * The configuration this module instance was built for is no longer served (reload or quit): release what it
     * holds once its requests in flight are done (nginx's old workers exit). Called once, from any thread.
     */
    default void retire() {
    }
}

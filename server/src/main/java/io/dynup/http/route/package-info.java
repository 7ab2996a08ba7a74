/**
 * Choosing the server and the location for an HTTP request, as nginx does: the {@code listen},
 * {@code server_name} and {@code location} directives.
 *
 * <p>Starting points: {@link io.dynup.http.route.HttpDirectives#ALL} declares the directives for the parser;
 * {@link io.dynup.http.route.ServerNames#build(java.util.List)} takes the {@code server} blocks of {@code http} and
 * gives the {@link io.dynup.http.route.Listener}s to bind and, per local address, the
 * {@link io.dynup.http.route.VirtualHosts} that choose a {@link io.dynup.http.route.Server} by {@code Host}
 * ({@link io.dynup.http.route.Hosts#normalize} validates it); each server's
 * {@link io.dynup.http.route.LocationTree} (also buildable alone with
 * {@link io.dynup.http.route.LocationTree#build(io.dynup.config.Directive)}) chooses a
 * {@link io.dynup.http.route.Location} for a URI, returned as a {@link io.dynup.http.route.LocationMatch} with the
 * regex {@link io.dynup.http.route.Captures}. {@link io.dynup.http.route.ListenSpec} parses {@code listen};
 * {@link io.dynup.http.route.PcreRegex} runs nginx's PCRE patterns on {@code java.util.regex}.
 *
 * <p>Semantics follow nginx 1.22.1 ({@code ngx_http_core_find_location}, {@code ngx_http_find_virtual_server},
 * {@code ngx_http_validate_host}); the tests record answers observed on that nginx.
 */
@NullMarked
package io.dynup.http.route;

import org.jspecify.annotations.NullMarked;

package io.dynup.http;

/**
 * nginx's header filter chain, for the modules that change a response head before it goes out
 * ({@code header_filter_by_lua*}). A module returns one for the locations that need it
 * ({@link HttpModule#headerFilter}); whoever sends a head in such a location (proxy, {@code return}, error
 * pages, a content handler) has it run by {@link HttpExchange#sendHead}. Locations without one pay nothing:
 * their heads go out as encoded.
 */
@FunctionalInterface
public interface HeaderFilter {

    /** Reads and changes {@code head} on the exchange's event loop, without suspending. */
    void filter(HttpExchange ex, ResponseHeaders head);
}

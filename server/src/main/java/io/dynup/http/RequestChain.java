package io.dynup.http;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What runs for a request in one location, fixed at load time: the phase handlers in order (rewrite, then
 * access), the content handler, the log handlers, the {@code error_page}s and the header filters (none in most
 * locations).
 */
record RequestChain(PhaseHandler[] phases, ContentHandler content, LogHandler[] loggers,
                    @Nullable ErrorPages errorPages, HeaderFilter[] headerFilters) {

    private static final PhaseHandler[] NO_PHASES = {};
    private static final LogHandler[] NO_LOGGERS = {};
    private static final HeaderFilter[] NO_FILTERS = {};

    static RequestChain of(List<PhaseHandler> phases, ContentHandler content, List<LogHandler> loggers,
                           @Nullable ErrorPages errorPages, List<HeaderFilter> headerFilters) {
        return new RequestChain(phases.isEmpty() ? NO_PHASES : phases.toArray(PhaseHandler[]::new), content,
                                loggers.isEmpty() ? NO_LOGGERS : loggers.toArray(LogHandler[]::new), errorPages,
                                headerFilters.isEmpty() ? NO_FILTERS
                                        : headerFilters.toArray(HeaderFilter[]::new));
    }

    /** Just a content handler (nginx's internal answers: redirects, errors). */
    static RequestChain of(ContentHandler content) {
        return new RequestChain(NO_PHASES, content, NO_LOGGERS, null, NO_FILTERS);
    }
}

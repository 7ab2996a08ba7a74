package io.dynup.config;

/**
 * Where a directive stands: the main file or inside one of the blocks that open a new context.
 *
 * <p>Mirrors nginx's {@code NGX_MAIN_CONF}, {@code NGX_HTTP_SRV_CONF} and so on. Later work may add constants
 * (e.g. for {@code types}, {@code if}, {@code limit_except}); {@code include} is allowed in all of them.
 */
public enum Context {
    /** The top level of the main file. */
    MAIN,
    /** Inside {@code events { }}. */
    EVENTS,
    /** Inside {@code http { }}. */
    HTTP,
    /** Inside {@code http { server { } }}. */
    HTTP_SERVER,
    /** Inside {@code location { }}. */
    HTTP_LOCATION,
    /**
     * Inside {@code types { }}: each line is a MIME type and its extensions, so every name is accepted there
     * (a spec named {@link DirectiveSpec#ANY_NAME}).
     */
    HTTP_TYPES,
    /** Inside {@code http { upstream name { } }}. */
    HTTP_UPSTREAM,
    /** Inside {@code stream { }}. */
    STREAM,
    /** Inside {@code stream { server { } }}. */
    STREAM_SERVER,
    /** Inside {@code stream { upstream name { } }}. */
    STREAM_UPSTREAM
}

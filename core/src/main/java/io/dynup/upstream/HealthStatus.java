package io.dynup.upstream;

/**
 * A peer's health as active checks see it, apart from the operator's {@code down}: only {@link #HEALTHY} peers
 * are selected. Peers of upstreams without checks stay healthy.
 */
public enum HealthStatus {
    HEALTHY,
    /** {@code fall} checks in a row failed; selected again after {@code rise} passes. */
    UNHEALTHY,
    /** New and not checked yet (NGINX Plus's {@code checking}); selected after its first pass. */
    CHECKING,
    /**
     * Held out of service by the health-check API ({@code disable}, {@code disable_host}) whatever checks say;
     * not probed. Apart from the operator's {@code down}, which the peer keeps as it was.
     */
    DISABLED;

    /** The lower-case name the APIs show. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}

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
    CHECKING;

    /** The lower-case name the APIs show. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}

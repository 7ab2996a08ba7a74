package io.dynup.model;

/** The two upstream namespaces of nginx: {@code http {}} and {@code stream {}} upstreams never share names. */
public enum UpstreamKind {
    HTTP("http"),
    STREAM("stream");

    private final String configName;

    UpstreamKind(String configName) {
        this.configName = configName;
    }

    /** The block name in the configuration, {@code http} or {@code stream}. */
    public String configName() {
        return configName;
    }
}

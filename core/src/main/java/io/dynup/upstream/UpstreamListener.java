package io.dynup.upstream;

/**
 * Told about every published change, after the new snapshot is visible and outside any lock, on the
 * thread that made the change. Persistence and cluster sync build on this; order changes of one upstream
 * by {@link UpstreamSnapshot#generation()}.
 */
@FunctionalInterface
public interface UpstreamListener {

    void onChange(Upstream upstream, UpstreamSnapshot before, UpstreamSnapshot after);
}

package io.dynup.state;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.dynup.model.UpstreamSpec;
import io.dynup.upstream.ChangeJournal;

/**
 * The open state files of a running server, one {@link StateFile} per path for the server's life, so an
 * upstream and the one replacing it on reload write through the same object. Owned by the server.
 */
public final class StateFiles implements ChangeJournal.Store, AutoCloseable {

    private final Map<Path, StateFile> open = new HashMap<>();

    /**
     * The journal of {@code spec}'s {@code state} file, read on first use; {@link ChangeJournal#NONE} without one.
     *
     * @throws io.dynup.config.ConfigException when the file or its directory cannot be used
     */
    @Override
    public synchronized ChangeJournal open(UpstreamSpec spec) {
        if (spec.state() == null) {
            return ChangeJournal.NONE;
        }
        Path path = Path.of(spec.state());
        StateFile f = open.get(path);
        if (f == null) {
            f = StateFile.load(path, spec.pos());
            open.put(path, f);
        }
        return f;
    }

    @Override
    public synchronized void close() {
        open.values().forEach(StateFile::close);
        open.clear();
    }

    @Override
    public synchronized String toString() {
        return "StateFiles" + open.keySet();
    }
}

package io.dynup.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A place in a configuration file, as nginx reports it in {@code ... in /etc/dynup/nginx.conf:12}.
 *
 * @param file the file, made absolute and normalized so the same file always prints the same way
 * @param line the 1-based line number
 */
public record SourcePos(Path file, int line) {

    /** Makes {@code file} absolute and normalized; rejects lines below 1. */
    public SourcePos {
        Objects.requireNonNull(file, "file");
        if (line < 1) {
            throw new IllegalArgumentException("line must be >= 1: " + line);
        }
        file = file.toAbsolutePath().normalize();
    }

    /** Returns {@code file:line}, the form nginx appends to its messages. */
    @Override
    public String toString() {
        return file + ":" + line;
    }
}

package io.dynup.config;

import java.nio.file.Path;

/** A place in the configuration: absolute file and 1-based line. */
public record SourcePos(Path file, int line) {

    @Override
    public String toString() {
        return file + ":" + line;
    }
}

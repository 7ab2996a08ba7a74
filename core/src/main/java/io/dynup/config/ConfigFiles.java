package io.dynup.config;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Reads configuration files, turning I/O failures into the messages nginx prints for them. */
final class ConfigFiles {

    /** The errno values nginx would print for the failures Java reports only by text. */
    private static final Map<String, Integer> ERRNO = Map.of(
            "No such file or directory", 2,
            "Permission denied", 13,
            "Not a directory", 20,
            "Is a directory", 21,
            "Too many levels of symbolic links", 40);

    private ConfigFiles() {
    }

    /**
     * Reads a whole file.
     *
     * @param file absolute, normalized path
     * @param at the {@code include} that asked for it, or {@code null} for the main file (nginx gives no position
     *     when the main file cannot be opened)
     */
    static byte[] read(Path file, @Nullable SourcePos at) {
        // nginx opens a directory fine and fails on the read, so it names pread() rather than open().
        if (Files.isDirectory(file)) {
            throw new ConfigException(systemError("pread()", file, 21, "Is a directory"), at);
        }
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(systemError("open()", file, 2, "No such file or directory"), at, e);
        } catch (AccessDeniedException e) {
            throw new ConfigException(systemError("open()", file, 13, "Permission denied"), at, e);
        } catch (FileSystemException e) {
            String reason = e.getReason();
            Integer errno = reason == null ? null : ERRNO.get(reason);
            String text = errno == null
                    ? "open() \"" + file + "\" failed (" + (reason == null ? e.getMessage() : reason) + ")"
                    : systemError("open()", file, errno, reason);
            throw new ConfigException(text, at, e);
        } catch (IOException e) {
            throw new ConfigException("open() \"" + file + "\" failed (" + e.getMessage() + ")", at, e);
        }
    }

    private static String systemError(String call, Path file, int errno, String text) {
        return call + " \"" + file + "\" failed (" + errno + ": " + text + ")";
    }
}

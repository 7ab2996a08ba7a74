package io.dynup.config;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The one exception for configuration errors.
 *
 * <p>The message is complete on its own, ready to print as {@code dynup: [emerg] <message>}: the reason worded as
 * nginx words it, followed by {@code " in <file>:<line>"} when the place is known, e.g.
 * {@code unknown directive "foo" in /etc/dynup/nginx.conf:12}. Users never see the stack trace; it is kept for
 * whoever debugs dynup itself.
 */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String reason;
    private final @Nullable SourcePos pos;

    /**
     * @param reason what is wrong, without the place
     * @param pos where, or {@code null} when no file position applies (e.g. the main file cannot be opened)
     */
    public ConfigException(String reason, @Nullable SourcePos pos) {
        this(reason, pos, null);
    }

    /**
     * @param reason what is wrong, without the place
     * @param pos where, or {@code null} when no file position applies
     * @param cause the underlying failure, kept for debugging only
     */
    public ConfigException(String reason, @Nullable SourcePos pos, @Nullable Throwable cause) {
        super(pos == null ? reason : reason + " in " + pos, cause);
        this.reason = reason;
        this.pos = pos;
    }

    /**
     * Formats the reason with {@link String#format} (root locale) and attaches {@code pos}.
     *
     * @param pos where the problem is
     * @param format reason format, e.g. {@code "unknown directive \"%s\""}
     * @param args format arguments
     * @return the exception, for the caller to throw
     */
    public static ConfigException at(SourcePos pos, String format, Object... args) {
        return new ConfigException(String.format(Locale.ROOT, format, args), pos);
    }

    /** What is wrong, without the {@code " in file:line"} suffix. */
    public String reason() {
        return reason;
    }

    /** Where the problem is, or {@code null} if no file position applies. */
    public @Nullable SourcePos pos() {
        return pos;
    }
}

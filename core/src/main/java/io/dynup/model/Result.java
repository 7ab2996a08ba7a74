package io.dynup.model;

import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * The outcome of a control operation in the shape every face returns: the Lua package's
 * {@code ok, value, err}, the query API's status and text, the JSON API's error object.
 * Exactly one of value-or-nothing (ok) and error (not ok) holds.
 */
public record Result<T>(boolean ok, @Nullable T value, @Nullable String error) {

    public Result {
        if (ok == (error != null)) {
            throw new IllegalArgumentException("error: " + error + " (expected: set exactly when not ok)");
        }
    }

    public static <T> Result<T> ok(@Nullable T value) {
        return new Result<>(true, value, null);
    }

    public static <T> Result<T> fail(String error) {
        return new Result<>(false, null, error);
    }

    /** The value of a successful result; fails loudly when used on an error (a programming mistake). */
    public T get() {
        if (!ok) {
            throw new IllegalStateException("not ok: " + error);
        }
        return value;
    }

    /** The same error under another value type. */
    public <U> Result<U> castError() {
        if (ok) {
            throw new IllegalStateException("ok result has no error");
        }
        return fail(error);
    }

    public <U> Result<U> map(Function<? super T, ? extends U> f) {
        return ok ? ok(f.apply(value)) : castError();
    }
}

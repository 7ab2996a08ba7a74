package io.dynup.admin;

/**
 * A JSON API request refused with NGINX Plus's error object: {@code status}, a {@code code} such as
 * {@code UpstreamBadWeight}, and a text naming the field and what was expected. Control flow, not a fault:
 * it carries no stack trace.
 */
final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;

    ApiException(int status, String code, String text) {
        super(text, null, false, false);
        this.status = status;
        this.code = code;
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    String text() {
        return getMessage();
    }

    /** The same refusal with {@code prefix} before its text (which operation of a batch failed). */
    ApiException prefixed(String prefix) {
        return new ApiException(status, code, prefix + getMessage());
    }
}

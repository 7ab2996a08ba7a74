package io.dynup.http.wire;

/**
 * Size limits for one message head, checked while it is parsed, so a peer cannot make a parser buffer more.
 *
 * <p>Lengths count the terminating CRLF (or bare LF). The defaults follow nginx:
 * {@link #NGINX_REQUEST} is {@code large_client_header_buffers 4 8k} and {@link #NGINX_RESPONSE} is
 * {@code proxy_buffer_size 4k} (one page on x86-64). nginx packs lines into its header buffers and never splits a
 * line across two of them, so its real total for requests lies a little below or above 4 x 8k depending on how
 * lines fall; a flat {@code maxHead} is the predictable version of that rule. nginx has no limit on the number of
 * header lines; {@code maxHeaders} bounds the offset arrays a head keeps.
 *
 * @param maxStartLine the longest request line (beyond it: 414) or status line
 * @param maxHeaderLine the longest header line (beyond it: nginx's 400 "Request Header Or Cookie Too Large")
 * @param maxHead the longest head, from the first byte of the start line to the end of the empty line
 * @param maxHeaders the most header lines kept in one head
 */
public record HeadLimits(int maxStartLine, int maxHeaderLine, int maxHead, int maxHeaders) {

    /** nginx's defaults for client requests: 8k request line, 8k header lines, 4 x 8k in all; 100 headers. */
    public static final HeadLimits NGINX_REQUEST = new HeadLimits(8192, 8192, 32768, 100);

    /** nginx's default for upstream responses: the whole head within {@code proxy_buffer_size} (4k). */
    public static final HeadLimits NGINX_RESPONSE = new HeadLimits(4096, 4096, 4096, 100);

    /** Checks the limits. */
    public HeadLimits {
        checkPositive("maxStartLine", maxStartLine);
        checkPositive("maxHeaderLine", maxHeaderLine);
        checkPositive("maxHead", maxHead);
        checkPositive("maxHeaders", maxHeaders);
    }

    private static void checkPositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
    }
}

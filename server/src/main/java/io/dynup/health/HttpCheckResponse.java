package io.dynup.health;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * The response to an HTTP check, read as it arrives: the status line, the headers and at most {@link Probe#MAX_BODY}
 * bytes of body. The check asks for {@code Connection: close}, so a response ends at its {@code Content-Length},
 * at the last chunk, or when the peer closes. A chunked body is matched with its chunk framing, which a
 * {@code check_response_body} pattern looking for a word does not notice.
 */
final class HttpCheckResponse {

    private final StringBuilder text = new StringBuilder();
    private int status = -1;
    private int bodyStart = -1;
    private long contentLength = -1;
    private boolean chunked;
    private boolean close;
    private boolean complete;

    /** Appends received bytes (as ISO-8859-1 text); returns whether the response is complete or too large to read further. */
    boolean append(String chunk) {
        text.append(chunk);
        if (bodyStart < 0) {
            int end = text.indexOf("\r\n\r\n");
            if (end < 0) {
                return text.length() > Probe.MAX_BODY;
            }
            bodyStart = end + 4;
            parseHead(text.substring(0, end));
        }
        int body = text.length() - bodyStart;
        if (body > Probe.MAX_BODY) {
            return true;
        }
        complete = chunked ? text.indexOf("\r\n0\r\n\r\n", bodyStart - 2) >= 0
                : contentLength >= 0 && body >= contentLength;
        return complete;
    }

    private void parseHead(String head) {
        String[] lines = head.split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        if (statusLine.length >= 2 && statusLine[0].startsWith("HTTP/1.") && statusLine[1].length() == 3) {
            try {
                status = Integer.parseInt(statusLine[1]);
            } catch (NumberFormatException e) {
                status = -1;
            }
        }
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).trim();
            if (name.equals("content-length")) {
                try {
                    contentLength = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    contentLength = -1;
                }
            } else if (name.equals("connection") && value.toLowerCase(Locale.ROOT).contains("close")) {
                close = true;
            } else if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
                chunked = true;
            }
        }
    }

    /** Whether the connection may carry another check: the response ended by its framing, without a close. */
    boolean reusable() {
        return complete && !close && status > 0;
    }

    /** The status code, or -1 when no valid status line arrived. */
    int status() {
        return status;
    }

    /** The body read so far, or null before the end of the head. */
    @Nullable String body() {
        return bodyStart < 0 ? null : text.substring(bodyStart);
    }
}

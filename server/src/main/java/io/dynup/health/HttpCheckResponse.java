package io.dynup.health;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * The response to an HTTP check, read as it arrives: the status line, the headers and at most {@link Probe#MAX_BODY}
 * bytes of body. The check asks for {@code Connection: close}, so a response ends at its {@code Content-Length},
 * at the last chunk, or when the peer closes. A chunked body is decoded as it arrives, so {@code
 * check_response_body} sees the body a client would see, whatever the chunk boundaries; bad chunk framing fails
 * the check.
 */
final class HttpCheckResponse {

    /** Longer chunk-size lines (extensions included) are not framing a health endpoint would send. */
    private static final int MAX_CHUNK_LINE = 1024;

    /** The head and the body as received, framing included. */
    private final StringBuilder text = new StringBuilder();
    /** A chunked body without its framing. */
    private final StringBuilder decoded = new StringBuilder();
    private int status = -1;
    private int bodyStart = -1;
    private long contentLength = -1;
    private boolean chunked;
    /** In {@link #text}, where the next chunk-size line starts. */
    private int nextChunk;
    private boolean close;
    private boolean complete;
    private @Nullable String error;

    /**
     * Appends received bytes (as ISO-8859-1 text); returns whether reading is over: the response is complete, or
     * too large or malformed ({@link #error}).
     */
    boolean append(String chunk) {
        text.append(chunk);
        if (bodyStart < 0) {
            int end = text.indexOf("\r\n\r\n");
            if (end < 0) {
                return text.length() > Probe.MAX_BODY;
            }
            bodyStart = end + 4;
            nextChunk = bodyStart;
            parseHead(text.substring(0, end));
        }
        if (text.length() - bodyStart > Probe.MAX_BODY) {
            error = "response larger than " + Probe.MAX_BODY + " bytes";
            return true;
        }
        complete = chunked ? decodeChunks() : contentLength >= 0 && text.length() - bodyStart >= contentLength;
        return complete || error != null;
    }

    /**
     * Moves the chunks received in full from {@link #text} to {@link #decoded}; returns whether the last chunk
     * and the trailer section have arrived. Sets {@link #error} on bad framing.
     */
    private boolean decodeChunks() {
        while (true) {
            int eol = text.indexOf("\r\n", nextChunk);
            if (eol < 0) {
                if (text.length() - nextChunk > MAX_CHUNK_LINE) {
                    error = "malformed chunked body";
                }
                return false;
            }
            int size = chunkSize(text.substring(nextChunk, eol));
            if (size < 0) {
                error = size == -1 ? "malformed chunked body" : "response larger than " + Probe.MAX_BODY + " bytes";
                return false;
            }
            if (size == 0) {
                return trailerEnds(eol + 2);
            }
            int data = eol + 2;
            if (text.length() < data + size + 2) {
                return false;
            }
            if (text.charAt(data + size) != '\r' || text.charAt(data + size + 1) != '\n') {
                error = "malformed chunked body";
                return false;
            }
            decoded.append(text, data, data + size);
            nextChunk = data + size + 2;
        }
    }

    /** The chunk size of a chunk-size line, -1 when malformed, -2 when larger than a check reads. */
    private static int chunkSize(String line) {
        int semi = line.indexOf(';');
        String hex = (semi < 0 ? line : line.substring(0, semi)).trim();
        if (hex.isEmpty()) {
            return -1;
        }
        int size = 0;
        for (int i = 0; i < hex.length(); i++) {
            int digit = Character.digit(hex.charAt(i), 16);
            if (digit < 0) {
                return -1;
            }
            size = size * 16 + digit;
            if (size > Probe.MAX_BODY) {
                return -2;
            }
        }
        return size;
    }

    /** Whether the trailer fields starting at {@code from} end with their empty line. */
    private boolean trailerEnds(int from) {
        int line = from;
        while (true) {
            int eol = text.indexOf("\r\n", line);
            if (eol < 0) {
                return false;
            }
            if (eol == line) {
                return true;
            }
            line = eol + 2;
        }
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

    /** The peer closed the connection: a body framed by a length or by chunks that has not ended is cut short. */
    void closed() {
        if (error == null && !complete && bodyStart >= 0 && (chunked || contentLength >= 0)) {
            error = "connection closed before the end of the response";
        }
    }

    /** Why the response fails the check whatever its status and body, or null. */
    @Nullable String error() {
        return error;
    }

    /** Whether the connection may carry another check: the response ended by its framing, without a close. */
    boolean reusable() {
        return complete && !close && status > 0 && error == null;
    }

    /** The status code, or -1 when no valid status line arrived. */
    int status() {
        return status;
    }

    /** The body read so far (a chunked one decoded), or null before the end of the head. */
    @Nullable String body() {
        if (bodyStart < 0) {
            return null;
        }
        return chunked ? decoded.toString() : text.substring(bodyStart);
    }
}

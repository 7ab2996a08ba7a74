package io.dynup.testing;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The HTTP/1.x reading both test peers need: a head up to its empty line, and body streams for Content-Length and
 * chunked framing. Blocking and strict, so a framing mistake of the proxy shows up as an exception in the test.
 */
public final class HttpStreams {

    /** Bounds a head so a broken peer cannot make a test buffer forever. */
    static final int MAX_HEAD = 64 * 1024;

    private HttpStreams() {
    }

    /** A head's start line and headers, as sent. */
    public record Head(String startLine, List<String[]> headers) {

        /** The first value of {@code name}, case-insensitively, or null. */
        public String header(String name) {
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    return h[1];
                }
            }
            return null;
        }

        /** Every value of {@code name}, in order. */
        public List<String> headers(String name) {
            List<String> values = new ArrayList<>();
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    values.add(h[1]);
                }
            }
            return values;
        }

        public boolean chunked() {
            String te = header("Transfer-Encoding");
            return te != null && te.toLowerCase(Locale.ROOT).contains("chunked");
        }

        /** The Content-Length, or -1. */
        public long contentLength() {
            String cl = header("Content-Length");
            return cl == null ? -1 : Long.parseLong(cl.trim());
        }

        /** Whether the Connection header lists {@code token}. */
        public boolean connectionHas(String token) {
            for (String v : headers("Connection")) {
                for (String t : v.split(",")) {
                    if (t.trim().equalsIgnoreCase(token)) {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    /**
     * Reads a head (start line to empty line); null when the stream ends before its first byte, which is how a
     * peer closes an idle keep-alive connection.
     */
    public static Head readHead(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(128);
        String startLine = null;
        List<String[]> headers = new ArrayList<>();
        int total = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                if (startLine == null && line.size() == 0) {
                    return null;
                }
                throw new EOFException("stream ended inside a head after " + total + " bytes");
            }
            if (++total > MAX_HEAD) {
                throw new IOException("head longer than " + MAX_HEAD + " bytes");
            }
            if (b != '\n') {
                line.write(b);
                continue;
            }
            String text = line.toString(StandardCharsets.ISO_8859_1);
            line.reset();
            if (text.endsWith("\r")) {
                text = text.substring(0, text.length() - 1);
            }
            if (startLine == null) {
                startLine = text;
                continue;
            }
            if (text.isEmpty()) {
                return new Head(startLine, headers);
            }
            int colon = text.indexOf(':');
            if (colon <= 0) {
                throw new IOException("invalid header line \"" + text + "\"");
            }
            headers.add(new String[] {text.substring(0, colon), text.substring(colon + 1).trim()});
        }
    }

    /** Exactly {@code n} bytes of {@code in}, then end of stream; a shorter source is an {@link EOFException}. */
    public static InputStream fixed(InputStream in, long n) {
        return new InputStream() {
            private long left = n;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left == 0) {
                    return -1;
                }
                int r = in.read(b, off, (int) Math.min(len, left));
                if (r < 0) {
                    throw new EOFException("body ended with " + left + " of " + n + " bytes missing");
                }
                left -= r;
                return r;
            }
        };
    }

    /** The payload of a chunked body, trailers skipped; malformed framing is an {@link IOException}. */
    public static InputStream chunked(InputStream in) {
        return new InputStream() {
            private long left;
            private boolean done;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (done) {
                    return -1;
                }
                if (left == 0) {
                    left = nextChunkSize();
                    if (left == 0) {
                        while (!line(in).isEmpty()) {
                            // trailer lines
                        }
                        done = true;
                        return -1;
                    }
                }
                int r = in.read(b, off, (int) Math.min(len, left));
                if (r < 0) {
                    throw new EOFException("chunked body ended inside a chunk");
                }
                left -= r;
                if (left == 0 && !line(in).isEmpty()) {
                    throw new IOException("chunk data not followed by CRLF");
                }
                return r;
            }

            private long nextChunkSize() throws IOException {
                String size = line(in);
                int semi = size.indexOf(';');
                if (semi >= 0) {
                    size = size.substring(0, semi);
                }
                try {
                    return Long.parseLong(size.trim(), 16);
                } catch (NumberFormatException e) {
                    throw new IOException("invalid chunk size line \"" + size + "\"");
                }
            }
        };
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("stream ended inside a chunk line");
            }
            if (b == '\n') {
                int n = sb.length();
                return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
            }
            if (sb.length() > 4096) {
                throw new IOException("chunk line too long");
            }
            sb.append((char) b);
        }
    }
}

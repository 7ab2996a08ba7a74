package io.dynup.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * An encoded response head taken apart for a {@link HeaderFilter}: the status and the headers a filter may read
 * and change, in order. What frames the message on the wire ({@code Content-Length}, {@code Transfer-Encoding},
 * {@code Connection}, {@code Keep-Alive}) and what nginx's own header filter adds after the module filters
 * ({@code Server}, {@code Date}) keep their original lines whatever the filter does: a body already framed
 * one way cannot be announced another way. {@code Content-Length} is visible to the filter but read-only.
 */
public final class ResponseHeaders {

    private int status;
    private final int originalStatus;
    private final String statusLine;
    private final List<String[]> headers;
    /** Server and Date: before the filter's headers, as nginx writes them. */
    private final List<String> front = new ArrayList<>(2);
    /** The framing lines: after the filter's headers. */
    private final List<String> framing = new ArrayList<>(3);

    private ResponseHeaders(String statusLine, int status, List<String[]> headers) {
        this.statusLine = statusLine;
        this.status = this.originalStatus = status;
        this.headers = headers;
    }

    /** Takes apart {@code head}: a status line, header lines and the empty line, as dynup encodes them. */
    static ResponseHeaders parse(ByteBuf head) {
        String text = head.toString(head.readerIndex(), head.readableBytes(), StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\r\n");
        String statusLine = lines[0];
        int status = Integer.parseInt(statusLine.substring(9, 12));
        ResponseHeaders h = new ResponseHeaders(statusLine, status, new ArrayList<>(lines.length));
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = line.substring(0, colon);
            switch (name.toLowerCase(Locale.ROOT)) {
                case "server", "date" -> h.front.add(line);
                case "transfer-encoding", "connection", "keep-alive" -> h.framing.add(line);
                case "content-length" -> {
                    h.framing.add(line);
                    h.headers.add(new String[] {name, line.substring(colon + 1).strip()});
                }
                default -> h.headers.add(new String[] {name, line.substring(colon + 1).strip()});
            }
        }
        return h;
    }

    public int status() {
        return status;
    }

    /** A new status; the status line gets nginx's reason phrase for it. */
    public void status(int status) {
        this.status = status;
    }

    /** The headers as {name, value} pairs in order; the filter may change the list and its entries. */
    public List<String[]> headers() {
        return headers;
    }

    /** The head as it now stands, encoded. */
    ByteBuf encode(ByteBufAllocator alloc) {
        ByteBuf out = alloc.buffer(256);
        if (status == originalStatus) {
            line(out, statusLine);
        } else {
            StatusLines.writeStatusLine(out, status);
        }
        for (String l : front) {
            line(out, l);
        }
        for (String[] h : headers) {
            if (!h[0].equalsIgnoreCase("Content-Length")) {
                line(out, h[0] + ": " + h[1]);
            }
        }
        for (String l : framing) {
            line(out, l);
        }
        out.writeByte('\r').writeByte('\n');
        return out;
    }

    private static void line(ByteBuf out, String line) {
        out.writeCharSequence(line, StandardCharsets.ISO_8859_1);
        out.writeByte('\r').writeByte('\n');
    }
}

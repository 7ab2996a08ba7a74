package io.dynup.http;

import java.nio.charset.StandardCharsets;

import org.jspecify.annotations.Nullable;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.AsciiString;

/**
 * Reason phrases and nginx-like small HTML bodies for the responses dynup makes itself (errors, {@code return}).
 */
public final class StatusLines {

    private StatusLines() {
    }

    public static String reason(int status) {
        switch (status) {
            case 200: return "OK";
            case 201: return "Created";
            case 204: return "No Content";
            case 206: return "Partial Content";
            case 301: return "Moved Permanently";
            case 302: return "Moved Temporarily";
            case 303: return "See Other";
            case 304: return "Not Modified";
            case 307: return "Temporary Redirect";
            case 308: return "Permanent Redirect";
            case 400: return "Bad Request";
            case 401: return "Unauthorized";
            case 403: return "Forbidden";
            case 404: return "Not Found";
            case 405: return "Not Allowed";
            case 408: return "Request Time-out";
            case 409: return "Conflict";
            case 411: return "Length Required";
            case 412: return "Precondition Failed";
            case 413: return "Request Entity Too Large";
            case 414: return "Request-URI Too Large";
            case 415: return "Unsupported Media Type";
            case 429: return "Too Many Requests";
            case 500: return "Internal Server Error";
            case 501: return "Not Implemented";
            case 502: return "Bad Gateway";
            case 503: return "Service Temporarily Unavailable";
            case 504: return "Gateway Time-out";
            case 505: return "HTTP Version Not Supported";
            default: return "";
        }
    }

    /**
     * nginx's error page: a small HTML body naming the status (and dynup instead of nginx at the bottom).
     * {@code 494} is nginx's internal code for a request head too large: sent as 400 with its own page.
     */
    public static ByteBuf errorPage(ByteBufAllocator alloc, int status) {
        String html;
        if (status == 494) {
            html = "<html>\r\n<head><title>400 Request Header Or Cookie Too Large</title></head>\r\n<body>\r\n"
                   + "<center><h1>400 Bad Request</h1></center>\r\n"
                   + "<center>Request Header Or Cookie Too Large</center>\r\n"
                   + "<hr><center>dynup</center>\r\n</body>\r\n</html>\r\n";
        } else {
            // nginx's page for 302 says "Found" while its status line says "Moved Temporarily"
            String title = status + " " + (status == 302 ? "Found" : reason(status));
            html = "<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>" + title
                   + "</h1></center>\r\n<hr><center>dynup</center>\r\n</body>\r\n</html>\r\n";
        }
        ByteBuf b = alloc.buffer(html.length());
        b.writeCharSequence(html, StandardCharsets.ISO_8859_1);
        return b;
    }

    /** Writes {@code HTTP/1.1 200 OK\r\n} into {@code out}. */
    public static void writeStatusLine(ByteBuf out, int status) {
        out.writeBytes(HTTP_11);
        out.writeByte('0' + status / 100).writeByte('0' + status / 10 % 10).writeByte('0' + status % 10);
        out.writeByte(' ');
        out.writeCharSequence(reason(status), StandardCharsets.ISO_8859_1);
        out.writeByte('\r').writeByte('\n');
    }

    public static void writeHeader(ByteBuf out, AsciiString name, CharSequence value) {
        out.writeCharSequence(name, StandardCharsets.ISO_8859_1);
        out.writeByte(':').writeByte(' ');
        out.writeCharSequence(value, StandardCharsets.ISO_8859_1);
        out.writeByte('\r').writeByte('\n');
    }

    /**
     * The head of a response dynup makes itself: status line, {@code Server}, {@code Date}, then
     * {@code Content-Type} and {@code Content-Length} unless null / negative, {@code Location} unless null,
     * {@code Connection}, and the empty line.
     */
    static void writeOwnHead(ByteBuf out, int status, @Nullable CharSequence contentType, long contentLength,
                             @Nullable CharSequence location, boolean keepAlive) {
        writeOwnHead(out, status, contentType, contentLength, location, keepAlive, null);
    }

    /** The same with {@code extra} header lines (each ending in CRLF) before {@code Connection}. */
    static void writeOwnHead(ByteBuf out, int status, @Nullable CharSequence contentType, long contentLength,
                             @Nullable CharSequence location, boolean keepAlive, @Nullable CharSequence extra) {
        writeStatusLine(out, status);
        writeHeader(out, SERVER, DYNUP);
        writeHeader(out, DATE, HttpDate.now());
        if (contentType != null) {
            writeHeader(out, CONTENT_TYPE, contentType);
        }
        if (contentLength >= 0) {
            writeHeader(out, CONTENT_LENGTH, Long.toString(contentLength));
        }
        if (location != null) {
            writeHeader(out, LOCATION, location);
        }
        if (extra != null) {
            out.writeCharSequence(extra, StandardCharsets.ISO_8859_1);
        }
        writeHeader(out, CONNECTION, keepAlive ? KEEP_ALIVE : CLOSE);
        out.writeByte('\r').writeByte('\n');
    }

    private static final byte[] HTTP_11 = "HTTP/1.1 ".getBytes(StandardCharsets.ISO_8859_1);
    private static final AsciiString SERVER = AsciiString.cached("Server");
    private static final AsciiString DATE = AsciiString.cached("Date");
    private static final AsciiString CONTENT_TYPE = AsciiString.cached("Content-Type");
    private static final AsciiString CONTENT_LENGTH = AsciiString.cached("Content-Length");
    private static final AsciiString CONNECTION = AsciiString.cached("Connection");
    private static final AsciiString LOCATION = AsciiString.cached("Location");
    private static final AsciiString KEEP_ALIVE = AsciiString.cached("keep-alive");
    private static final AsciiString CLOSE = AsciiString.cached("close");
    private static final AsciiString DYNUP = AsciiString.cached("dynup");
}

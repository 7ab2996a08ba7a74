package io.dynup.lua;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dynup.http.BodySink;
import io.dynup.http.HttpExchange;
import io.dynup.http.ResponseHeaders;
import io.dynup.http.StatusLines;
import io.dynup.http.Variables;
import io.dynup.http.wire.Method;
import io.dynup.http.wire.RequestHead;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.util.AsciiString;
import party.iroiro.luajava.Lua;

/**
 * The Lua side of one HTTP request, shared by all its Lua phases (rewrite, access, content, header filter,
 * log): {@code ngx.status}, the response headers of {@code ngx.header}, the request body once read, and the
 * response as Lua writes it. Attached to the exchange; confined to its event loop.
 *
 * <p>Output is buffered until the entry thread suspends or ends, so a handler that answers at once gets one
 * head with a {@code Content-Length}; a handler that flushes or sleeps streams its body chunked (HTTP/1.1) or
 * until the connection closes (HTTP/1.0), as nginx does.
 */
final class LuaHttpRequest {

    private static final Logger LOG = LoggerFactory.getLogger(LuaHttpRequest.class);

    private final HttpExchange ex;
    private final LuaLocation location;
    final LuaResponse response = new LuaResponse();
    /** ngx.header: names as first set, in order; several entries may share a name. */
    private final List<String[]> headers = new ArrayList<>(4);
    private @Nullable CompositeByteBuf requestBody;
    private boolean bodyRead;
    private @Nullable ByteBuf pending;
    /** The head is out as far as Lua knows (first output); it goes on the wire at the next flush. */
    private boolean headDue;
    private boolean headWritten;
    private boolean chunked;
    private boolean noBody;
    /** The registry reference of ngx.ctx, valid while {@link #ctxVm} is set. */
    private int ctxRef;
    private @Nullable LuaVm ctxVm;

    private LuaHttpRequest(HttpExchange ex, LuaLocation location) {
        this.ex = ex;
        this.location = location;
    }

    /** The Lua state of {@code ex}, created by its first Lua phase. */
    static LuaHttpRequest of(HttpExchange ex, LuaLocation location) {
        LuaHttpRequest r = ex.attachment(LuaHttpRequest.class);
        if (r == null) {
            r = new LuaHttpRequest(ex, location);
            ex.attach(LuaHttpRequest.class, r);
        }
        return r;
    }

    HttpExchange exchange() {
        return ex;
    }

    /** Runs {@code chunk} as {@code phase} of this request on {@code worker}'s VM. */
    void run(LuaWorker worker, LuaChunk chunk, LuaPhase phase) {
        PhaseOutput out = new PhaseOutput(phase);
        LuaRequest r = worker.vm().request(chunk, phase, out, worker.scheduler(), this, response);
        out.request = r;
        if (phase.yieldable()) {
            ex.onAbort(r::cancel);
        }
        r.start();
    }

    /**
     * {@code header_filter_by_lua*} on a head Lua did not write (proxied, {@code return}, an error page):
     * {@code ngx.header} and {@code ngx.status} are the head's while the filter runs, and what it leaves is the
     * head that goes out.
     */
    void filterHead(ResponseHeaders head, LuaLocation.HeaderFilter filter) {
        if (headWritten) {
            // Lua's own head: the filter ran as it was written (writeHead)
            return;
        }
        headers.clear();
        headers.addAll(head.headers());
        response.status = head.status();
        response.headSent = false;
        try {
            filter.run(this);
        } finally {
            response.headSent = true;
        }
        head.status(response.status);
        head.headers().clear();
        head.headers().addAll(headers);
    }

    /** The upstream {@code proxy_pass} of the request's location names, or null. */
    @Nullable String upstream() {
        return location.upstream();
    }

    // --- ngx.var --------------------------------------------------------------------------------------------

    int pushVar(Lua l) {
        String name = l.toString(1);
        String v = name == null ? null : Variables.lookup(ex, name);
        if (v == null) {
            l.pushNil();
        } else {
            l.push(v);
        }
        return 1;
    }

    /** Only variables the configuration declares ({@code set $x}) can be written, as in OpenResty. */
    int setVar(Lua l) {
        String name = l.toString(1);
        if (name == null || !location.declared().contains(name) && ex.variable(name) == null) {
            l.push("variable \"" + name + "\" not found for writing; maybe it is a built-in variable that is not "
                   + "changeable or you forgot to use \"set $" + name + " '';\" in the config file to define it "
                   + "first");
            return 1;
        }
        String value = l.isNil(2) ? "" : l.toString(2);
        ex.setVariable(name, value);
        return 0;
    }

    // --- ngx.header -----------------------------------------------------------------------------------------

    /** OpenResty's lua_transform_underscores_in_response_headers (on by default). */
    private static String headerName(String key) {
        return key.replace('_', '-');
    }

    int pushHeader(Lua l) {
        String name = headerName(l.toString(1));
        List<String> values = new ArrayList<>(1);
        if (name.equalsIgnoreCase("Content-Type") && find(name) < 0) {
            l.pushNil();
            return 1;
        }
        for (String[] h : headers) {
            if (h[0].equalsIgnoreCase(name)) {
                values.add(h[1]);
            }
        }
        if (values.isEmpty()) {
            l.pushNil();
        } else if (values.size() == 1) {
            l.push(values.get(0));
        } else {
            l.createTable(values.size(), 0);
            for (int i = 0; i < values.size(); i++) {
                l.push(values.get(i));
                l.rawSetI(-2, i + 1);
            }
        }
        return 1;
    }

    int setHeader(Lua l) {
        String name = headerName(l.toString(1));
        if (response.headSent) {
            LOG.error("attempt to set ngx.header.HEADER after sending out response headers");
            return 0;
        }
        headers.removeIf(h -> h[0].equalsIgnoreCase(name));
        for (int i = 2; i <= l.getTop(); i++) {
            headers.add(new String[] {name, l.toString(i)});
        }
        return 0;
    }

    private int find(String name) {
        for (int i = 0; i < headers.size(); i++) {
            if (headers.get(i)[0].equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }

    private @Nullable String header(String name) {
        int i = find(name);
        return i < 0 ? null : headers.get(i)[1];
    }

    // --- ngx.ctx --------------------------------------------------------------------------------------------

    /** ngx.ctx: one table per request, made on first use, shared by its phases, dropped when it ends. */
    int pushCtx(LuaVm vm, Lua l) {
        if (ctxVm == null) {
            l.newTable();
            keepCtx(vm, l);
        }
        l.refGet(ctxRef);
        return 1;
    }

    /** {@code ngx.ctx = t}: the request's table is {@code t} from now on. */
    int setCtx(LuaVm vm, Lua l) {
        if (!l.isTable(1)) {
            throw new LuaVm.NgxError("ngx.ctx must be a table");
        }
        l.pushValue(1);
        LuaVm old = ctxVm;
        if (old != null) {
            old.main().unref(ctxRef);
        }
        keepCtx(vm, l);
        return 0;
    }

    private void keepCtx(LuaVm vm, Lua l) {
        ctxRef = l.ref();
        ctxVm = vm;
    }

    // --- ngx.req --------------------------------------------------------------------------------------------

    String method() {
        return ex.request().methodName();
    }

    /** The request headers as a flat list {name, value, name, value...}, in order. */
    int pushHeaders(Lua l) {
        RequestHead head = ex.request();
        ByteBuf raw = head.content();
        int n = head.headerCount();
        l.createTable(n * 2, 0);
        for (int i = 0; i < n; i++) {
            l.push(raw.toString(head.nameOffset(i), head.nameLength(i), StandardCharsets.ISO_8859_1));
            l.rawSetI(-2, 2 * i + 1);
            l.push(raw.toString(head.valueOffset(i), head.valueLength(i), StandardCharsets.ISO_8859_1));
            l.rawSetI(-2, 2 * i + 2);
        }
        return 1;
    }

    /**
     * ngx.req.read_body: starts taking the body into memory (bounded by client_max_body_size, which the http
     * layer enforces).
     *
     * @return whether {@code r} must suspend until the body is complete
     */
    boolean readBody(LuaRequest r) {
        if (bodyRead || requestBody != null) {
            return false;
        }
        if (!ex.bodyPending()) {
            bodyRead = true;
            return false;
        }
        CompositeByteBuf body = ex.alloc().compositeBuffer(Integer.MAX_VALUE);
        requestBody = body;
        ex.readBody(new BodySink() {
            @Override
            public void onBody(ByteBuf bytes) {
                body.addComponent(true, bytes);
                ex.demandBody();
            }

            @Override
            public void onBodyEnd() {
                bodyRead = true;
                r.wake();
            }
        });
        ex.demandBody();
        r.awaitWake();
        return true;
    }

    /** ngx.req.get_body_data: the body read, as a Lua string (binary-safe), or nil. */
    int pushBodyData(Lua l) {
        CompositeByteBuf body = requestBody;
        if (!bodyRead || body == null || body.readableBytes() == 0) {
            l.pushNil();
            return 1;
        }
        byte[] bytes = ex.request().chunked() ? Dechunk.payload(body) : bytesOf(body);
        LuaStrings.push(l, bytes);
        return 1;
    }

    void discardBody() {
        if (requestBody == null && !bodyRead) {
            bodyRead = true;
            ex.discardBody();
        }
    }

    private static byte[] bytesOf(ByteBuf b) {
        byte[] bytes = new byte[b.readableBytes()];
        b.getBytes(b.readerIndex(), bytes);
        return bytes;
    }

    /** The log phase ran: what the request held is released. */
    void release() {
        LuaVm vm = ctxVm;
        ctxVm = null;
        if (vm != null && !vm.isClosed()) {
            vm.main().unref(ctxRef);
        }
        CompositeByteBuf b = requestBody;
        requestBody = null;
        if (b != null) {
            b.release();
        }
        ByteBuf p = pending;
        pending = null;
        if (p != null) {
            p.release();
        }
    }

    // --- the response ---------------------------------------------------------------------------------------

    /** Where one phase's output goes; ends the phase as OpenResty does for that phase. */
    private final class PhaseOutput implements LuaOutput {

        private final LuaPhase phase;
        @Nullable LuaRequest request;

        PhaseOutput(LuaPhase phase) {
            this.phase = phase;
        }

        @Override
        public void sendHead(int status) {
            headDue = true;
        }

        @Override
        public void write(byte[] bytes) {
            if (ex.finished()) {
                return;
            }
            ByteBuf p = pending;
            if (p == null) {
                p = pending = ex.alloc().buffer(Math.max(256, bytes.length));
            }
            p.writeBytes(bytes);
        }

        @Override
        public void suspended() {
            if (headDue && !ex.finished()) {
                flush(false);
            }
        }

        @Override
        public void finish(int status) {
            if (ex.finished()) {
                return;
            }
            if (phase == LuaPhase.REWRITE || phase == LuaPhase.ACCESS) {
                LuaRequest r = request;
                int exit = r == null ? -1 : r.exitCode();
                if (!headDue && exit < 200) {
                    // the chunk ended, or ngx.exit(ngx.OK): the request goes on to its next phase
                    ex.proceed();
                    return;
                }
            } else if (phase != LuaPhase.CONTENT) {
                return;
            }
            complete(status);
        }

        @Override
        public void abort() {
            if (phase.output()) {
                ex.abort();
            }
        }
    }

    /** Ends the response: what Lua wrote, else nginx's answer for {@code status}. */
    private void complete(int status) {
        if (headDue) {
            flush(true);
            return;
        }
        if (status == 444) {
            ex.abort();
        } else if (status >= 300 && status != 304) {
            String location = header("Location");
            if (status < 400 && location != null) {
                ex.respond(status, "text/html", location, StatusLines.errorPage(ex.alloc(), status));
            } else {
                ex.respondError(status);
            }
        } else {
            headDue = true;
            response.headSent = true;
            response.status = status;
            flush(true);
        }
    }

    /** Puts the head (once) and the buffered body on the wire; {@code last} ends the response. */
    private void flush(boolean last) {
        if (!headWritten) {
            writeHead(last);
        }
        ByteBuf p = pending;
        pending = null;
        if (noBody) {
            if (p != null) {
                p.release();
            }
        } else if (chunked) {
            ByteBuf out = ex.alloc().buffer(16 + (p == null ? 0 : p.readableBytes()) + 7);
            if (p != null && p.isReadable()) {
                out.writeCharSequence(Integer.toHexString(p.readableBytes()), StandardCharsets.US_ASCII);
                out.writeByte('\r').writeByte('\n');
                out.writeBytes(p);
                out.writeByte('\r').writeByte('\n');
            }
            if (p != null) {
                p.release();
            }
            if (last) {
                out.writeBytes(LAST_CHUNK);
            }
            if (out.isReadable()) {
                ex.sendBody(out);
            } else {
                out.release();
            }
        } else if (p != null) {
            ex.sendBody(p);
        }
        if (last) {
            ex.finish();
        }
    }

    private void writeHead(boolean last) {
        LuaLocation.HeaderFilter filter = location.headerFilter();
        if (filter != null) {
            // as far as the content handler knows the head is out; the filter sees it just before it goes
            response.headSent = false;
            try {
                filter.run(this);
            } finally {
                response.headSent = true;
            }
        }
        headWritten = true;
        int status = response.status == 0 ? 200 : response.status;
        boolean headRequest = ex.request().method() == Method.HEAD;
        noBody = headRequest || status == 204 || status == 304 || status < 200;
        long length = -1;
        String fixedLength = header("Content-Length");
        if (fixedLength != null) {
            length = Long.parseLong(fixedLength.trim());
        } else if (last && !noBody) {
            length = pending == null ? 0 : pending.readableBytes();
        } else if (last && headRequest) {
            length = 0;
        }
        boolean http11 = ex.request().isHttp11();
        chunked = length < 0 && !noBody && http11;
        boolean keepAlive = ex.clientKeepAlive() && (length >= 0 || chunked || noBody);
        // nginx discards a body nobody read before answering
        if (requestBody == null && !bodyRead) {
            ex.discardBody();
            bodyRead = true;
        }
        ByteBuf head = ex.alloc().buffer(256);
        StatusLines.writeStatusLine(head, status);
        StatusLines.writeHeader(head, SERVER, DYNUP);
        StatusLines.writeHeader(head, DATE, io.dynup.http.HttpDate.now());
        String type = header("Content-Type");
        if (type == null && find("Content-Type") < 0) {
            type = location.defaultType();
        }
        if (type != null && status != 204) {
            StatusLines.writeHeader(head, CONTENT_TYPE, type);
        }
        if (length >= 0 && status != 204 && status != 304) {
            StatusLines.writeHeader(head, CONTENT_LENGTH, Long.toString(length));
        } else if (chunked) {
            StatusLines.writeHeader(head, TRANSFER_ENCODING, CHUNKED);
        }
        StatusLines.writeHeader(head, CONNECTION, keepAlive ? KEEP_ALIVE : CLOSE);
        for (String[] h : headers) {
            String lower = h[0].toLowerCase(Locale.ROOT);
            if (!lower.equals("content-type") && !lower.equals("content-length")) {
                StatusLines.writeHeader(head, new AsciiString(h[0]), h[1]);
            }
        }
        head.writeByte('\r').writeByte('\n');
        ex.sendHead(head, !keepAlive, status);
    }

    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final AsciiString SERVER = AsciiString.cached("Server");
    private static final AsciiString DATE = AsciiString.cached("Date");
    private static final AsciiString CONTENT_TYPE = AsciiString.cached("Content-Type");
    private static final AsciiString CONTENT_LENGTH = AsciiString.cached("Content-Length");
    private static final AsciiString TRANSFER_ENCODING = AsciiString.cached("Transfer-Encoding");
    private static final AsciiString CHUNKED = AsciiString.cached("chunked");
    private static final AsciiString CONNECTION = AsciiString.cached("Connection");
    private static final AsciiString KEEP_ALIVE = AsciiString.cached("keep-alive");
    private static final AsciiString CLOSE = AsciiString.cached("close");
    private static final AsciiString DYNUP = AsciiString.cached("dynup");
}

package io.dynup.state;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dynup.config.ConfigException;
import io.dynup.config.SourcePos;
import io.dynup.model.HealthCheck;
import io.dynup.model.Overlay;
import io.dynup.model.PeerSpec;
import io.dynup.model.Result;
import io.dynup.model.UpstreamSpec;
import io.dynup.upstream.ChangeJournal;

/**
 * One upstream's {@code state} file: an append-only log of overlay entries, one line per peer, each change
 * closed by {@code commit SEQ crc=CRC32} over its lines, and fsynced before the change is acknowledged
 * (docs/STATE.md). Reading keeps every change whose checksum holds and skips the rest with an error naming
 * file and line; compaction rewrites the file (temp, fsync, atomic rename, fsync of the directory) and keeps
 * a file that had to be skipped from as {@code PATH.bad}.
 *
 * <p>Synchronized: an upstream and the one replacing it on reload may share the file for a moment.
 */
final class StateFile implements ChangeJournal {

    private static final Logger logger = LoggerFactory.getLogger(StateFile.class);

    /** Compact when the log has grown past twice its compacted size plus this. */
    private static final long GROWTH_SLACK = 64 * 1024;

    private final Path path;
    /** The overlay the file holds: the replay of its good changes. */
    private Overlay written;
    /** The check entry the file holds, null when the check is the configured one. */
    private @Nullable CheckLine writtenCheck;
    private long seq;
    /** Where the last good commit ends; the next change is written here. */
    private long validLength;
    private long compactedLength;
    /** Something was skipped on reading: keep the file aside before the first rewrite. */
    private boolean skipped;
    private @Nullable FileChannel channel;

    private StateFile(Path path, Overlay written, @Nullable CheckLine writtenCheck, long seq, long validLength,
                      boolean skipped) {
        this.path = path;
        this.written = written;
        this.writtenCheck = writtenCheck;
        this.seq = seq;
        this.validLength = validLength;
        this.compactedLength = validLength;
        this.skipped = skipped;
    }

    /** Reads {@code path} (absent = no changes yet); {@code pos} is the upstream block, for errors. */
    static StateFile load(Path path, @Nullable SourcePos pos) {
        Path dir = path.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new ConfigException(String.format(Locale.ROOT, "state file \"%s\" cannot be written: %s", path,
                    dir == null || !Files.isDirectory(dir) ? "no such directory" : "permission denied"), pos);
        }
        byte[] data;
        try {
            data = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            return new StateFile(path, Overlay.EMPTY, null, 0, 0, false);
        } catch (AccessDeniedException e) {
            throw new ConfigException("state file \"" + path + "\" cannot be read: permission denied", pos, e);
        } catch (IOException e) {
            throw new ConfigException("state file \"" + path + "\" cannot be read: " + e.getMessage(), pos, e);
        }
        return new Reader(path, data).read();
    }

    @Override
    public synchronized Overlay stored() {
        return written;
    }

    @Override
    public synchronized @Nullable HealthCheck storedCheck(UpstreamSpec config) {
        CheckLine stored = writtenCheck;
        if (stored == null) {
            return null;
        }
        if (!stored.base().equals(CheckLine.fingerprint(config.check()))) {
            logger.info("{} upstream \"{}\": the check directives changed since the check was changed at run time; "
                        + "the config wins", config.kind().configName(), config.name());
            return null;
        }
        HealthCheck base = config.check() != null ? config.check()
                : HealthCheck.defaults().toBuilder().off(true).build();
        try {
            return stored.change().apply(base);
        } catch (IllegalArgumentException e) {
            logger.error("state file \"{}\": the stored check does not apply ({}); the config wins", path,
                         e.getMessage());
            return null;
        }
    }

    @Override
    public synchronized void record(UpstreamSpec config, List<PeerSpec> peers, @Nullable HealthCheck check)
            throws IOException {
        Overlay next = Overlay.of(config.peers(), peers);
        StringBuilder lines = new StringBuilder();
        // replay puts a peer it has not seen first: write in reverse so run-time additions keep their order
        List<Overlay.Entry> entries = next.entries();
        for (int i = entries.size() - 1; i >= 0; i--) {
            Overlay.Entry old = written.entry(entries.get(i).key());
            if (old == null || !old.sameAs(entries.get(i))) {
                lines.append(entries.get(i).line()).append('\n');
            }
        }
        for (Overlay.Entry e : written.entries()) {
            if (next.entry(e.key()) == null) {
                lines.append(configLine(e.key())).append('\n');
            }
        }
        String checkLine = CheckLine.of(config.check(), check);
        if (!Objects.equals(checkLine, writtenCheck == null ? null : writtenCheck.line())) {
            lines.append(checkLine == null ? CheckLine.CONFIG : checkLine).append('\n');
        }
        if (lines.length() == 0) {
            return;
        }
        CheckLine nextCheck = checkLine == null ? null : parsed(checkLine);
        append(lines);
        written = next;
        writtenCheck = nextCheck;
        if (validLength > 2 * compactedLength + GROWTH_SLACK) {
            try {
                compact(config, peers, check);
            } catch (IOException e) {
                // the change is on disk already; the log just stays longer
                logger.error("{}", e.getMessage());
            }
        }
    }

    @Override
    public synchronized void compact(UpstreamSpec config, List<PeerSpec> peers, @Nullable HealthCheck check)
            throws IOException {
        Overlay next = Overlay.of(config.peers(), peers);
        StringBuilder lines = new StringBuilder();
        List<Overlay.Entry> entries = next.entries();
        for (int i = entries.size() - 1; i >= 0; i--) {
            lines.append(entries.get(i).line()).append('\n');
        }
        String checkLine = CheckLine.of(config.check(), check);
        CheckLine nextCheck = null;
        if (checkLine != null) {
            nextCheck = parsed(checkLine);
            lines.append(checkLine).append('\n');
        }
        StringBuilder text = new StringBuilder("# dynup state of ").append(config.kind().configName())
                .append(" upstream \"").append(config.name())
                .append("\": run-time changes over its configuration (docs/STATE.md)\n");
        long nextSeq = seq;
        if (lines.length() > 0) {
            nextSeq++;
            text.append(lines).append(commitLine(nextSeq, lines));
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
        try {
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                                                    StandardOpenOption.TRUNCATE_EXISTING)) {
                writeFully(out, bytes, 0);
                out.force(true);
            }
            if (skipped && Files.exists(path)) {
                Path bad = path.resolveSibling(path.getFileName() + ".bad");
                Files.copy(path, bad, StandardCopyOption.REPLACE_EXISTING);
                logger.warn("state file \"{}\": the unreadable version is kept as \"{}\"", path, bad);
            }
            closeChannel();
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory();
        } catch (IOException e) {
            throw new IOException("state file \"" + path + "\": compaction failed (" + reason(e) + ")", e);
        }
        skipped = false;
        written = next;
        writtenCheck = nextCheck;
        seq = nextSeq;
        validLength = bytes.length;
        compactedLength = bytes.length;
    }

    synchronized void close() {
        closeChannel();
    }

    /** Appends one change and its commit line at the end of the last good commit, then fsyncs. */
    private void append(StringBuilder lines) throws IOException {
        byte[] bytes = (lines + commitLine(seq + 1, lines)).getBytes(StandardCharsets.UTF_8);
        try {
            FileChannel ch = channel();
            writeFully(ch, bytes, validLength);
            ch.force(false);
        } catch (IOException e) {
            // whatever part reached the file has no valid commit; cut it so the next change starts clean
            closeChannel();
            throw new IOException("state file \"" + path + "\": write failed (" + reason(e) + ")", e);
        }
        validLength += bytes.length;
        seq++;
    }

    private FileChannel channel() throws IOException {
        FileChannel ch = channel;
        if (ch == null) {
            boolean created = !Files.exists(path);
            ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            channel = ch;
            if (created) {
                syncDirectory();
            }
        }
        if (ch.size() > validLength) {
            ch.truncate(validLength);
        }
        return ch;
    }

    private void closeChannel() {
        FileChannel ch = channel;
        channel = null;
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                logger.warn("state file \"{}\": close failed ({})", path, reason(e));
            }
        }
    }

    /** Makes a created or renamed file's directory entry durable (Linux: fsync of the directory). */
    private void syncDirectory() throws IOException {
        try (FileChannel dir = FileChannel.open(path.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    private static void writeFully(FileChannel ch, byte[] bytes, long position) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        long at = position;
        while (buf.hasRemaining()) {
            at += ch.write(buf, at);
        }
    }

    /**
     * A check line as it will read back, checked before it is written: a check the line cannot carry fails the
     * change rather than be lost on restart.
     */
    private CheckLine parsed(String line) throws IOException {
        Result<CheckLine> r = CheckLine.parse(line);
        if (!r.ok()) {
            throw new IOException("state file \"" + path + "\": the check cannot be stored (" + r.error() + ")");
        }
        return r.get();
    }

    private static String configLine(Overlay.Key key) {
        return "config " + Overlay.escape(key.server()) + " addr=" + Overlay.escape(key.name());
    }

    private static String commitLine(long seq, CharSequence lines) {
        CRC32 crc = new CRC32();
        crc.update(lines.toString().getBytes(StandardCharsets.UTF_8));
        return "commit " + seq + " crc=" + String.format(Locale.ROOT, "%08x", crc.getValue()) + '\n';
    }

    private static String reason(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Replays a file's bytes, skipping what cannot be trusted. */
    private static final class Reader {
        private final Path path;
        private final byte[] data;
        /** Entries by peer, in reverse of their place in the tier: a peer seen first goes last. */
        private final Map<Overlay.Key, Overlay.Entry> entries = new LinkedHashMap<>();
        private @Nullable CheckLine check;
        private long seq;
        private boolean skipped;

        Reader(Path path, byte[] data) {
            this.path = path;
            this.data = data;
        }

        StateFile read() {
            int pos = 0;
            int line = 0;
            int validLength = 0;
            int groupLine = 0;
            CRC32 crc = new CRC32();
            List<String> group = new ArrayList<>();
            while (pos < data.length) {
                int nl = indexOf(data, (byte) '\n', pos);
                if (nl < 0) {
                    break;
                }
                line++;
                String text = new String(data, pos, nl - pos, StandardCharsets.UTF_8);
                if (text.startsWith("commit ")) {
                    String error = commitError(text, crc.getValue());
                    if (error == null) {
                        error = applyGroup(group, groupLine == 0 ? line : groupLine);
                    }
                    if (error != null) {
                        logger.error("state file \"{}:{}\": {}; change skipped", path, line, error);
                        skipped = true;
                    }
                    validLength = nl + 1;
                    group.clear();
                    crc.reset();
                    groupLine = 0;
                } else if (!text.startsWith("#") && !text.isBlank()) {
                    crc.update(data, pos, nl + 1 - pos);
                    group.add(text);
                    if (groupLine == 0) {
                        groupLine = line;
                    }
                }
                pos = nl + 1;
            }
            if (!group.isEmpty() || pos < data.length) {
                logger.warn("state file \"{}:{}\": a change without its commit line (cut by a crash, never "
                            + "acknowledged) is dropped", path, groupLine == 0 ? line + 1 : groupLine);
                skipped = true;
            }
            List<Overlay.Entry> ordered = new ArrayList<>(entries.values());
            java.util.Collections.reverse(ordered);
            return new StateFile(path, new Overlay(ordered), check, seq, validLength, skipped);
        }

        private @Nullable String commitError(String text, long actualCrc) {
            String[] t = text.trim().split(" +");
            if (t.length != 3 || !t[1].matches("\\d{1,18}") || !t[2].matches("crc=[0-9a-f]{8}")) {
                return "invalid commit line \"" + text + "\" (expected: commit SEQ crc=XXXXXXXX)";
            }
            if (Long.parseLong(t[2].substring(4), 16) != actualCrc) {
                return "checksum mismatch";
            }
            seq = Math.max(seq, Long.parseLong(t[1]));
            return null;
        }

        /** Applies a checked change, all lines or none. */
        private @Nullable String applyGroup(List<String> group, int firstLine) {
            Map<Overlay.Key, Overlay.@Nullable Entry> parsed = new LinkedHashMap<>();
            boolean checkChanged = false;
            CheckLine checkNow = check;
            for (int i = 0; i < group.size(); i++) {
                String text = group.get(i);
                if (text.equals(CheckLine.CONFIG) || text.startsWith("check ")) {
                    Result<CheckLine> c = text.equals(CheckLine.CONFIG) ? Result.ok(null) : CheckLine.parse(text);
                    if (!c.ok()) {
                        return "line " + (firstLine + i) + ": " + c.error();
                    }
                    checkChanged = true;
                    checkNow = c.value();
                    continue;
                }
                if (text.startsWith("config ")) {
                    String[] t = text.trim().split(" +");
                    if (t.length != 3 || !t[2].startsWith("addr=")) {
                        return "line " + (firstLine + i) + ": expected \"config SERVER addr=NAME\"";
                    }
                    parsed.put(new Overlay.Key(Overlay.unescape(t[1]), Overlay.unescape(t[2].substring(5))), null);
                    continue;
                }
                Result<Overlay.Entry> e = Overlay.parseLine(text);
                if (!e.ok()) {
                    return "line " + (firstLine + i) + ": " + e.error();
                }
                parsed.put(e.get().key(), e.get());
            }
            for (Map.Entry<Overlay.Key, Overlay.@Nullable Entry> e : parsed.entrySet()) {
                if (e.getValue() == null) {
                    entries.remove(e.getKey());
                } else {
                    entries.put(e.getKey(), e.getValue());
                }
            }
            if (checkChanged) {
                check = checkNow;
            }
            return null;
        }

        private static int indexOf(byte[] data, byte b, int from) {
            for (int i = from; i < data.length; i++) {
                if (data[i] == b) {
                    return i;
                }
            }
            return -1;
        }
    }

    @Override
    public String toString() {
        return "state file \"" + path + '"';
    }
}

package io.dynup.http.log;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dynup.config.ConfigException;

/**
 * The access log files of a server, written by one thread so the event loops never wait for a disk: a line is
 * queued (bounded; when the disk cannot keep up, lines are counted and dropped rather than stalling requests),
 * the writer appends and flushes whenever the queue runs empty. Paths are relative to the prefix ({@code -p}),
 * as nginx's; a file stays open across reloads. {@link #reopen()} (SIGUSR1, {@code -s reopen}) reopens every
 * file after rotation; {@link #close()} writes every queued line first.
 */
public final class LogFiles implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(LogFiles.class);
    private static final int QUEUE_LINES = 1 << 16;
    private static final Object REOPEN = new Object();
    private static final Object STOP = new Object();

    private final Path prefix;
    private final Map<Path, LogFile> files = new ConcurrentHashMap<>();
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUE_LINES);
    private final AtomicLong dropped = new AtomicLong();
    private @Nullable Thread writer;
    private boolean closed;

    private LogFiles(Path prefix) {
        this.prefix = prefix;
    }

    /** Log files relative to {@code prefix}; the owner closes them. */
    public static LogFiles at(Path prefix) {
        return new LogFiles(prefix.toAbsolutePath().normalize());
    }

    /** Log files relative to the working directory, never closed (the writer is a daemon that flushes when idle). */
    public static LogFiles unmanaged() {
        return at(Path.of(""));
    }

    /** One open file; {@link #write} is safe from any thread and never blocks. */
    public final class LogFile {
        private final Path path;
        /** Confined to the writer thread once the file is in use. */
        private OutputStream out;

        private LogFile(Path path, OutputStream out) {
            this.path = path;
            this.out = out;
        }

        /** Queues one line (with its newline). */
        public void write(byte[] line) {
            if (!queue.offer(new Line(this, line))) {
                dropped.incrementAndGet();
            }
        }

        @Override
        public String toString() {
            return path.toString();
        }
    }

    private record Line(LogFile file, byte[] bytes) {
    }

    /**
     * The file at {@code path} (relative to the prefix), opened for appending, shared with every other
     * {@code access_log} naming it.
     *
     * @throws ConfigException nginx's {@code open() "/abs/path" failed (2: No such file or directory)}
     */
    public LogFile open(String path) {
        Path abs = prefix.resolve(path).normalize();
        LogFile f = files.get(abs);
        if (f != null) {
            return f;
        }
        LogFile opened = new LogFile(abs, openStream(abs));
        LogFile raced = files.putIfAbsent(abs, opened);
        if (raced != null) {
            closeQuietly(opened.out);
            return raced;
        }
        startWriter();
        return opened;
    }

    private static OutputStream openStream(Path abs) {
        try {
            return new BufferedOutputStream(Files.newOutputStream(abs, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.WRITE), 64 * 1024);
        } catch (NoSuchFileException e) {
            throw new ConfigException(String.format("open() \"%s\" failed (2: No such file or directory)", abs), null);
        } catch (AccessDeniedException e) {
            throw new ConfigException(String.format("open() \"%s\" failed (13: Permission denied)", abs), null);
        } catch (IOException e) {
            throw new ConfigException(String.format("open() \"%s\" failed (%s)", abs, e.getMessage()), null);
        }
    }

    private synchronized void startWriter() {
        if (writer != null || closed) {
            return;
        }
        Thread t = new Thread(this::writeLoop, "dynup-access-log");
        t.setDaemon(true);
        writer = t;
        t.start();
    }

    /** Reopens every file (after a rotation moved it away), in order with the lines queued before. */
    public void reopen() {
        try {
            queue.put(REOPEN);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes every queued line, then closes the files. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            closed = true;
            t = writer;
        }
        if (t != null) {
            try {
                queue.put(STOP);
                t.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (LogFile f : files.values()) {
            closeQuietly(f.out);
        }
    }

    private void writeLoop() {
        List<Object> batch = new ArrayList<>(1024);
        try {
            while (true) {
                batch.add(queue.take());
                queue.drainTo(batch, 4096);
                for (Object o : batch) {
                    if (o == STOP) {
                        flushAll();
                        return;
                    }
                    if (o == REOPEN) {
                        reopenAll();
                    } else {
                        Line line = (Line) o;
                        write(line.file(), line.bytes());
                    }
                }
                batch.clear();
                if (queue.isEmpty()) {
                    flushAll();
                    long lost = dropped.getAndSet(0);
                    if (lost > 0) {
                        logger.warn("{} access log lines dropped: the log files could not keep up", lost);
                    }
                }
            }
        } catch (InterruptedException e) {
            flushAll();
        }
    }

    private static void write(LogFile f, byte[] bytes) {
        try {
            f.out.write(bytes);
        } catch (IOException e) {
            logger.error("write() to \"{}\" failed ({})", f.path, e.getMessage());
        }
    }

    private void flushAll() {
        for (LogFile f : files.values()) {
            try {
                f.out.flush();
            } catch (IOException e) {
                logger.error("write() to \"{}\" failed ({})", f.path, e.getMessage());
            }
        }
    }

    private void reopenAll() {
        for (LogFile f : files.values()) {
            try {
                f.out.flush();
            } catch (IOException e) {
                logger.error("write() to \"{}\" failed ({})", f.path, e.getMessage());
            }
            closeQuietly(f.out);
            try {
                f.out = openStream(f.path);
            } catch (ConfigException e) {
                logger.error("{}", e.getMessage());
                f.out = OutputStream.nullOutputStream();
            }
        }
        logger.info("reopening logs");
    }

    private static void closeQuietly(OutputStream out) {
        try {
            out.close();
        } catch (IOException e) {
            logger.debug("close failed: {}", e.getMessage());
        }
    }
}

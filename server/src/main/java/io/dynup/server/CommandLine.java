package io.dynup.server;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import io.dynup.config.Config;
import io.dynup.config.Directive;

/** The parts of nginx's command line that touch files and processes: the pid file, {@code -s}, {@code -T}. */
final class CommandLine {

    private CommandLine() {
    }

    /** The {@code pid} directive's file (relative to the prefix), or null when the config sets none. */
    static @Nullable Path pidFile(Config config, Path prefix) {
        return config.first("pid").map(d -> prefix.resolve(d.arg(0)).normalize()).orElse(null);
    }

    static @Nullable Path writePid(Config config, Path prefix, PrintStream err) {
        Path pid = pidFile(config, prefix);
        if (pid == null) {
            return null;
        }
        try {
            Files.writeString(pid, ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            err.println("dynup: [emerg] open() \"" + pid + "\" failed (" + e.getMessage() + ")");
        }
        return pid;
    }

    static void removePid(@Nullable Path pid) {
        if (pid != null) {
            try {
                Files.deleteIfExists(pid);
            } catch (IOException e) {
                // the process is ending; a stale pid file is harmless and overwritten on start
            }
        }
    }

    /** {@code -s stop|quit|reload}: signals the process named by the pid file, as nginx does. */
    static int signal(Config config, Path prefix, String command, PrintStream err) {
        Path pid = pidFile(config, prefix);
        if (pid == null) {
            err.println("dynup: [error] no \"pid\" directive in the configuration: -s needs the pid file");
            return 1;
        }
        String text;
        try {
            text = Files.readString(pid, StandardCharsets.US_ASCII).trim();
        } catch (NoSuchFileException e) {
            err.println("dynup: [error] open() \"" + pid + "\" failed (2: No such file or directory)");
            return 1;
        } catch (IOException e) {
            err.println("dynup: [error] open() \"" + pid + "\" failed (" + e.getMessage() + ")");
            return 1;
        }
        if (!text.matches("\\d{1,10}")) {
            err.println("dynup: [error] invalid PID number \"" + text + "\" in \"" + pid + "\"");
            return 1;
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + Signals.forCommand(command), text).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                err.println("dynup: [error] kill(" + text + ", " + Signals.forCommand(command) + ") failed");
                return 1;
            }
        } catch (IOException e) {
            err.println("dynup: [error] kill(" + text + ") failed: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        return 0;
    }

    /** {@code -T}: every configuration file, as nginx dumps them. */
    static void dump(Config config, @Nullable Path conf, PrintStream out) {
        if (conf == null) {
            out.println("# configuration file (embedded default):");
            out.print(Resources.text(Main.DEFAULT_CONFIG));
            return;
        }
        Set<Path> files = new LinkedHashSet<>();
        files.add(conf);
        collect(config.directives(), files);
        for (Path f : files) {
            out.println("# configuration file " + f + ":");
            try {
                out.print(Files.readString(f, StandardCharsets.UTF_8));
            } catch (IOException e) {
                out.println("# (unreadable: " + e.getMessage() + ")");
            }
            out.println();
        }
    }

    private static void collect(Iterable<Directive> directives, Set<Path> files) {
        for (Directive d : directives) {
            if (!d.pos().file().toString().equals("/(command line)")) {
                files.add(d.pos().file());
            }
            collect(d.children(), files);
        }
    }
}

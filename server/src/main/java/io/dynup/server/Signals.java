package io.dynup.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import sun.misc.Signal;

/**
 * nginx's signals for the running process: HUP reloads, TERM and INT stop at once, QUIT stops gracefully,
 * USR1 reopens the access logs.
 * {@code dynup -s reload|stop|quit} sends them through the pid file.
 */
final class Signals {

    private static final Logger logger = LoggerFactory.getLogger(Signals.class);

    private Signals() {
    }

    /** Installs handlers; where the JVM refuses one (it reserves some), that signal keeps its default. */
    static void install(Runnable reload, Runnable stop, Runnable quit, Runnable reopen) {
        handle("HUP", reload);
        handle("USR1", reopen);
        handle("TERM", stop);
        handle("INT", stop);
        handle("QUIT", quit);
    }

    private static void handle(String name, Runnable action) {
        try {
            Signal.handle(new Signal(name), s -> {
                logger.info("signal {} received", name);
                action.run();
            });
        } catch (IllegalArgumentException e) {
            logger.debug("signal {} not handled here: {}", name, e.getMessage());
        }
    }

    /** The signal {@code -s} sends for an nginx signal name. */
    static String forCommand(String command) {
        switch (command) {
            case "stop":
                return "TERM";
            case "quit":
                return "QUIT";
            case "reload":
                return "HUP";
            case "reopen":
                return "USR1";
            default:
                return null;
        }
    }
}

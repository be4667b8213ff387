package io.cloudterm.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The log while the server starts: held back until it is known whether the start worked. Once it
 * has, the held lines go out as they came (which pty mode, which WebSocket path, and why); if it has
 * not, the one line that says why is what a person needs, so only warnings and worse go out with it,
 * not the informational lines of a server that never ran.
 */
final class StartupLog {

    /** A start logs a handful of lines; past this many the rest are dropped rather than held. */
    private static final int MOST_HELD = 1000;

    private final Logger root = Logger.getLogger("");
    private final Handler[] handlers;
    private final List<LogRecord> held = new ArrayList<>();
    private final Handler holder = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (held) {
                if (held.size() < MOST_HELD && isLoggable(record)) {
                    held.add(record);
                }
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private StartupLog() {
        handlers = root.getHandlers();
        for (Handler handler : handlers) {
            root.removeHandler(handler);
        }
        root.addHandler(holder);
    }

    /** Holds what is logged from now until {@link #started()} or {@link #failed()}. */
    static StartupLog hold() {
        return new StartupLog();
    }

    /** The server runs: everything held goes out. */
    void started() {
        release(Level.ALL);
    }

    /** The server did not start: only the warnings and errors held go out. */
    void failed() {
        release(Level.WARNING);
    }

    private void release(Level least) {
        for (Handler handler : handlers) {
            root.addHandler(handler);
        }
        root.removeHandler(holder);
        List<LogRecord> records;
        synchronized (held) {
            records = List.copyOf(held);
            held.clear();
        }
        for (LogRecord record : records) {
            if (record.getLevel().intValue() >= least.intValue()) {
                for (Handler handler : handlers) {
                    handler.publish(record);
                }
            }
        }
        for (Handler handler : handlers) {
            handler.flush();
        }
    }
}

package io.cloudterm.web;

import java.net.BindException;
import java.util.Optional;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Why Helidon could not open the listening socket, said once, by us. Helidon 4.2 does not throw
 * when a listener fails to bind: {@code LoomServer.parallel} logs the exception at ERROR ("Failed to
 * start listener", with the stack trace), {@code LoomServer.startIt} adds "Helidon WebServer failed
 * to start, shutting down", and {@code start()} returns a server whose port is -1. While the server
 * starts, this keeps those ERROR records of the starting thread out of the log and keeps their
 * exception, so that {@link CloudTermServer#start} can say in one line what happened.
 */
final class ListenerFailure implements AutoCloseable {

    /** Holds the logger strongly: a JUL logger without references may be collected with its filter. */
    private final Logger helidon = Logger.getLogger("io.helidon.webserver.LoomServer");
    private final Filter previous = helidon.getFilter();
    private final Thread starter = Thread.currentThread();
    private volatile Throwable cause;

    private ListenerFailure() {
        helidon.setFilter(this::isLoggable);
    }

    /** Starts watching Helidon's log on this thread until {@link #close}. */
    static ListenerFailure watch() {
        return new ListenerFailure();
    }

    private boolean isLoggable(LogRecord record) {
        if (Thread.currentThread() == starter && record.getLevel().intValue() >= Level.SEVERE.intValue()) {
            if (cause == null && record.getThrown() != null) {
                cause = record.getThrown();
            }
            return false;
        }
        return previous == null || previous.isLoggable(record);
    }

    /** What a person reads after "cannot listen on HOST:PORT: ", with what to do about it. */
    String reason() {
        Throwable root = cause;
        while (root != null && root.getCause() != null && !(root instanceof BindException)) {
            root = root.getCause();
        }
        if (root == null) {
            return "the port is in use or the address is not one of this machine's (pass --port or --interface)";
        }
        String message = Optional.ofNullable(root.getMessage()).orElse(root.getClass().getSimpleName());
        if (message.contains("already in use")) {
            return "address in use (pass --port)";
        }
        if (message.contains("assign requested address")) {
            return "the address is not one of this machine's (pass --interface)";
        }
        if (message.contains("Permission denied")) {
            return "permission denied (ports below 1024 need privileges; pass --port)";
        }
        return message;
    }

    @Override
    public void close() {
        helidon.setFilter(previous);
    }
}

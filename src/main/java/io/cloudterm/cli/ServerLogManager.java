package io.cloudterm.cli;

import java.util.logging.LogManager;

/**
 * The JDK's LogManager, except that while the JVM shuts down it keeps its handlers until the
 * server has stopped. The JDK resets logging (removes and closes every handler) in a shutdown
 * hook of its own, which runs at the same time as the server's: the server's last lines, the
 * audit trail's {@code terminal ... ended} for every terminal a SIGTERM ended, went nowhere.
 * Installed by {@link CloudTerm#main} through the {@code java.util.logging.manager} property, so
 * it must be public with a public constructor; main names it without touching it, since
 * initializing this class initializes LogManager, which reads the property that very moment.
 */
public final class ServerLogManager extends LogManager {

    /** A server runs whose last lines must outlive the JDK's own reset at shutdown. */
    private volatile boolean holding;

    public ServerLogManager() {
    }

    /** From now until {@link #serverStopped}, a shutdown leaves the handlers in place. */
    static void holdUntilServerStopped() {
        if (LogManager.getLogManager() instanceof ServerLogManager manager) {
            manager.holding = true;
        }
    }

    /** The server has stopped and logged its last line: handlers may now be closed. */
    static void serverStopped() {
        if (LogManager.getLogManager() instanceof ServerLogManager manager) {
            manager.holding = false;
            manager.reset();
        }
    }

    @Override
    public void reset() {
        if (holding && shuttingDown()) {
            return; // the JDK's shutdown hook: serverStopped() resets once the server is done
        }
        super.reset();
    }

    /** Whether the JVM is shutting down: it then refuses new shutdown hooks. */
    private static boolean shuttingDown() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
        } catch (IllegalStateException e) {
            return true;
        }
        Runtime.getRuntime().removeShutdownHook(probe);
        return false;
    }
}

package io.cloudterm.web;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts connected terminal clients for --max-clients, --once and --exit-no-conn, and tells the
 * server when the last one is gone and it should stop.
 */
final class ClientSlots {

    private final int max;
    private final boolean once;
    private final boolean stopWhenEmpty;
    private final Runnable stopServer;
    private final AtomicInteger connected = new AtomicInteger();
    private final AtomicInteger everConnected = new AtomicInteger();

    ClientSlots(int max, boolean once, boolean stopWhenEmpty, Runnable stopServer) {
        this.max = once ? 1 : max;
        this.once = once;
        this.stopWhenEmpty = stopWhenEmpty || once;
        this.stopServer = stopServer;
    }

    /** Why a new client cannot come in now, or null if it can. */
    String refusal() {
        if (once && everConnected.get() > 0) {
            return "this server accepts one client only (--once)";
        }
        if (max > 0 && connected.get() >= max) {
            return "the server has its maximum of " + max + " clients";
        }
        return null;
    }

    /** Takes a slot; false if there is none (checked again here: two upgrades may race). */
    boolean take() {
        while (true) {
            int now = connected.get();
            if ((max > 0 && now >= max) || (once && everConnected.get() > 0)) {
                return false;
            }
            if (connected.compareAndSet(now, now + 1)) {
                everConnected.incrementAndGet();
                return true;
            }
        }
    }

    void release() {
        if (connected.decrementAndGet() == 0 && stopWhenEmpty) {
            stopServer.run();
        }
    }

    int connected() {
        return connected.get();
    }
}

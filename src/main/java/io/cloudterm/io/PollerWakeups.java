package io.cloudterm.io;

import java.util.concurrent.atomic.LongAdder;

/**
 * How often the native poller's thread came back from {@code epoll_wait} with ready fds, in this
 * process. The poller lives in the FFM layer, compiled after the main code, which therefore
 * cannot name it: the poller counts here instead, one {@link LongAdder} add per wake-up, and the
 * meters read the total when they are scraped. Stays 0 in pure-Java mode.
 */
public final class PollerWakeups {

    private static final LongAdder WAKEUPS = new LongAdder();

    private PollerWakeups() {
    }

    /** Called by the poller each time epoll_wait returns events. */
    public static void woke() {
        WAKEUPS.increment();
    }

    public static long count() {
        return WAKEUPS.sum();
    }
}

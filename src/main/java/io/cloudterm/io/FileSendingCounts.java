package io.cloudterm.io;

import java.util.concurrent.atomic.LongAdder;

/**
 * How often {@link FileSending} called the kernel to send, and how often a call found the socket
 * full ({@code EAGAIN}), in this process. Each full socket should cost one wait on the poller
 * ({@link PollerWakeups}); many more than the poller's wake-ups would be a thread spinning on a
 * full socket. The native layer counts here because the main code cannot name its classes.
 * Stays 0 in pure-Java mode.
 */
public final class FileSendingCounts {

    private static final LongAdder CALLS = new LongAdder();
    private static final LongAdder FULL = new LongAdder();

    private FileSendingCounts() {
    }

    /** Called before each {@code sendfile}/{@code write} of a body. */
    public static void called() {
        CALLS.increment();
    }

    /** Called when a call found the socket full, before waiting for it to become writable. */
    public static void foundFull() {
        FULL.increment();
    }

    public static long calls() {
        return CALLS.sum();
    }

    public static long fullSockets() {
        return FULL.sum();
    }
}

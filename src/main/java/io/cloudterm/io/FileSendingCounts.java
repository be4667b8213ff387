package io.cloudterm.io;

import java.util.concurrent.atomic.LongAdder;

/**
 * How often {@link FileSending} called the kernel to send, and how often it found a socket full
 * and parked its thread until the peer read, in this process. A client that reads slowly costs
 * about one call per wait; many more calls than waits would be a thread spinning on a full
 * socket. The native layer counts here because the main code cannot name its classes (as
 * {@link PollerWakeups}). Stays 0 in pure-Java mode.
 */
public final class FileSendingCounts {

    private static final LongAdder CALLS = new LongAdder();
    private static final LongAdder WAITS = new LongAdder();

    private FileSendingCounts() {
    }

    /** Called before each {@code sendfile}/{@code write} of a body. */
    public static void called() {
        CALLS.increment();
    }

    /** Called before each wait for a full socket to become writable. */
    public static void waited() {
        WAITS.increment();
    }

    public static long calls() {
        return CALLS.sum();
    }

    public static long waits() {
        return WAITS.sum();
    }
}

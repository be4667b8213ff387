package io.cloudterm.terminal;

import java.util.concurrent.atomic.LongAdder;

/**
 * What every terminal of this process has moved, counted where it happens: one {@link LongAdder}
 * add per pty read or client message, so the keystroke and output paths never call into a
 * metrics library; meters read these totals when they are scraped. Process-wide, like the meters
 * that read them: they only grow.
 */
public final class TerminalTraffic {

    private static final LongAdder PTY_READS = new LongAdder();
    private static final LongAdder OUTPUT_BYTES = new LongAdder();
    private static final LongAdder INPUT_BYTES = new LongAdder();
    private static final LongAdder SPAWN_FAILURES = new LongAdder();

    private TerminalTraffic() {
    }

    static void read(int bytes) {
        PTY_READS.increment();
        OUTPUT_BYTES.add(bytes);
    }

    static void typed(int bytes) {
        INPUT_BYTES.add(bytes);
    }

    static void spawnFailed() {
        SPAWN_FAILURES.increment();
    }

    /** Reads from ptys that returned output. */
    public static long ptyReads() {
        return PTY_READS.sum();
    }

    /** Bytes the terminals' programs wrote (read from their ptys). */
    public static long outputBytes() {
        return OUTPUT_BYTES.sum();
    }

    /** Bytes clients sent to the terminals' programs (keystrokes, pastes). */
    public static long inputBytes() {
        return INPUT_BYTES.sum();
    }

    /** Terminals whose program could not be started on a pty. */
    public static long spawnFailures() {
        return SPAWN_FAILURES.sum();
    }
}

package io.cloudterm.terminal;

/**
 * What one attached client may do to a terminal: type and resize, and whether its flow control
 * (PAUSE, or simply not reading) may slow the program down.
 */
public enum ClientRole {

    /** Types, resizes, and paces the program: the owner, or a guest given control. */
    CONTROL(true, true),
    /** Only watches, but paces the program: the owner on a read-only server, who has nobody to wait for. */
    WATCH(false, true),
    /**
     * Only watches and cannot slow the program: a guest through a view-only share link. Its PAUSE
     * stops sending to it alone; if it falls too far behind it is let go, like any slow reader.
     */
    VIEW(false, false);

    private final boolean writable;
    private final boolean pacesOutput;

    ClientRole(boolean writable, boolean pacesOutput) {
        this.writable = writable;
        this.pacesOutput = pacesOutput;
    }

    /** Whether its input and size reach the program. */
    public boolean writable() {
        return writable;
    }

    /** Whether the terminal stops reading its program's output while this client takes no more. */
    public boolean pacesOutput() {
        return pacesOutput;
    }
}

package io.cloudterm.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The kernel's pty limit ({@code /proc/sys/kernel/pty/max}), raised for a run that needs more
 * ptys than it allows and put back afterwards: on {@link #close} and, should the driver be
 * killed, by a shutdown hook. Only root may write it; each change is printed.
 */
final class PtyLimit implements AutoCloseable {

    private static final Path MAX = Path.of("/proc/sys/kernel/pty/max");
    /**
     * Ptys kept for the initial devpts instance: a container's own /dev/pts (as here) may open
     * only max less this, so a limit raised by just the ptys wanted fails half-way with ENOSPC.
     */
    private static final Path RESERVE = Path.of("/proc/sys/kernel/pty/reserve");

    private final String before;
    private final Thread restoreOnExit;
    private boolean restored;

    private PtyLimit(String before, Thread restoreOnExit) {
        this.before = before;
        this.restoreOnExit = restoreOnExit;
    }

    /**
     * Makes room for {@code ptys} more than are in use now: raises the limit if it must (and says
     * so), or returns a limit that changes nothing.
     */
    static PtyLimit roomFor(int ptys) throws IOException {
        String before = Proc.ptyMax();
        // Read by lines: Files.readString of a /proc/sys file can return only its first byte.
        int reserve = Files.isReadable(RESERVE) ? Integer.parseInt(Files.readAllLines(RESERVE).get(0).trim()) : 0;
        int inUse = Integer.parseInt(Proc.ptysInUse());
        int room = Integer.parseInt(before) - reserve - inUse;
        if (ptys <= room) {
            return new PtyLimit(before, null);
        }
        String raised = Integer.toString(inUse + ptys + reserve + 64);
        if (!Files.isWritable(MAX)) {
            throw new IllegalArgumentException(ptys + " terminals need as many ptys, and only " + room + " of " + before
                    + " are free: run as root (the driver then raises " + MAX + " for the run and restores it) or open fewer");
        }
        Thread hook = Thread.ofPlatform().unstarted(() -> write(before));
        Runtime.getRuntime().addShutdownHook(hook);
        write(raised);
        System.out.println("pty limit raised from " + before + " to " + raised + " for this run (" + MAX + "); restored at its end");
        return new PtyLimit(before, hook);
    }

    /** Puts the limit back as it was, if it was raised. */
    @Override
    public void close() {
        if (restoreOnExit == null || restored) {
            return;
        }
        restored = true;
        write(before);
        try {
            Runtime.getRuntime().removeShutdownHook(restoreOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or has run: it writes the same value
        }
        System.out.println("pty limit restored to " + before);
    }

    boolean raised() {
        return restoreOnExit != null;
    }

    String before() {
        return before;
    }

    private static void write(String value) {
        try {
            Files.writeString(MAX, value + "\n");
        } catch (IOException e) {
            System.out.println("could not set " + MAX + " to " + value + ": " + e.getMessage());
        }
    }
}

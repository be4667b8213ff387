package io.cloudterm.terminal;

/** What a unit test may see of a terminal's inner state, to know where its threads stand instead of waiting. */
final class TerminalProbe {

    private TerminalProbe() {
    }

    /**
     * Whether the terminal's reader has output to read and waits for some client to want it. Only
     * the reader waits on {@code outputWanted}, and while it does nothing is read: the child is held
     * back, blocked on a full pty, until a client wants output again.
     */
    static boolean readerHeldBack(Terminal terminal) {
        terminal.lock.lock();
        try {
            return terminal.lock.hasWaiters(terminal.outputWanted);
        } finally {
            terminal.lock.unlock();
        }
    }
}

package io.cloudterm.pty;

/**
 * How a child ended: either it exited with a code, or a signal killed it.
 *
 * @param code   the exit code (0..255) when {@code signal} is 0
 * @param signal the number of the signal that killed it, or 0
 */
public record ExitStatus(int code, int signal) {

    public static ExitStatus exited(int code) {
        return new ExitStatus(code, 0);
    }

    public static ExitStatus killedBy(int signal) {
        return new ExitStatus(0, signal);
    }

    public boolean bySignal() {
        return signal != 0;
    }

    /** The words the WebSocket close reason carries: {@code exit 0}, {@code signal 9}. */
    @Override
    public String toString() {
        return bySignal() ? "signal " + signal : "exit " + code;
    }
}

package io.cloudterm.protocol;

/**
 * A terminal size in character cells, always within {@link #MIN}..{@link #MAX} on both axes:
 * clients may send anything, the pty gets something sane.
 */
public record TerminalSize(int columns, int rows) {

    public static final int MIN = 1;
    public static final int MAX = 1000;
    public static final TerminalSize DEFAULT = new TerminalSize(80, 24);

    public TerminalSize {
        if (columns < MIN || columns > MAX || rows < MIN || rows > MAX) {
            throw new IllegalArgumentException("terminal size out of range: " + columns + "x" + rows);
        }
    }

    /** The size a client asked for, each axis clamped into range. */
    public static TerminalSize clamped(long columns, long rows) {
        return new TerminalSize(clamp(columns), clamp(rows));
    }

    private static int clamp(long value) {
        return (int) Math.max(MIN, Math.min(MAX, value));
    }
}

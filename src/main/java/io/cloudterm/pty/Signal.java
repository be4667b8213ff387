package io.cloudterm.pty;

import java.util.Locale;

/**
 * The signals CloudTerm sends, with their Linux numbers (checked against the C headers by a test).
 * The same numbers hold on macOS for all of these except USR1/USR2, which the pure-Java mode sends
 * by name.
 */
public enum Signal {
    HUP(1), INT(2), QUIT(3), KILL(9), USR1(10), USR2(12), TERM(15), WINCH(28);

    private final int linuxNumber;

    Signal(int linuxNumber) {
        this.linuxNumber = linuxNumber;
    }

    public int linuxNumber() {
        return linuxNumber;
    }

    /** Parses {@code HUP}, {@code SIGHUP}, {@code hup} or {@code 1}. */
    public static Signal parse(String text) {
        String name = text.trim().toUpperCase(Locale.ROOT);
        if (name.startsWith("SIG")) {
            name = name.substring(3);
        }
        for (Signal s : values()) {
            if (s.name().equals(name) || Integer.toString(s.linuxNumber).equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown signal '" + text + "' (use one of HUP, INT, QUIT, KILL, USR1, USR2, TERM)");
    }
}

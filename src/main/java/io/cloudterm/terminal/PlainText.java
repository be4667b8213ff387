package io.cloudterm.terminal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A terminal's output as the lines a person would read, without its escape sequences: colours,
 * cursor moves, titles and the like are dropped; a carriage return goes back to the line's start
 * (so a progress bar or a redrawn prompt keeps only its last state), backspace steps back,
 * "erase to end of line" erases, "clear screen" forgets the lines before it. It is not a terminal
 * emulator (no cursor rows, no wide characters): it is for glancing at what a program printed last.
 *
 * <p>A state machine over the characters, the states those of ECMA-48's parser cut down to what
 * must be skipped: a sequence's end is all that matters here, never its meaning (but for K and J).
 */
public final class PlainText {

    private enum State { TEXT, ESCAPE, ESCAPE_INTERMEDIATE, CSI, STRING, STRING_ESCAPE }

    private static final char ESC = 0x1b;
    private static final char BEL = 0x07;
    private static final int TAB_WIDTH = 8;

    private final List<String> lines = new ArrayList<>();
    private final StringBuilder line = new StringBuilder();
    private final StringBuilder parameters = new StringBuilder();
    private int column;
    private State state = State.TEXT;

    private PlainText() {
    }

    /**
     * The last {@code count} lines of {@code output} (UTF-8), trailing blank lines left out. When
     * {@code partial}, the bytes were cut from a longer output: everything before the first line
     * feed (maybe half a sequence, or half a character) is dropped.
     */
    public static List<String> lastLines(byte[] output, boolean partial, int count) {
        int from = 0;
        if (partial) {
            while (from < output.length && output[from] != '\n') {
                from++;
            }
            from = Math.min(from + 1, output.length);
        }
        PlainText text = new PlainText();
        String decoded = new String(output, from, output.length - from, StandardCharsets.UTF_8);
        for (int i = 0; i < decoded.length(); i++) {
            text.accept(decoded.charAt(i));
        }
        text.endLine();
        List<String> all = text.lines;
        int end = all.size();
        while (end > 0 && all.get(end - 1).isBlank()) {
            end--;
        }
        return List.copyOf(all.subList(Math.max(0, end - count), end));
    }

    private void accept(char c) {
        switch (state) {
            case TEXT -> text(c);
            case ESCAPE -> escape(c);
            case ESCAPE_INTERMEDIATE -> {
                // ESC ( B and the like: intermediates 0x20-0x2F, then one final character.
                if (c < 0x20 || c > 0x2f) {
                    state = State.TEXT;
                }
            }
            case CSI -> {
                if (c >= 0x40 && c <= 0x7e) {
                    control(c);
                    state = State.TEXT;
                } else if (c == ESC) {
                    state = State.ESCAPE; // a broken sequence: the new one wins, as in xterm
                } else {
                    parameters.append(c);
                }
            }
            // OSC (titles, links), DCS, SOS, PM, APC: their text is never shown; BEL or ST ends them.
            case STRING -> {
                if (c == BEL || c == 0x9c) {
                    state = State.TEXT;
                } else if (c == ESC) {
                    state = State.STRING_ESCAPE;
                }
            }
            case STRING_ESCAPE -> state = c == ESC ? State.STRING_ESCAPE : c == '\\' ? State.TEXT : State.STRING;
        }
    }

    private void text(char c) {
        switch (c) {
            case '\n' -> endLine();
            case '\r' -> column = 0;
            case '\b' -> column = Math.max(0, column - 1);
            case '\t' -> {
                do {
                    put(' ');
                } while (column % TAB_WIDTH != 0);
            }
            case ESC -> state = State.ESCAPE;
            case 0x9b -> startCsi(); // C1 controls, as a UTF-8 terminal may get them
            case 0x9d, 0x90, 0x98, 0x9e, 0x9f -> state = State.STRING;
            default -> {
                if (c >= 0x20 && c != 0x7f && (c < 0x80 || c > 0x9f)) {
                    put(c);
                }
            }
        }
    }

    private void escape(char c) {
        switch (c) {
            case '[' -> startCsi();
            case ']', 'P', 'X', '^', '_' -> state = State.STRING;
            case ESC -> state = State.ESCAPE;
            default -> state = c >= 0x20 && c <= 0x2f ? State.ESCAPE_INTERMEDIATE : State.TEXT;
        }
    }

    private void startCsi() {
        parameters.setLength(0);
        state = State.CSI;
    }

    /** The two CSI sequences that change what is left to read; every other one is skipped. */
    private void control(char finalChar) {
        String p = parameters.toString();
        if (finalChar == 'K' && (p.isEmpty() || p.equals("0"))) {
            line.setLength(Math.min(line.length(), column)); // erase to the end of the line
        } else if (finalChar == 'J' && (p.equals("2") || p.equals("3"))) {
            lines.clear(); // clear the screen: what was on it is gone
            line.setLength(0);
            column = 0;
        }
    }

    private void put(char c) {
        if (column < line.length()) {
            line.setCharAt(column, c);
        } else {
            while (line.length() < column) {
                line.append(' ');
            }
            line.append(c);
        }
        column++;
    }

    private void endLine() {
        lines.add(line.toString().stripTrailing());
        line.setLength(0);
        column = 0;
    }
}

package io.cloudterm.pty;

import java.io.IOException;

/**
 * The pure-Java pty system: each child gets its own pty from script(1), and stty sets its size.
 * Used where the native layer cannot run (macOS, JDK 21, native access denied, {@code --native=off}).
 * Each child costs the server two small platform threads: the JDK's reaper of script(1), and the
 * pump that blocks reading script's stdout (the JDK cannot wait for a pipe without a thread).
 */
final class ScriptPtySystem implements PtySystem {

    private final ScriptTools tools;
    private final String missing;

    ScriptPtySystem() {
        ScriptTools found = null;
        String why = null;
        try {
            found = ScriptTools.find();
        } catch (IllegalStateException e) {
            why = e.getMessage();
        }
        this.tools = found;
        this.missing = why;
    }

    @Override
    public Pty spawn(PtySpec spec) throws IOException {
        if (tools == null) {
            throw new IOException("cannot start '" + spec.command().get(0) + "': " + missing);
        }
        return ScriptPty.start(tools, spec);
    }

    @Override
    public String description() {
        return "pure Java (script(1), stty)";
    }
}

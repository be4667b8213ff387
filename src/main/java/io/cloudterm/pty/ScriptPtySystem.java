package io.cloudterm.pty;

import java.io.IOException;

/** Placeholder until the pure-Java implementation lands. */
final class ScriptPtySystem implements PtySystem {
    @Override
    public Pty spawn(PtySpec spec) throws IOException {
        throw new IOException("pure-Java pty not implemented yet");
    }

    @Override
    public String description() {
        return "pure Java (script(1), stty)";
    }

    @Override
    public void close() {
    }
}

package io.cloudterm.pty;

import java.io.IOException;

/**
 * Starts children on ptys: native (FFM) or pure Java, as {@code io.cloudterm.platform} chose. Its
 * helper threads, if any, belong to the platform that made it, which stops them.
 */
public interface PtySystem {

    /** The pure-Java pty system: script(1) and stty, where the native layer cannot run. */
    static PtySystem pureJava() {
        return new ScriptPtySystem();
    }

    /** Starts {@code spec.command()} on a new pty of the given size. */
    Pty spawn(PtySpec spec) throws IOException;

    /** A short name for logs and the health endpoint, e.g. "native (posix_spawn, epoll)". */
    String description();
}

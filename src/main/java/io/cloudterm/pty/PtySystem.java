package io.cloudterm.pty;

import java.io.IOException;

/** Starts children on ptys. There is one per server: native (FFM) or pure Java. */
public interface PtySystem extends AutoCloseable {

    /** Starts {@code spec.command()} on a new pty of the given size. */
    Pty spawn(PtySpec spec) throws IOException;

    /** A short name for logs and the health endpoint, e.g. "native (epoll, posix_spawn)". */
    String description();

    /** Stops any helper thread the system runs (e.g. the poller). Open ptys must be closed first. */
    @Override
    void close();
}

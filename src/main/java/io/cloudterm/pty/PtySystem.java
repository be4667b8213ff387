package io.cloudterm.pty;

import io.cloudterm.io.NativeHeap;
import io.cloudterm.io.RawSockets;
import java.io.IOException;
import java.util.Optional;

/** Starts children on ptys. There is one per server: native (FFM) or pure Java. */
public interface PtySystem extends AutoCloseable {

    /** Starts {@code spec.command()} on a new pty of the given size. */
    Pty spawn(PtySpec spec) throws IOException;

    /** A short name for logs and the health endpoint, e.g. "native (epoll, posix_spawn)". */
    String description();

    /**
     * Sockets driven on the same poller as the ptys, where this system has one (the native one):
     * the web layer serves terminal WebSockets on them once Helidon has upgraded the connection.
     * Empty in pure-Java mode. Closing this system closes its sockets' poller too.
     */
    default Optional<RawSockets> rawSockets() {
        return Optional.empty();
    }

    /** The C heap under this JVM, to trim: offered by the native layer, empty in pure-Java mode. */
    default Optional<NativeHeap> nativeHeap() {
        return Optional.empty();
    }

    /** Stops any helper thread the system runs (e.g. the poller). Open ptys must be closed first. */
    @Override
    void close();
}

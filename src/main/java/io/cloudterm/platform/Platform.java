package io.cloudterm.platform;

import io.cloudterm.io.FileSending;
import io.cloudterm.io.NativeHeap;
import io.cloudterm.io.RawSockets;
import io.cloudterm.io.Relay;
import io.cloudterm.pty.NativeMode;
import io.cloudterm.pty.PtySystem;
import java.util.Optional;

/**
 * The capabilities of the machine under one server: native (FFM on Linux, JDK 22+) or pure Java.
 * The code above never knows which one it got; it asks for a capability and gets it or an empty
 * {@link Optional}.
 */
public interface Platform extends AutoCloseable {

    /**
     * The platform for {@code mode}, logging once which one runs and why. With {@link NativeMode#ON},
     * a native layer that cannot run is an {@link IllegalStateException} that says why, not a fallback.
     */
    static Platform select(NativeMode mode) {
        return PlatformChoice.select(mode);
    }

    /** Starts children on ptys. */
    PtySystem ptys();

    /**
     * Sockets driven on the same poller as the ptys, where there is one (native): the web layer
     * serves terminal WebSockets on them once Helidon has upgraded the connection.
     */
    Optional<RawSockets> rawSockets();

    /**
     * Zero-copy sending of files and native memory onto a connection's socket, parked on the same
     * poller when the socket is full (native); elsewhere bodies are copied.
     */
    Optional<FileSending> fileSending();

    /**
     * The gateway's relay with {@code splice(2)}: socket to pipe to socket inside the kernel, parked
     * on the same poller (native); elsewhere the gateway copies.
     */
    Optional<Relay> splicing();

    /** The C heap under this JVM, to trim: offered by the native layer only. */
    Optional<NativeHeap> nativeHeap();

    /** A short name for logs and the health endpoint, e.g. "native (posix_spawn, epoll)". */
    String description();

    /**
     * Stops the platform's helper threads (the native poller). Open ptys must be closed first: a
     * child still running is no longer watched and stays a zombie after it exits. Adopted sockets
     * still open can be read and written, but nothing waits for them any more.
     */
    @Override
    void close();
}

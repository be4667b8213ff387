package io.cloudterm.nativeio;

import io.cloudterm.io.NativeHeap;
import io.cloudterm.io.RawSockets;
import io.cloudterm.pty.Pty;
import io.cloudterm.pty.PtySpec;
import io.cloudterm.pty.PtySystem;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The native pty system: children spawned with posix_spawn on ptys from posix_openpt, and one
 * {@link Poller} thread for all of their fds and pidfds, and for the sockets it adopts.
 */
public final class NativePtySystem implements PtySystem {

    private final Poller poller;
    private final NativeRawSockets sockets;
    /** Children not reaped yet, so that close() can let go of their pidfds. */
    private final Set<NativePty> unreaped = ConcurrentHashMap.newKeySet();

    private NativePtySystem(Poller poller) {
        this.poller = poller;
        this.sockets = new NativeRawSockets(poller);
    }

    /** Starts the poller thread. */
    public static NativePtySystem start() throws IOException {
        return new NativePtySystem(Poller.start("cloudterm-pty-poller"));
    }

    @Override
    public Pty spawn(PtySpec spec) throws IOException {
        if (poller.stopped()) {
            throw new IOException("the pty system is closed");
        }
        NativePty pty = NativePty.start(poller, spec, unreaped::remove);
        unreaped.add(pty);
        if (pty.exitStatus().isPresent()) {
            unreaped.remove(pty); // reaped before it was added
        }
        return pty;
    }

    /** Sockets on the ptys' poller: one thread waits for every terminal's pty and WebSocket. */
    @Override
    public Optional<RawSockets> rawSockets() {
        return Optional.of(sockets);
    }

    /** glibc's malloc, trimmed with {@code malloc_trim}. */
    @Override
    public Optional<NativeHeap> nativeHeap() {
        return Optional.of(() -> Libc.malloc_trim(0) == 1);
    }

    @Override
    public String description() {
        return "native (posix_spawn, epoll)";
    }

    /**
     * Stops the poller. Open ptys must be closed first; a child still running then is no longer
     * watched and stays a zombie after it exits, until this JVM exits. Adopted sockets still open
     * can still be read and written, but nothing waits for them any more: their waits fail and
     * their read actions run at once.
     */
    @Override
    public void close() {
        poller.close();
        for (NativePty pty : unreaped) {
            pty.abandon();
        }
        unreaped.clear();
    }
}

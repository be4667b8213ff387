package io.cloudterm.nativeio;

import io.cloudterm.pty.Pty;
import io.cloudterm.pty.PtySpec;
import io.cloudterm.pty.PtySystem;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The native pty system: children spawned with posix_spawn on ptys from posix_openpt, their fds
 * and pidfds waited for on the platform's {@link Poller}.
 */
final class NativePtySystem implements PtySystem {

    private final Poller poller;
    /** Children not reaped yet, so that the platform's close can let go of their pidfds. */
    private final Set<NativePty> unreaped = ConcurrentHashMap.newKeySet();

    NativePtySystem(Poller poller) {
        this.poller = poller;
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

    @Override
    public String description() {
        return "native (posix_spawn, epoll)";
    }

    /** After the poller stopped: children still running are no longer watched, their pidfds closed. */
    void abandonChildren() {
        for (NativePty pty : unreaped) {
            pty.abandon();
        }
        unreaped.clear();
    }
}

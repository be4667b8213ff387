package io.cloudterm.nativeio;

import static io.cloudterm.nativeio.LibcHeaders.F_DUPFD_CLOEXEC;
import static io.cloudterm.nativeio.LibcHeaders.F_GETFL;
import static io.cloudterm.nativeio.LibcHeaders.F_SETFL;
import static io.cloudterm.nativeio.LibcHeaders.O_NONBLOCK;

import io.cloudterm.io.RawSocket;
import io.cloudterm.io.RawSockets;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** Takes over sockets Helidon accepted, driving them on the platform's {@link Poller}, the ptys' one. */
final class NativeRawSockets implements RawSockets {

    private final Poller poller;

    NativeRawSockets(Poller poller) {
        this.poller = poller;
    }

    /**
     * Duplicates {@code fd} and sets {@code SO_LINGER {1, 0}} on the socket. The owner then closes
     * its fd through the JDK's {@code NioSocketImpl.close()}, which shuts the output down first
     * unless the linger time is 0 — that would end our connection too. With linger 0 it does not,
     * and its close() cannot reset the connection either: only the last close of a socket resets,
     * and our duplicate keeps it open. {@link NativeRawSocket#close} turns lingering off again.
     */
    @Override
    public RawSocket adopt(int fd) throws IOException {
        if (poller.stopped()) {
            throw new IOException("the native platform is closed: it adopts no more sockets");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment callState = Libc.allocateCallState(arena);
            int own = Libc.fcntl(callState, fd, F_DUPFD_CLOEXEC, 0);
            if (own < 0) {
                throw Errno.failed("fcntl(" + fd + ", F_DUPFD_CLOEXEC)", Libc.errno(callState));
            }
            Poller.Registration registration = null;
            try {
                // The JDK sets it already; we depend on it, so make sure. (It is shared with the owner's fd.)
                int flags = Libc.fcntl(callState, own, F_GETFL, 0);
                if (flags < 0 || (flags & O_NONBLOCK) == 0 && Libc.fcntl(callState, own, F_SETFL, flags | O_NONBLOCK) < 0) {
                    throw Errno.failed("fcntl(F_SETFL, O_NONBLOCK) of the adopted socket", Libc.errno(callState));
                }
                registration = poller.register(own);
                // Last, so that a failure before leaves the owner's close as it was.
                int errno = NativeRawSocket.setLinger(arena, own, 1);
                if (errno != 0) {
                    throw Errno.failed("setsockopt(SO_LINGER) of the adopted socket", errno);
                }
                return new NativeRawSocket(own, registration);
            } catch (IOException | RuntimeException e) {
                if (registration != null) {
                    registration.cancel();
                }
                Libc.close(callState, own);
                throw e;
            }
        }
    }
}

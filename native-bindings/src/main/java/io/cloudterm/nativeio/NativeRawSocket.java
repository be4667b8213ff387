package io.cloudterm.nativeio;

import static io.cloudterm.nativeio.LibcHeaders.EAGAIN;
import static io.cloudterm.nativeio.LibcHeaders.EINTR;
import static io.cloudterm.nativeio.LibcHeaders.ENOTCONN;
import static io.cloudterm.nativeio.LibcHeaders.IOV_MAX;
import static io.cloudterm.nativeio.LibcHeaders.SHUT_WR;
import static io.cloudterm.nativeio.LibcHeaders.SOL_SOCKET;
import static io.cloudterm.nativeio.LibcHeaders.SO_LINGER;

import io.cloudterm.io.RawSocket;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A connected, non-blocking TCP socket fd of our own (see {@link NativeRawSockets#adopt}), read
 * and written with plain system calls and waited for on the {@link Poller}.
 *
 * <p>The fd is closed by whoever leaves it last: {@link #uses} counts the calls in progress on it
 * and carries a CLOSED bit, as the JDK's {@code fdUseCount} does, because the kernel hands the
 * number to the next accepted connection at once, and a read that started before close() must
 * not land on that one.
 */
final class NativeRawSocket implements RawSocket {

    private static final Logger LOG = Logger.getLogger(NativeRawSocket.class.getName());
    /** In {@link #uses}: close() has begun; the bits below count calls in progress on the fd. */
    private static final int CLOSED = 1 << 30;
    /** Native memory a heap buffer is read through, at most, per call. */
    private static final int MAX_READ_COPY = 64 * 1024;
    /** Bytes of heap buffers copied, at most, per write: the socket takes no more than its buffer anyway. */
    private static final long MAX_WRITE_COPY = 256 * 1024;

    private final int fd;
    private final Poller.Registration registration;
    private final AtomicInteger uses = new AtomicInteger();

    NativeRawSocket(int fd, Poller.Registration registration) {
        this.fd = fd;
        this.registration = registration;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("cannot read into a read-only buffer");
        }
        acquire();
        try (Arena arena = Arena.ofConfined()) {
            if (!dst.hasRemaining()) {
                return 0;
            }
            MemorySegment callState = Libc.allocateCallState(arena);
            MemorySegment target = ReadTarget.of(dst, arena, MAX_READ_COPY);
            long n;
            do {
                n = Libc.read(callState, fd, target, target.byteSize());
            } while (n < 0 && Libc.errno(callState) == EINTR);
            if (n > 0) {
                return ReadTarget.landed(dst, target, n);
            }
            if (n == 0) {
                return -1;
            }
            int errno = Libc.errno(callState);
            if (errno == EAGAIN) {
                return 0;
            }
            throw Errno.failed("read from the socket", errno);
        } finally {
            release();
        }
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, srcs.length);
        acquire();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment iov = iovec.allocateArray(arena, Math.max(1, Math.min(length, IOV_MAX)));
            int count = 0;
            long copied = 0;
            for (int i = offset; i < offset + length && count < IOV_MAX; i++) {
                ByteBuffer src = srcs[i];
                int remaining = src.remaining();
                if (remaining == 0) {
                    continue;
                }
                MemorySegment bytes;
                if (src.isDirect()) {
                    bytes = MemorySegment.ofBuffer(src); // zero copy: the kernel reads the buffer itself
                } else {
                    long take = Math.min(remaining, MAX_WRITE_COPY - copied);
                    if (take == 0) {
                        break;
                    }
                    bytes = arena.allocate(take);
                    MemorySegment.copy(MemorySegment.ofBuffer(src), 0, bytes, 0, take);
                    copied += take;
                }
                MemorySegment element = iovec.element(iov, count++);
                iovec.iov_base(element, bytes);
                iovec.iov_len(element, bytes.byteSize());
                if (bytes.byteSize() < remaining) {
                    break; // what follows must not go out before the rest of this buffer
                }
            }
            if (count == 0) {
                return 0;
            }
            MemorySegment callState = Libc.allocateCallState(arena);
            long n;
            do {
                n = Libc.writev(callState, fd, iov, count);
            } while (n < 0 && Libc.errno(callState) == EINTR);
            if (n < 0) {
                int errno = Libc.errno(callState);
                if (errno == EAGAIN) {
                    return 0;
                }
                // EPIPE too: HotSpot ignores SIGPIPE, so a write to a closed connection just fails.
                throw Errno.failed("write to the socket", errno);
            }
            advance(srcs, offset, length, n);
            return n;
        } finally {
            release();
        }
    }

    private static void advance(ByteBuffer[] srcs, int offset, int length, long written) {
        for (int i = offset; i < offset + length && written > 0; i++) {
            int step = (int) Math.min(srcs[i].remaining(), written);
            srcs[i].position(srcs[i].position() + step);
            written -= step;
        }
    }

    @Override
    public void awaitWritable() throws IOException {
        if (closed()) {
            throw closedException();
        }
        registration.awaitWritable(); // close() cancels the registration, which wakes us
        if (closed()) {
            throw closedException();
        }
    }

    @Override
    public void onReadable(Runnable action) {
        try {
            registration.onReadableOrGone(action); // runs it at once if close() cancelled it already
        } catch (IOException e) {
            // The poller stopped: nothing will wake the action, so it runs now and its read finds out.
            try {
                action.run();
            } catch (RuntimeException failure) {
                LOG.log(Level.SEVERE, "a socket's read action failed", failure);
            }
        }
    }

    @Override
    public void shutdownOutput() {
        if (!tryAcquire()) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment callState = Libc.allocateCallState(arena);
            if (Libc.shutdown(callState, fd, SHUT_WR) < 0) {
                int errno = Libc.errno(callState);
                if (errno != ENOTCONN) { // ENOTCONN: the connection is gone already, nothing to shut
                    LOG.log(Level.FINE, () -> "shutdown(SHUT_WR) of a socket: " + Libc.strerror(errno));
                }
            }
        } finally {
            release();
        }
    }

    @Override
    public void close() {
        if (!tryAcquire()) {
            return; // closed already
        }
        try {
            if (!markClosed()) {
                return;
            }
            // adopt() made the owner's close abortive-but-harmless (linger 0); ours must be orderly,
            // so that bytes still in the send buffer are delivered and end with a FIN, not an RST.
            try (Arena arena = Arena.ofConfined()) {
                int errno = setLinger(arena, fd, 0);
                if (errno != 0) {
                    LOG.log(Level.FINE, () -> "restoring SO_LINGER of a socket: " + Libc.strerror(errno));
                }
            }
            registration.cancel(); // wakes a thread in awaitWritable and runs a waiting read action
        } finally {
            release(); // the last call out, perhaps this one, closes the fd
        }
    }

    /** One system call on the socket's fd that {@link #read} and {@link #write} do not make (a splice, a peek). */
    @FunctionalInterface
    interface FdCall {
        long on(int fd) throws IOException;
    }

    /**
     * Runs {@code call} with the fd, which stays open until it returns (see {@link #uses}); throws
     * if the socket is closed. The call counts as a read or a write for the threading rule of
     * {@link RawSocket}: the caller serializes it with the others of its side.
     */
    long onFd(FdCall call) throws IOException {
        acquire();
        try {
            return call.on(fd);
        } finally {
            release();
        }
    }

    @Override
    public boolean closed() {
        return (uses.get() & CLOSED) != 0;
    }

    /**
     * Sets {@code SO_LINGER} of {@code fd} to {@code {l_onoff, 0}}: on with no time means the last
     * close resets the connection; off means an orderly close. Returns 0 or the error number.
     */
    static int setLinger(Arena arena, int fd, int onoff) {
        MemorySegment callState = Libc.allocateCallState(arena);
        MemorySegment value = linger.allocate(arena);
        linger.l_onoff(value, onoff);
        linger.l_linger(value, 0);
        if (Libc.setsockopt(callState, fd, SOL_SOCKET, SO_LINGER, value, (int) linger.sizeof()) < 0) {
            return Libc.errno(callState);
        }
        return 0;
    }

    // ---- the use count ----

    private void acquire() throws IOException {
        if (!tryAcquire()) {
            throw closedException();
        }
    }

    private boolean tryAcquire() {
        while (true) {
            int current = uses.get();
            if ((current & CLOSED) != 0) {
                return false;
            }
            if (uses.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    private void release() {
        if (uses.decrementAndGet() == CLOSED) {
            try (Arena arena = Arena.ofConfined()) {
                // Linux frees the fd even when close() fails (EINTR included): never retry it.
                Libc.close(Libc.allocateCallState(arena), fd);
            }
        }
    }

    /** Sets CLOSED; false if another close() did. */
    private boolean markClosed() {
        while (true) {
            int current = uses.get();
            if ((current & CLOSED) != 0) {
                return false;
            }
            if (uses.compareAndSet(current, current | CLOSED)) {
                return true;
            }
        }
    }

    private static IOException closedException() {
        return new IOException("socket closed");
    }
}

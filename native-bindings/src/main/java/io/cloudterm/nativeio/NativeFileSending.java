package io.cloudterm.nativeio;

import static io.cloudterm.nativeio.LibcHeaders.EAGAIN;
import static io.cloudterm.nativeio.LibcHeaders.EINTR;
import static io.cloudterm.nativeio.LibcHeaders.F_GETFL;
import static io.cloudterm.nativeio.LibcHeaders.F_SETFL;
import static io.cloudterm.nativeio.LibcHeaders.O_CLOEXEC;
import static io.cloudterm.nativeio.LibcHeaders.O_NONBLOCK;
import static io.cloudterm.nativeio.LibcHeaders.O_RDONLY;

import io.cloudterm.io.FileSending;
import io.cloudterm.io.FileSendingCounts;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.file.Path;

/**
 * {@code sendfile(2)} and {@code write(2)} onto a socket Helidon owns, parking on the
 * {@link Poller} when the socket is full. The socket is only borrowed for the call: it is
 * registered with the poller the first time it is full, and leaves it before the call returns.
 */
final class NativeFileSending implements FileSending {

    /** Native memory a heap buffer is copied through, per write: about what a socket buffer takes. */
    private static final int HEAP_COPY = 256 * 1024;
    /**
     * How file names become C strings: as the JDK itself encodes them (sun.jnu.encoding), so
     * that a name the JDK found in a directory opens here too.
     */
    private static final Charset FILE_NAMES = Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));

    private final Poller poller;

    NativeFileSending(Poller poller) {
        this.poller = poller;
    }

    @Override
    public OpenFile open(Path file) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment callState = Libc.allocateCallState(arena);
            int fd = Libc.open(callState, arena.allocateFrom(file.toString(), FILE_NAMES), O_RDONLY | O_CLOEXEC, 0);
            if (fd < 0) {
                throw Errno.failed("open(" + file + ")", Libc.errno(callState));
            }
            return new NativeOpenFile(file, fd);
        }
    }

    /** One open file; used by the one thread that sends a response, closed once. */
    private final class NativeOpenFile implements OpenFile {
        private final Path file;
        private final int fd;
        private boolean closed;

        NativeOpenFile(Path file, int fd) {
            this.file = file;
            this.fd = fd;
        }

        @Override
        public void sendTo(int socketFd, long offset, long length) throws IOException {
            if (offset < 0 || length < 0) {
                throw new IllegalArgumentException("offset " + offset + " and length " + length + " must not be negative");
            }
            if (closed) {
                throw new IOException(file + " is closed");
            }
            try (Arena arena = Arena.ofConfined(); BorrowedSocket socket = new BorrowedSocket(socketFd, arena)) {
                MemorySegment callState = Libc.allocateCallState(arena);
                MemorySegment position = arena.allocateFrom(Libc.off_t, offset);
                long left = length;
                while (left > 0) {
                    FileSendingCounts.called();
                    long n = Libc.sendfile(callState, socketFd, fd, position, left);
                    if (n > 0) {
                        left -= n; // a short count: the socket took what fit, or a signal came
                    } else if (n == 0) {
                        throw new IOException(file + " ended " + left + " bytes early: it was truncated while it was sent");
                    } else {
                        socket.failedOrWait("sendfile to the socket", Libc.errno(callState));
                    }
                }
            }
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                try (Arena arena = Arena.ofConfined()) {
                    Libc.close(Libc.allocateCallState(arena), fd); // read-only: close cannot lose data
                }
            }
        }
    }

    @Override
    public void sendMemory(int socketFd, ByteBuffer bytes) throws IOException {
        try (Arena arena = Arena.ofConfined(); BorrowedSocket socket = new BorrowedSocket(socketFd, arena)) {
            MemorySegment callState = Libc.allocateCallState(arena);
            MemorySegment source = MemorySegment.ofBuffer(bytes);
            // A downcall takes native memory only; heap bytes go through one small native copy at a time.
            MemorySegment copy = source.isNative() ? null : arena.allocate(Math.min(HEAP_COPY, Math.max(1, source.byteSize())));
            long sent = 0;
            long total = source.byteSize();
            while (sent < total) {
                MemorySegment chunk;
                if (copy == null) {
                    chunk = source.asSlice(sent);
                } else {
                    long take = Math.min(copy.byteSize(), total - sent);
                    MemorySegment.copy(source, sent, copy, 0, take);
                    chunk = copy.asSlice(0, take);
                }
                FileSendingCounts.called();
                long n = Libc.write(callState, socketFd, chunk, chunk.byteSize());
                if (n >= 0) {
                    sent += n;
                } else {
                    socket.failedOrWait("write to the socket", Libc.errno(callState));
                }
            }
            bytes.position(bytes.limit());
        }
    }

    /**
     * The socket for the length of one send: made non-blocking if it is not already (a blocking
     * call would pin the virtual thread's carrier), and registered with the poller only once it
     * has been full.
     */
    private final class BorrowedSocket implements AutoCloseable {
        private final int fd;
        private final MemorySegment callState;
        private Poller.Registration registration;

        BorrowedSocket(int fd, Arena arena) throws IOException {
            this.fd = fd;
            this.callState = Libc.allocateCallState(arena);
            // The JDK sets O_NONBLOCK as soon as a virtual thread reads the socket, as Helidon's has;
            // where it has not, setting it is harmless to the JDK, whose socket retries EAGAIN itself.
            int flags = Libc.fcntl(callState, fd, F_GETFL, 0);
            if (flags < 0 || (flags & O_NONBLOCK) == 0 && Libc.fcntl(callState, fd, F_SETFL, flags | O_NONBLOCK) < 0) {
                throw Errno.failed("fcntl(F_SETFL, O_NONBLOCK) of the socket", Libc.errno(callState));
            }
        }

        /** After a failed call: EINTR retries, EAGAIN parks until writable, anything else fails. */
        void failedOrWait(String call, int errno) throws IOException {
            if (errno == EINTR) {
                return;
            }
            if (errno != EAGAIN) {
                // EPIPE, ECONNRESET: the client left. HotSpot ignores SIGPIPE, so this is all that happens.
                throw Errno.failed(call, errno);
            }
            if (registration == null) {
                registration = poller.register(fd);
            }
            FileSendingCounts.foundFull();
            registration.awaitWritable(); // a wake-up is a hint: the caller's next call finds out
        }

        @Override
        public void close() {
            if (registration != null) {
                registration.cancel(); // before Helidon may close the fd: the poller never watches a closed fd
            }
        }
    }
}

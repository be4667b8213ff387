package io.cloudterm.nativeio;

import static io.cloudterm.nativeio.LibcHeaders.O_CLOEXEC;
import static io.cloudterm.nativeio.LibcHeaders.O_NONBLOCK;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Empty pipes for splicing, kept between bursts: a relay direction takes one for a burst and gives
 * it back, so a busy gateway makes a pipe (two fds, one system call, and the kernel's pipe
 * buffers) once per concurrent burst, not once per burst. At most {@code maxIdle} wait here; the
 * rest are closed. A pipe given back with bytes still in it is closed, never pooled: its bytes
 * would reach the next connection.
 */
final class PipePool implements AutoCloseable {

    /** The two ends of one pipe, both non-blocking. */
    record Pipe(int readEnd, int writeEnd) {
    }

    private final int maxIdle;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Pipe> idle = new ArrayDeque<>();
    private int made;
    private boolean closed;

    PipePool(int maxIdle) {
        this.maxIdle = maxIdle;
    }

    /** An empty pipe: an idle one, or a new one. */
    Pipe take() throws IOException {
        lock.lock();
        try {
            Pipe pipe = idle.pollFirst();
            if (pipe != null) {
                return pipe;
            }
            made++;
        } finally {
            lock.unlock();
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment callState = Libc.allocateCallState(arena);
            MemorySegment ends = arena.allocate(ValueLayout.JAVA_INT, 2);
            // Non-blocking both ways: a full or empty pipe must never park a carrier in the kernel.
            if (Libc.pipe2(callState, ends, O_NONBLOCK | O_CLOEXEC) < 0) {
                throw Errno.failed("pipe2", Libc.errno(callState));
            }
            return new Pipe(ends.getAtIndex(ValueLayout.JAVA_INT, 0), ends.getAtIndex(ValueLayout.JAVA_INT, 1));
        }
    }

    /** Returns {@code pipe}; {@code empty} says whether everything put in was taken out. */
    void giveBack(Pipe pipe, boolean empty) {
        lock.lock();
        try {
            if (empty && !closed && idle.size() < maxIdle) {
                idle.addFirst(pipe); // the most recently used first: its pages are likely still warm
                return;
            }
        } finally {
            lock.unlock();
        }
        close(pipe);
    }

    /** Pipes made so far (for tests: reuse shows as few made for many bursts). */
    int made() {
        lock.lock();
        try {
            return made;
        } finally {
            lock.unlock();
        }
    }

    /** Closes the idle pipes; pipes given back later are closed then. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            for (Pipe pipe; (pipe = idle.pollFirst()) != null; ) {
                close(pipe);
            }
        } finally {
            lock.unlock();
        }
    }

    private static void close(Pipe pipe) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment callState = Libc.allocateCallState(arena);
            Libc.close(callState, pipe.readEnd());
            Libc.close(callState, pipe.writeEnd());
        }
    }
}

package io.cloudterm.terminal;

import io.cloudterm.pty.Pty;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Feeds input to the child. A blocking write from the connection's thread would let a child that
 * stops reading input block that thread, and with it the client's RESUME: a deadlock between a
 * paused client and a child blocked on output. So input goes straight in only when the pty takes
 * it at once (a keystroke, the usual case: no hand-off to another thread, which cost a tenth of a
 * keystroke's round trip); the rest waits here, bounded in bytes, for a writer thread that may
 * block. That thread exists only while input waits, so an idle terminal has none.
 */
final class InputWriter {

    private final Pty pty;
    private final int maxPending;
    /** Starts the writer thread (a new virtual one each time; a test's, to know when it has ended). */
    private final Executor writers;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
    private long pendingBytes;
    /** A writer thread runs: it owns the order of writes until {@code pending} is empty. */
    private boolean writerRunning;
    private boolean stopped;

    InputWriter(Pty pty, int maxPending, Executor writers) {
        this.pty = pty;
        this.maxPending = maxPending;
        this.writers = writers;
    }

    /** Writes or queues bytes for the child; false if too much is already waiting. */
    boolean offer(byte[] bytes) {
        lock.lock();
        try {
            if (stopped) {
                return true; // the child is gone: input after exit is ignored, not an error
            }
            if (!writerRunning) {
                // Nothing queued or in flight, so writing now keeps the order.
                ByteBuffer now = ByteBuffer.wrap(bytes);
                try {
                    if (pty.writeNow(now) >= 0 && !now.hasRemaining()) {
                        return true;
                    }
                } catch (IOException e) {
                    stopLocked();
                    return true; // the child's terminal is gone; its exit tells the client
                }
                if (now.position() > 0) {
                    bytes = Arrays.copyOfRange(bytes, now.position(), bytes.length);
                }
            }
            if (pendingBytes + bytes.length > maxPending) {
                return false;
            }
            pending.addLast(bytes);
            pendingBytes += bytes.length;
            if (!writerRunning) {
                writerRunning = true;
                writers.execute(this::writePending);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Drops what waits; a write in progress ends when the pty closes. */
    void stop() {
        lock.lock();
        try {
            stopLocked();
        } finally {
            lock.unlock();
        }
    }

    private void stopLocked() {
        stopped = true;
        pending.clear();
        pendingBytes = 0;
    }

    /** The writer thread: writes, waiting for the child as long as it must, until nothing is left. */
    private void writePending() {
        while (true) {
            byte[] next;
            lock.lock();
            try {
                next = stopped ? null : pending.peekFirst();
                if (next == null) {
                    writerRunning = false;
                    return;
                }
            } finally {
                lock.unlock();
            }
            boolean failed = false;
            try {
                pty.write(ByteBuffer.wrap(next));
            } catch (IOException e) {
                failed = true;
            }
            lock.lock();
            try {
                if (failed) {
                    stopLocked();
                } else if (!stopped) {
                    pending.pollFirst(); // taken off only now: offer() sees it waiting until written
                    pendingBytes -= next.length;
                }
            } finally {
                lock.unlock();
            }
        }
    }
}

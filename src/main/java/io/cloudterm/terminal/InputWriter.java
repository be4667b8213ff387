package io.cloudterm.terminal;

import io.cloudterm.pty.Pty;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Feeds input to the child on its own thread. Writing straight from the connection's thread would
 * let a child that stops reading input block that thread, and with it the client's RESUME: a
 * deadlock between a paused client and a child blocked on output. Bounded in bytes.
 */
final class InputWriter {

    private final Pty pty;
    private final int maxPending;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition available = lock.newCondition();
    private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
    private long pendingBytes;
    private boolean stopped;

    InputWriter(Pty pty, int maxPending) {
        this.pty = pty;
        this.maxPending = maxPending;
    }

    /** Queues bytes for the child; false if too much is already waiting. */
    boolean offer(byte[] bytes) {
        lock.lock();
        try {
            if (stopped) {
                return true; // the child is gone: input after exit is ignored, not an error
            }
            if (pendingBytes + bytes.length > maxPending) {
                return false;
            }
            pending.addLast(bytes);
            pendingBytes += bytes.length;
            available.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    void stop() {
        lock.lock();
        try {
            stopped = true;
            pending.clear();
            pendingBytes = 0;
            available.signal();
        } finally {
            lock.unlock();
        }
    }

    void run() {
        while (true) {
            byte[] next;
            lock.lock();
            try {
                while (!stopped && pending.isEmpty()) {
                    available.awaitUninterruptibly();
                }
                if (stopped) {
                    return;
                }
                next = pending.pollFirst();
            } finally {
                lock.unlock();
            }
            try {
                pty.write(ByteBuffer.wrap(next));
            } catch (IOException e) {
                stop();
                return;
            } finally {
                lock.lock();
                try {
                    pendingBytes = Math.max(0, pendingBytes - next.length);
                } finally {
                    lock.unlock();
                }
            }
        }
    }
}

package io.cloudterm.terminal;

import io.cloudterm.io.ReadBuffers;
import io.cloudterm.pty.ExitStatus;
import io.cloudterm.pty.Pty;
import io.cloudterm.pty.PtySpec;
import io.cloudterm.pty.PtySystem;
import io.cloudterm.pty.Signal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A pty without a process, for the terminal's state machines: the test plays the child and
 * {@link #print}s output, which stays in the pty (as in a real one's buffer) until the terminal
 * reads it, so {@link #unread()} shows whether the terminal is reading or holding the child back.
 * The first signal "kills" the child.
 */
final class FakePty implements Pty {

    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<ByteBuffer> output = new ArrayDeque<>();
    private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
    private long unread;
    private Runnable waiting;
    private boolean closed;

    /** A system that hands out one given pty. */
    static PtySystem systemOf(FakePty pty) {
        return new PtySystem() {
            @Override
            public Pty spawn(PtySpec spec) {
                return pty;
            }

            @Override
            public String description() {
                return "fake (no process; for unit tests)";
            }
        };
    }
    /** Starts a terminal on this pty (80x24, command "fake"), with the given buffers, settings and scrollback. */
    Terminal startTerminal(ReadBuffers buffers, TerminalSettings settings, Scrollback scrollback) {
        try {
            return Terminal.start(systemOf(this), new PtySpec(List.of("fake"), Path.of("/"), Map.of(), 80, 24),
                    "test", buffers, settings, scrollback, null);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** The child prints {@code all} as a pty hands it over: in pieces of at most 4 KiB. */
    void printInPieces(byte[] all) {
        for (int at = 0; at < all.length; at += 4096) {
            print(Arrays.copyOfRange(all, at, Math.min(all.length, at + 4096)));
        }
    }


    /** The child writes {@code bytes} to its terminal. */
    void print(byte[] bytes) {
        Runnable wake;
        lock.lock();
        try {
            output.addLast(ByteBuffer.wrap(bytes));
            unread += bytes.length;
            wake = waiting;
            waiting = null;
        } finally {
            lock.unlock();
        }
        if (wake != null) {
            wake.run();
        }
    }

    /** Bytes printed that the terminal has not read yet. */
    long unread() {
        lock.lock();
        try {
            return unread;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether the terminal has read all there was and asked to be told of more ({@link #onOutput}):
     * its reader has ended, and none runs until the child prints again.
     */
    boolean awaitsOutput() {
        lock.lock();
        try {
            return waiting != null;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int readNow(ByteBuffer dst) {
        lock.lock();
        try {
            if (output.isEmpty()) {
                return closed || exit.isDone() ? -1 : 0;
            }
            ByteBuffer head = output.peekFirst();
            int n = Math.min(head.remaining(), dst.remaining());
            dst.put(dst.position(), head, head.position(), n);
            dst.position(dst.position() + n);
            head.position(head.position() + n);
            if (!head.hasRemaining()) {
                output.pollFirst();
            }
            unread -= n;
            return n;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onOutput(Runnable action) {
        lock.lock();
        try {
            if (output.isEmpty() && !closed && !exit.isDone()) {
                waiting = action;
                return;
            }
        } finally {
            lock.unlock();
        }
        action.run();
    }

    @Override
    public int read(ByteBuffer dst) {
        throw new UnsupportedOperationException("the terminal reads with readNow");
    }

    @Override
    public long pid() {
        return -1;
    }

    @Override
    public void write(ByteBuffer src) {
        src.position(src.limit());
    }

    @Override
    public void resize(int columns, int rows) {
    }

    @Override
    public void signalGroup(Signal signal) {
        exitNow(ExitStatus.killedBy(signal.linuxNumber()));
    }

    /** The child exits: what it printed can still be read, then the pty ends. */
    void exitNow(ExitStatus status) {
        Runnable wake;
        lock.lock();
        try {
            wake = waiting;
            waiting = null;
        } finally {
            lock.unlock();
        }
        exit.complete(status);
        if (wake != null) {
            wake.run();
        }
    }

    @Override
    public Optional<ExitStatus> exitStatus() {
        return Optional.ofNullable(exit.getNow(null));
    }

    @Override
    public ExitStatus waitFor() {
        return exit.join();
    }

    @Override
    public CompletionStage<ExitStatus> onExit() {
        return exit.copy();
    }

    @Override
    public void close() {
        Runnable wake;
        lock.lock();
        try {
            closed = true;
            output.clear();
            unread = 0;
            wake = waiting;
            waiting = null;
        } finally {
            lock.unlock();
        }
        if (wake != null) {
            wake.run();
        }
    }
}

package io.cloudterm.client;

import io.cloudterm.protocol.ServerMessages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * What a {@link TtyClient} has received, and how fast it may receive more: the data messages the
 * reader hands in (kept whole, or OUTPUT given to a sink), TERMINAL_INFO, the end, and the
 * demand that paces the reader. The reader thread writes; any thread reads and waits.
 */
final class Inbox {

    private final TtyClient.Output sink;
    /** What the sink is given: a view of the read buffer, moved to each piece. */
    private final ByteBuffer view;
    private final CompletableFuture<TtyClient.Close> closed = new CompletableFuture<>();
    private final CompletableFuture<String> terminalInfo = new CompletableFuture<>();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Guarded by lock: every message (all but OUTPUT when there is a sink), and the OUTPUT kept. */
    private final List<byte[]> messages = new ArrayList<>();
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private int keepOutputBytes = Integer.MAX_VALUE;
    /** Messages the reader may still handle (pings and closes count); {@link Long#MAX_VALUE}: no limit. */
    private volatile long demand;
    private volatile boolean shut;

    // Written by the reader thread only.
    private volatile long outputBytesSeen;
    private volatile long outputMessages;
    /** The data message being received when it is kept: its command byte first. */
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private int command = -1;

    /** OUTPUT to {@code sink} (null: kept), read through {@code buffer}; reading at once, or only on request. */
    Inbox(TtyClient.Output sink, ByteBuffer buffer, boolean onRequest) {
        this.sink = sink;
        this.view = buffer.duplicate();
        this.demand = onRequest ? 0 : Long.MAX_VALUE;
    }

    CompletableFuture<TtyClient.Close> closed() {
        return closed;
    }

    CompletableFuture<String> terminalInfo() {
        return terminalInfo;
    }

    // The reader's side.

    /** Bytes {@code [from, to)} of {@code buffer}: the next piece of a data message; {@code last} ends it. */
    void data(ByteBuffer buffer, int from, int to, boolean last) {
        if (command < 0 && from < to) {
            command = buffer.get(from);
            if (sink != null && command == ServerMessages.OUTPUT) {
                from++;
            }
        }
        if (sink != null && command == ServerMessages.OUTPUT) {
            outputBytesSeen += to - from; // one writer: this thread
            view.clear().position(from).limit(to);
            sink.output(view, last);
            if (last) {
                outputMessages++;
            }
        } else {
            byte[] piece = new byte[to - from];
            buffer.get(from, piece);
            partial.writeBytes(piece);
            if (last) {
                received(partial.toByteArray());
                partial.reset();
            }
        }
        if (last) {
            command = -1;
            consumeDemand();
        }
    }

    /** A whole message that is kept (the command byte first). */
    private void received(byte[] message) {
        lock.lock();
        try {
            boolean isOutput = message.length > 0 && message[0] == ServerMessages.OUTPUT;
            messages.add(message);
            if (isOutput) {
                output.write(message, 1, message.length - 1);
                outputBytesSeen += message.length - 1;
                outputMessages++;
                if (output.size() > 2L * keepOutputBytes) {
                    byte[] all = output.toByteArray();
                    output.reset();
                    output.write(all, all.length - keepOutputBytes, keepOutputBytes);
                }
                if (keepOutputBytes != Integer.MAX_VALUE) {
                    messages.clear(); // a client that keeps only recent output keeps no message list either
                }
            } else if (message.length > 0 && message[0] == ServerMessages.TERMINAL_INFO) {
                terminalInfo.complete(new String(message, 1, message.length - 1, StandardCharsets.UTF_8));
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The connection has ended: the first call says how. */
    void ended(TtyClient.Close how) {
        lock.lock();
        try {
            closed.complete(how);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        terminalInfo.completeExceptionally(new IllegalStateException("closed before TERMINAL_INFO: " + how));
    }

    // Pace.

    void request(long n) {
        lock.lock();
        try {
            demand = demand > Long.MAX_VALUE - n ? Long.MAX_VALUE : demand + n;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the reader may handle another message (at once unless reading on request) or the client is shut. */
    void awaitDemand() throws InterruptedException {
        if (demand != 0) {
            return;
        }
        lock.lock();
        try {
            while (demand == 0 && !shut) {
                changed.await();
            }
        } finally {
            lock.unlock();
        }
    }

    /** One message (a data message, a ping, a close) handled. */
    void consumeDemand() {
        if (demand != Long.MAX_VALUE) {
            lock.lock();
            try {
                demand--;
            } finally {
                lock.unlock();
            }
        }
    }

    /** The client drops its socket: a reader waiting for demand goes on to find it closed. */
    void shut() {
        lock.lock();
        try {
            shut = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    boolean isShut() {
        return shut;
    }

    // What came.

    void keepOnlyRecentOutput(int bytes) {
        lock.lock();
        try {
            keepOutputBytes = bytes;
        } finally {
            lock.unlock();
        }
    }

    String outputText() {
        lock.lock();
        try {
            return output.toString(StandardCharsets.UTF_8);
        } finally {
            lock.unlock();
        }
    }

    byte[] outputBytes() {
        lock.lock();
        try {
            return output.toByteArray();
        } finally {
            lock.unlock();
        }
    }

    long outputBytesSeen() {
        return outputBytesSeen;
    }

    long outputMessages() {
        return outputMessages;
    }

    List<byte[]> messages() {
        lock.lock();
        try {
            return List.copyOf(messages);
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the output kept satisfies {@code done}; returns all of it. Fails at the limit or the end. */
    String awaitOutput(Predicate<String> done, String what, Duration limit) {
        return await(() -> {
            String text = output.toString(StandardCharsets.UTF_8);
            return done.test(text) ? text : null;
        }, what, limit);
    }

    /** Waits until {@code bytes} of OUTPUT have come in all (kept or not); returns the count. */
    long awaitOutputBytesSeen(long bytes, Duration limit) {
        return await(() -> outputBytesSeen >= bytes ? outputBytesSeen : null, bytes + " bytes", limit);
    }

    /**
     * Waits, under the lock that every kept message signals, until {@code outcome} answers
     * something other than null. Fails at the limit, or once the connection has ended.
     */
    private <T> T await(Supplier<T> outcome, String what, Duration limit) {
        if (sink != null) {
            throw new IllegalStateException("output goes to an Output, none is kept to wait on");
        }
        long deadline = System.nanoTime() + limit.toNanos();
        lock.lock();
        try {
            while (true) {
                T found = outcome.get();
                if (found != null) {
                    return found;
                }
                long left = deadline - System.nanoTime();
                if (closed.isDone() || left <= 0) {
                    throw new UncheckedIOException(new IOException("no " + what + " in the output "
                            + (closed.isDone() ? "before the close " + closed.join() : "within " + limit)
                            + "; " + outputBytesSeen + " bytes came, the output kept was:\n"
                            + output.toString(StandardCharsets.UTF_8)));
                }
                changed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for " + what, e);
        } finally {
            lock.unlock();
        }
    }
}

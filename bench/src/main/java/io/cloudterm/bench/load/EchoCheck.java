package io.cloudterm.bench.load;

import io.cloudterm.client.TtyClient;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The echo of typed keys through {@link #COMMAND}: after {@code READY}, exactly the keys typed, in
 * order ({@link #key}), and nothing else. One thread may wait for an echo; it is woken directly
 * (no queue), so the wait adds as little as possible to a round trip.
 */
final class EchoCheck implements TtyClient.Output {

    /** Raw mode and no echo: each key comes back once, from cat, with nothing added by the pty. */
    static final List<String> COMMAND = List.of("sh", "-c", "stty raw -echo; printf READY; exec cat");
    private static final byte[] READY = StreamCheck.ascii("READY");

    private final boolean expectReady;
    private int readyMatched;
    private volatile boolean ready;
    private volatile long received;
    private volatile String error;
    private volatile Thread waiter;

    /** {@code expectReady} false for an echo server, which says nothing first. */
    EchoCheck(boolean expectReady) {
        this.expectReady = expectReady;
        this.ready = !expectReady;
    }

    /** The i-th key typed: a to z, over and over. */
    static byte key(long i) {
        return (byte) ('a' + i % 26);
    }

    @Override
    public void output(ByteBuffer data, boolean last) {
        long n = received;
        while (data.hasRemaining()) {
            byte b = data.get();
            if (!ready) {
                if (b != READY[readyMatched]) {
                    fail("expected READY, got byte " + b);
                    break;
                }
                if (++readyMatched == READY.length) {
                    ready = true;
                }
            } else if (b != key(n)) {
                fail("echo " + n + ": expected '" + (char) key(n) + "', got byte " + b);
                break;
            } else {
                n++;
            }
        }
        received = n;
        Thread w = waiter;
        if (w != null) {
            LockSupport.unpark(w);
        }
    }

    void awaitReady(Duration limit) {
        await(() -> ready, System.nanoTime() + limit.toNanos(), "READY");
    }

    /** Waits until {@code count} keys have been echoed in all. */
    void awaitEchoes(long count, long deadlineNanos) {
        await(() -> received >= count, deadlineNanos, "echo " + count);
    }

    long received() {
        return received;
    }

    String error() {
        return error;
    }

    private void await(java.util.function.BooleanSupplier condition, long deadline, String what) {
        waiter = Thread.currentThread();
        try {
            while (!condition.getAsBoolean()) {
                if (error != null) {
                    throw new IllegalStateException(error);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("no " + what + " in time (" + received + " echoes so far)");
                }
                LockSupport.parkNanos(this, left);
            }
            if (error != null) {
                throw new IllegalStateException(error);
            }
        } finally {
            waiter = null;
        }
    }

    private void fail(String why) {
        if (error == null) {
            error = why;
        }
    }
}

package io.cloudterm.terminal;

import io.cloudterm.protocol.ServerMessages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/**
 * The far end of an attachment, in memory: keeps the OUTPUT bytes it was sent, or, made
 * {@linkplain #stuck() stuck}, never returns from a send (a peer that stopped reading, its socket full).
 */
final class FakeClient implements TerminalClient {

    /** How a close arrived. */
    record Close(int code, String reason) {
    }

    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final java.security.MessageDigest digest = sha256();
    private long received;
    private long replayEndAt = -1;
    private final CompletableFuture<Close> closed = new CompletableFuture<>();
    private final CountDownLatch released = new CountDownLatch(1);
    private final boolean stuck;
    private final boolean keep;
    /** Sends blocked in a stuck client right now. */
    private final java.util.concurrent.atomic.AtomicInteger blockedSends = new java.util.concurrent.atomic.AtomicInteger();

    private FakeClient(boolean stuck, boolean keep) {
        this.stuck = stuck;
        this.keep = keep;
    }

    static FakeClient reading() {
        return new FakeClient(false, true);
    }

    /**
     * A client whose every output send blocks until {@link #unstick()}; it keeps only the count and
     * SHA-256 of what it gets (a thousand of them must not fill the test's own heap).
     */
    static FakeClient stuck() {
        return new FakeClient(true, false);
    }

    /** A stuck client that keeps what it gets, once unstuck. */
    static FakeClient stuckKeeping() {
        return new FakeClient(true, true);
    }

    static java.security.MessageDigest sha256() {
        try {
            return java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** Whether a send is blocked in this (stuck) client now: whoever sends waits on its full socket. */
    boolean blockedInSend() {
        return blockedSends.get() > 0;
    }

    void unstick() {
        released.countDown();
    }

    @Override
    public void send(byte[] message) {
        // Greeting messages are not kept; REPLAY_END's place in the output is.
        if (message.length == 1 && message[0] == '4') {
            synchronized (output) {
                replayEndAt = received;
            }
        }
    }

    /** How many output bytes had arrived when REPLAY_END did; -1 before it. */
    long replayEndAt() {
        synchronized (output) {
            return replayEndAt;
        }
    }

    @Override
    public void sendOutput(List<ByteBuffer> payloads) throws IOException {
        if (stuck) {
            blockedSends.incrementAndGet();
            try {
                released.await();
            } catch (InterruptedException e) {
                throw new IOException("interrupted", e);
            } finally {
                blockedSends.decrementAndGet();
            }
        }
        byte[] message = ServerMessages.output(payloads);
        synchronized (output) {
            digest.update(message, 1, message.length - 1); // without the command byte
            received += message.length - 1;
            if (keep) {
                output.write(message, 1, message.length - 1);
            }
        }
    }

    @Override
    public void close(int code, String reason) {
        closed.complete(new Close(code, reason));
    }

    byte[] output() {
        synchronized (output) {
            return output.toByteArray();
        }
    }

    long received() {
        synchronized (output) {
            return received;
        }
    }

    /** SHA-256 of everything received so far. */
    byte[] receivedDigest() {
        synchronized (output) {
            try {
                return ((java.security.MessageDigest) digest.clone()).digest();
            } catch (CloneNotSupportedException e) {
                throw new AssertionError(e);
            }
        }
    }

    CompletableFuture<Close> closed() {
        return closed;
    }
}

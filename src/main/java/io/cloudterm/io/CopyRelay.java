package io.cloudterm.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;

/**
 * The relay that copies: each direction reads what its source has into a pooled direct buffer and
 * writes it to the other socket before it reads again, so a stalled reader holds its writer back
 * through the sockets' own buffers and nothing piles up here. As the terminal WebSocket's reader
 * does ({@code PolledTransport}), a direction holds a thread only while bytes flow: when its
 * source is empty it arms the poller and its thread ends; the poller's callback starts a virtual
 * thread for the next burst. For sockets the native layer adopted, where the platform offers no
 * splicing relay or it is not wanted.
 */
public final class CopyRelay implements Relay {

    static final ThreadFactory THREADS = Thread.ofVirtual().name(Relay.THREAD_NAME).factory();
    /** The most a direction copies on the poller's thread before a thread of its own goes on: other sockets wait meanwhile. */
    static final long POLLER_BUDGET = 256 * 1024;

    private final BufferPool buffers;

    /**
     * A relay that copies through buffers of {@code buffers}: direct ones (the native sockets then
     * write them without a copy), of about a socket buffer each (64 kB). A direction holds one
     * only while it moves a burst.
     */
    public CopyRelay(BufferPool buffers) {
        this.buffers = buffers;
    }

    @Override
    public CompletableFuture<Relayed> start(RawSocket client, ByteBuffer fromClient, RawSocket host, ByteBuffer fromHost,
                                            ByteBuffer hostLost) {
        RelayedConnection connection = new RelayedConnection(client::close, host::close);
        ByteBuffer lostFrame = RelayDirection.copy(hostLost);
        new Direction(client, host, RelayDirection.copy(fromClient), null, null, connection).start();
        new Direction(host, client, RelayDirection.copy(fromHost), new FrameBoundaries(), lostFrame, connection).start();
        return connection.finished();
    }

    /** One way through, copying through a pooled buffer. */
    private final class Direction extends RelayDirection<RawSocket> {
        /** Read and followed on the poller's thread, not yet taken by the destination: goes first. */
        private ByteBuffer unsent;
        /** How reading the source failed on the poller's thread: the next burst ends the direction with it. */
        private IOException failure;

        Direction(RawSocket from, RawSocket to, ByteBuffer pending, FrameBoundaries frames, ByteBuffer hostLost,
                  RelayedConnection connection) {
            super(from, to, pending, frames, hostLost, connection);
        }

        /**
         * On the poller's thread, the source readable: copies what the source has while the
         * destination takes all of it at once, up to {@link #POLLER_BUDGET} bytes, then re-arms.
         * Anything else (a destination that takes less, the source's end or failure, the budget
         * spent) goes on in a burst on a thread of its own ({@link #goOnInThread}), which may wait: the poller never does.
         */
        @Override
        protected void stepOnPoller() {
            try {
                copyOnPoller();
            } catch (RuntimeException | Error e) {
                broke(e);
            }
        }

        private void copyOnPoller() {
            ByteBuffer buffer = buffers.acquire();
            ByteBuffer[] one = {buffer};
            try {
                long budget = POLLER_BUDGET;
                while (true) {
                    buffer.clear();
                    int read;
                    try {
                        read = from.read(buffer);
                    } catch (IOException e) {
                        failure = e;
                        goOnInThread();
                        return;
                    }
                    if (read == 0) {
                        awaitInput();
                        return;
                    }
                    if (read < 0) {
                        goOnInThread(); // it reads the end again, and ends the direction
                        return;
                    }
                    boolean drained = buffer.hasRemaining();
                    buffer.flip();
                    if (frames != null) {
                        frames.passed(buffer);
                    }
                    int count = buffer.remaining();
                    try {
                        while (buffer.hasRemaining() && to.write(one, 0, 1) > 0) {
                            // the destination takes it
                        }
                    } catch (IOException e) {
                        destinationFailed(e);
                        return;
                    }
                    moved(count - buffer.remaining());
                    if (buffer.hasRemaining()) {
                        unsent = copy(buffer); // followed already; a thread waits for the destination
                        goOnInThread();
                        return;
                    }
                    budget -= count;
                    if (drained) {
                        awaitInput();
                        return;
                    }
                    if (budget <= 0) {
                        goOnInThread();
                        return;
                    }
                }
            } finally {
                buffers.release(buffer);
            }
        }


        @Override
        protected void moveWhileAvailable() {
            if (unsent != null) {
                ByteBuffer rest = unsent;
                unsent = null;
                int count = rest.remaining();
                try {
                    writeAll(to, rest);
                } catch (IOException e) {
                    destinationFailed(e);
                    return;
                }
                moved(count);
            }
            if (failure != null) {
                IOException failed = failure;
                failure = null;
                sourceEnded(failed);
                return;
            }
            if (pending != null) {
                ByteBuffer readAhead = pending;
                pending = null;
                if (!deliver(readAhead)) {
                    return;
                }
            }
            ByteBuffer buffer = buffers.acquire();
            try {
                while (true) {
                    buffer.clear();
                    int read;
                    try {
                        read = from.read(buffer);
                    } catch (IOException e) {
                        sourceEnded(e);
                        return;
                    }
                    if (read == 0) {
                        awaitInput();
                        return;
                    }
                    if (read < 0) {
                        sourceEnded(null);
                        return;
                    }
                    // A read that left room emptied the socket: arm at once rather than read again for a 0.
                    boolean drained = buffer.hasRemaining();
                    buffer.flip();
                    if (!deliver(buffer)) {
                        return;
                    }
                    if (drained) {
                        awaitInput();
                        return;
                    }
                }
            } finally {
                buffers.release(buffer);
            }
        }

        /** Writes all of {@code bytes} to the other side; false if that failed (the direction has ended). */
        private boolean deliver(ByteBuffer bytes) {
            int count = bytes.remaining();
            if (frames != null) {
                frames.passed(bytes);
            }
            try {
                writeAll(to, bytes);
            } catch (IOException e) {
                destinationFailed(e);
                return false;
            }
            moved(count);
            return true;
        }

    }
}

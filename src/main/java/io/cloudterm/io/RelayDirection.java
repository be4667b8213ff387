package io.cloudterm.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ThreadFactory;

/**
 * One way through a relay between adopted sockets, from {@code from} to {@code to}; toward the
 * client, {@code frames} follows what passes. What the copying and the splicing relays share:
 * a first burst on a thread of its own (it sends what was read ahead), then, each time the source
 * is readable, a step on the poller's thread that must never wait ({@link #stepOnPoller}), and a
 * burst on a new thread for whatever would ({@link #goOnInThread}). One step or burst runs at a
 * time: the next is started only after the last one armed the poller, at its very end.
 *
 * @param <S> the sockets the relay moves bytes between
 */
public abstract class RelayDirection<S extends RawSocket> {

    private static final ThreadFactory THREADS = Thread.ofVirtual().name(Relay.THREAD_NAME).factory();

    protected final S from;
    protected final S to;
    /** Bytes read ahead from the source, sent first; null once sent. */
    protected ByteBuffer pending;
    protected final FrameBoundaries frames;
    protected final ByteBuffer hostLost;
    protected final RelayedConnection connection;

    protected RelayDirection(S from, S to, ByteBuffer pending, FrameBoundaries frames, ByteBuffer hostLost,
                             RelayedConnection connection) {
        this.from = from;
        this.to = to;
        this.pending = pending;
        this.frames = frames;
        this.hostLost = hostLost;
        this.connection = connection;
    }

    /** The first burst: what was read ahead, then what the source has. */
    public final void start() {
        goOnInThread();
    }

    /** Bytes move in a burst on a thread, which may wait for the destination, until the source is empty or ends. */
    protected abstract void moveWhileAvailable();

    /** On the poller's thread, the source readable: moves what the sockets take at once, never waiting. */
    protected abstract void stepOnPoller();

    /** Arms the poller for the next step; the calling thread ends here. */
    protected final void awaitInput() {
        connection.whenReadable(from, THREADS, this::burst, this::stepOnPoller);
    }

    /** What a step on the poller cannot do (wait, pass an end on) goes on in a burst on a new thread. */
    protected final void goOnInThread() {
        THREADS.newThread(this::burst).start();
    }

    private void burst() {
        try {
            moveWhileAvailable();
        } catch (RuntimeException | Error e) {
            broke(e);
        }
    }

    /** A step or burst failed unexpectedly: the relay ends (subclasses free what they hold first). */
    protected void broke(Throwable failure) {
        connection.broke(failure);
    }

    /** Whether this direction goes toward the client (where frames are followed). */
    protected final boolean towardClient() {
        return frames != null;
    }

    /** {@code bytes} reached the destination. */
    protected final void moved(long bytes) {
        connection.moved(towardClient(), bytes);
    }

    /** Writing to the destination failed: the direction has ended. */
    protected final void destinationFailed(IOException failure) {
        connection.writeFailed(towardClient(), failure);
    }

    /**
     * The source ended ({@code failure} null) or failed: passed on to the destination, toward the
     * client with the host-lost frame where the host sent no Close. May wait: never on the poller.
     */
    protected final void sourceEnded(IOException failure) {
        if (towardClient()) {
            connection.hostSideEnded(failure, frames, hostLost, frame -> writeAll(to, frame), to::shutdownOutput);
        } else {
            connection.clientSideEnded(failure, to::shutdownOutput);
        }
    }

    /** Writes all of {@code bytes}, parking while {@code socket} takes nothing. */
    protected static void writeAll(RawSocket socket, ByteBuffer bytes) throws IOException {
        ByteBuffer[] one = {bytes};
        while (bytes.hasRemaining()) {
            if (socket.write(one, 0, 1) == 0) {
                socket.awaitWritable();
            }
        }
    }

    /** The caller's bytes, read later on another thread: a copy of them, so that the caller may reuse its buffer. */
    public static ByteBuffer copy(ByteBuffer bytes) {
        ByteBuffer copy = ByteBuffer.allocate(bytes.remaining());
        copy.put(bytes.duplicate()).flip();
        return copy;
    }
}

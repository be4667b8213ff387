package io.cloudterm.io;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A connected TCP socket driven on its file descriptor, outside the JDK's socket classes: the
 * native layer's epoll poller says when it is readable, and writes gather buffers (pooled direct
 * ones, without a copy) straight into the kernel. No thread waits for an idle socket.
 *
 * <p>Threading: one thread reads and one thread writes at a time (callers serialize each side);
 * {@link #close} may come from any thread, during either. The fd is closed only once no read or
 * write is in progress on it, so a call never reaches a later socket that reuses its number.
 */
public interface RawSocket {

    /**
     * Reads what is there now into {@code dst} (from its position, advancing it), without
     * blocking: the number of bytes read, 0 if there is nothing yet (then {@link #onReadable} says
     * when), or -1 at the end of the stream. Throws if the connection failed (a reset) or the
     * socket was closed.
     */
    int read(ByteBuffer dst) throws IOException;

    /**
     * Writes from {@code srcs[offset..offset+length)} in order (advancing their positions) what the
     * socket takes now without blocking, in one system call: the number of bytes written, 0 if it
     * takes nothing now (then {@link #awaitWritable}). Heap buffers are allowed (copied first).
     * Throws if the connection failed or the socket was closed.
     */
    long write(ByteBuffer[] srcs, int offset, int length) throws IOException;

    /** Parks the calling thread until the socket may take more; throws once it is closed. */
    void awaitWritable() throws IOException;

    /**
     * Runs {@code action} once, on the poller thread (it must be short and must not block), when
     * the socket is readable, at the end of its stream, on an error, or when it is closed, whichever
     * comes first. At most one action waits at a time; the action may call this again. Arming
     * asks for readiness at once, so a reader may arm after a read that did not fill its buffer
     * (the socket was empty then) without reading again to see 0.
     */
    void onReadable(Runnable action);

    /** Shuts down the sending side (the peer reads the end of the stream after what was written). */
    void shutdownOutput();

    /**
     * Closes the socket: a waiting action runs and a thread in {@link #awaitWritable} wakes (and
     * throws); the fd itself is closed when the read or write in progress, if any, has returned.
     * Unsent bytes are still delivered (an orderly close, never a reset). Repeating it does nothing.
     */
    void close();

    /** Whether {@link #close} was called. */
    boolean closed();
}

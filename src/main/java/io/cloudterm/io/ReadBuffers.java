package io.cloudterm.io;

import java.nio.ByteBuffer;

/**
 * Where pty reads go: a large pooled buffer to read into, and, for a short read, a small pooled
 * buffer that keeps the bytes while clients send them, the large one going straight back.
 *
 * <p>Why two sizes: a read's buffer is held until every client has sent it. When thousands of
 * terminals echo a key or print a prompt at once, that many buffers are out together; at 16 KiB
 * each, the pool grows by tens of MB for a few bytes apiece and keeps that (a load run found
 * 14 MB for 3,000 terminals typing at once). Copying a short read costs less than that memory.
 */
public final class ReadBuffers {

    private final BufferPool large;
    private final BufferPool small;

    public ReadBuffers(BufferPool large, BufferPool small) {
        if (small.bufferSize() >= large.bufferSize()) {
            throw new IllegalArgumentException("small buffers (" + small.bufferSize() + " bytes) must be smaller than large ("
                    + large.bufferSize() + ")");
        }
        this.large = large;
        this.small = small;
    }

    /** A cleared large buffer to read into. */
    public ByteBuffer acquire() {
        return large.acquire();
    }

    /**
     * The bytes of {@code filled} (a buffer from {@link #acquire}, flipped) in the buffer to keep
     * them in: {@code filled} itself, or a small buffer holding a copy, {@code filled} released.
     */
    public ByteBuffer keep(ByteBuffer filled) {
        if (filled.remaining() > small.bufferSize()) {
            return filled;
        }
        ByteBuffer copy = small.acquire().put(filled).flip();
        large.release(filled);
        return copy;
    }

    /** Returns a buffer from {@link #acquire} or {@link #keep}; the caller must not touch it afterwards. */
    public void release(ByteBuffer buffer) {
        (buffer.capacity() == small.bufferSize() ? small : large).release(buffer);
    }

    /** Buffers of both sizes lent out (for leak tests and metrics). */
    public int inUse() {
        return large.inUse() + small.inUse();
    }
}

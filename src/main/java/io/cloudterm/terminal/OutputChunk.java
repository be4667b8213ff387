package io.cloudterm.terminal;

import io.cloudterm.io.ReadBuffers;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One pty read, shared by every client it goes to and returned to the pool when the last one has
 * sent it. Readers use {@link #bytes()} without moving its position.
 */
final class OutputChunk {

    private final ByteBuffer bytes;
    private final ReadBuffers pool;
    private final AtomicInteger references;

    OutputChunk(ByteBuffer bytes, ReadBuffers pool, int references) {
        this.bytes = bytes;
        this.pool = pool;
        this.references = new AtomicInteger(references);
    }

    ByteBuffer bytes() {
        return bytes;
    }

    int size() {
        return bytes.remaining();
    }

    /** History replayed to one client: heap memory, not from the pool, dropped after sending. */
    static OutputChunk replay(byte[] history) {
        return new OutputChunk(ByteBuffer.wrap(history), null, 1);
    }

    void release() {
        int left = references.decrementAndGet();
        if (left == 0) {
            if (pool != null) {
                pool.release(bytes);
            }
        } else if (left < 0) {
            throw new IllegalStateException("output chunk released once too often");
        }
    }
}

package io.cloudterm.terminal;

import io.cloudterm.io.ReadBuffers;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One pty read, shared by every client it goes to and returned to the pool when the last one has
 * sent it; or one message's worth of history read back from the scrollback for one replaying
 * client, in a pooled buffer too. Readers use {@link #bytes()} without moving its position.
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

    void release() {
        int left = references.decrementAndGet();
        if (left == 0) {
            pool.release(bytes);
        } else if (left < 0) {
            throw new IllegalStateException("output chunk released once too often");
        }
    }
}

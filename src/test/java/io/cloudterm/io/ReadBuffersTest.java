package io.cloudterm.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Short reads move to small buffers and give the large one back; long reads keep theirs. */
class ReadBuffersTest {

    private final BufferPool large = new BufferPool(16 * 1024, 8);
    private final BufferPool small = new BufferPool(1024, 8);
    private final ReadBuffers buffers = new ReadBuffers(large, small);

    private ByteBuffer read(int bytes) {
        ByteBuffer buffer = buffers.acquire();
        for (int i = 0; i < bytes; i++) {
            buffer.put((byte) ('a' + i % 26));
        }
        return buffer.flip();
    }

    @Test
    void aShortReadIsCopiedToASmallBufferAndTheLargeOneGoesBack() {
        ByteBuffer kept = buffers.keep(read(5));
        assertEquals(1024, kept.capacity());
        assertEquals("abcde", StandardCharsets.US_ASCII.decode(kept.duplicate()).toString());
        assertEquals(0, large.inUse());
        assertEquals(1, small.inUse());
        buffers.release(kept);
        assertEquals(0, buffers.inUse());
    }

    @Test
    void aReadThatFillsASmallBufferExactlyIsStillCopied() {
        ByteBuffer kept = buffers.keep(read(1024));
        assertEquals(1024, kept.capacity());
        assertEquals(1024, kept.remaining());
        buffers.release(kept);
        assertEquals(0, buffers.inUse());
    }

    @Test
    void aLongReadKeepsItsLargeBuffer() {
        ByteBuffer filled = read(1025);
        assertSame(filled, buffers.keep(filled));
        assertEquals(1, large.inUse());
        assertEquals(0, small.inUse());
        buffers.release(filled);
        assertEquals(0, buffers.inUse());
    }

    @Test
    void aThousandEchoesOutTogetherHoldSmallBuffersOnly() {
        BufferPool manyLarge = new BufferPool(16 * 1024, 4096);
        BufferPool manySmall = new BufferPool(1024, 4096);
        ReadBuffers many = new ReadBuffers(manyLarge, manySmall);
        ByteBuffer[] out = new ByteBuffer[1000];
        for (int i = 0; i < out.length; i++) {
            ByteBuffer b = many.acquire().put("k\r\n".getBytes(StandardCharsets.US_ASCII)).flip();
            out[i] = many.keep(b);
        }
        assertEquals(0, manyLarge.inUse());
        assertEquals(1000, manySmall.inUse());
        for (ByteBuffer b : out) {
            many.release(b);
        }
        assertEquals(0, many.inUse());
    }

    @Test
    void smallBuffersMustBeSmaller() {
        assertThrows(IllegalArgumentException.class, () -> new ReadBuffers(new BufferPool(1024, 1), new BufferPool(1024, 1)));
    }
}

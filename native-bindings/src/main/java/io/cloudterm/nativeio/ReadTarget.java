package io.cloudterm.nativeio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * Where a {@code read(2)} into a caller's {@link ByteBuffer} lands. A direct buffer is read into
 * where it is; a heap one through native memory, because FFM passes heap memory only to
 * "critical" downcalls, which hold the GC off while they run (a read may take long).
 */
final class ReadTarget {

    private ReadTarget() {
    }

    /** The memory to read into for {@code dst}: itself if direct, else at most {@code maxCopy} bytes from {@code arena}. */
    static MemorySegment of(ByteBuffer dst, Arena arena, long maxCopy) {
        return dst.isDirect() ? MemorySegment.ofBuffer(dst) : arena.allocate(Math.min(dst.remaining(), maxCopy));
    }

    /** After {@code n > 0} bytes were read into {@code target}: copies them into a heap {@code dst}, advances it, returns n. */
    static int landed(ByteBuffer dst, MemorySegment target, long n) {
        if (!dst.isDirect()) {
            MemorySegment.copy(target, 0, MemorySegment.ofBuffer(dst), 0, n);
        }
        dst.position(dst.position() + (int) n);
        return (int) n;
    }
}

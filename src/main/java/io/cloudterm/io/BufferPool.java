package io.cloudterm.io;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A pool of equally sized off-heap buffers, carved from large direct slabs, so that pty reads
 * neither allocate per read nor weigh on the garbage-collected heap.
 *
 * <p>Direct {@link ByteBuffer}s rather than {@code MemorySegment}s because the main code is
 * compiled for JDK 21, where the FFM API is still a preview; the native layer views these
 * buffers as segments ({@code MemorySegment.ofBuffer}) when it reads into them.
 *
 * <p>Past {@code maxPooled} buffers the pool hands out plain direct buffers that are dropped on
 * release, so a burst never fails but cannot grow the pool without bound.
 */
public final class BufferPool {

    private static final int BUFFERS_PER_SLAB = 64;
    /** Every pool of this process, for {@link #bytesInUseByAll}; weakly, so a stopped server's pools go. */
    private static final java.util.Set<BufferPool> ALL =
            java.util.Collections.synchronizedSet(java.util.Collections.newSetFromMap(new java.util.WeakHashMap<>()));

    private final int bufferSize;
    private final int maxPooled;
    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();
    private int pooled;

    public BufferPool(int bufferSize, int maxPooled) {
        if (bufferSize <= 0 || maxPooled < 0) {
            throw new IllegalArgumentException("bufferSize " + bufferSize + ", maxPooled " + maxPooled);
        }
        this.bufferSize = bufferSize;
        this.maxPooled = maxPooled;
        ALL.add(this);
    }

    /**
     * Bytes of pooled buffers lent out right now, over every pool of this process: read when
     * metrics are scraped, so the acquire and release paths pay nothing for it.
     */
    public static long bytesInUseByAll() {
        synchronized (ALL) {
            long bytes = 0;
            for (BufferPool pool : ALL) {
                bytes += (long) pool.inUse() * pool.bufferSize;
            }
            return bytes;
        }
    }

    public int bufferSize() {
        return bufferSize;
    }

    /** A cleared buffer of {@link #bufferSize()} bytes; give it back with {@link #release}. */
    public ByteBuffer acquire() {
        lock.lock();
        try {
            if (free.isEmpty() && pooled < maxPooled) {
                addSlab();
            }
            ByteBuffer buffer = free.pollFirst();
            if (buffer != null) {
                return buffer.clear();
            }
        } finally {
            lock.unlock();
        }
        return ByteBuffer.allocateDirect(bufferSize);
    }

    /** Returns a buffer from {@link #acquire}; the caller must not touch it afterwards. */
    public void release(ByteBuffer buffer) {
        if (!buffer.isDirect() || buffer.capacity() != bufferSize || buffer.isReadOnly()) {
            throw new IllegalArgumentException("not a buffer of this pool");
        }
        lock.lock();
        try {
            // The free list never holds more than the pooled count, so an overflow buffer coming
            // back may stand in for a pooled one still out; the footprint stays bounded either way.
            if (free.size() < pooled) {
                free.addFirst(buffer);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Buffers currently lent out of the pooled ones (for leak tests and metrics). */
    public int inUse() {
        lock.lock();
        try {
            return pooled - free.size();
        } finally {
            lock.unlock();
        }
    }

    private void addSlab() {
        int count = Math.min(BUFFERS_PER_SLAB, maxPooled - pooled);
        ByteBuffer slab = ByteBuffer.allocateDirect(count * bufferSize);
        for (int i = 0; i < count; i++) {
            free.addLast(slab.slice(i * bufferSize, bufferSize));
        }
        pooled += count;
    }
}

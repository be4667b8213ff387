package io.cloudterm.bench.jmh;

import io.cloudterm.io.BufferPool;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * {@link BufferPool#acquire()} then {@link BufferPool#release}, as the terminal reader and the
 * senders use it, with the server's sizes (16 KiB buffers, 4,096 pooled): on one thread, and on
 * two threads sharing the pool ({@code Contended}, the pool's single lock fought over).
 *
 * <p>References, in the same run and with the same thread counts: {@code ref_allocateDirect}
 * (what the pool avoids: a fresh direct buffer per read, freed by the GC's cleaner) and
 * {@code ref_allocateHeap} (a fresh heap buffer, the cheapest allocation there is).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BufferPoolBench {

    private static final int BUFFER_SIZE = 16 * 1024;

    private final BufferPool pool = new BufferPool(BUFFER_SIZE, 4096);

    @Benchmark
    public ByteBuffer acquireRelease() {
        return acquireAndRelease();
    }

    @Benchmark
    @Threads(2)
    public ByteBuffer acquireReleaseContended() {
        return acquireAndRelease();
    }

    @Benchmark
    public ByteBuffer ref_allocateDirect() {
        return ByteBuffer.allocateDirect(BUFFER_SIZE);
    }

    @Benchmark
    @Threads(2)
    public ByteBuffer ref_allocateDirectContended() {
        return ByteBuffer.allocateDirect(BUFFER_SIZE);
    }

    @Benchmark
    public ByteBuffer ref_allocateHeap() {
        return ByteBuffer.allocate(BUFFER_SIZE);
    }

    @Benchmark
    @Threads(2)
    public ByteBuffer ref_allocateHeapContended() {
        return ByteBuffer.allocate(BUFFER_SIZE);
    }

    private ByteBuffer acquireAndRelease() {
        ByteBuffer buffer = pool.acquire();
        buffer.put(0, (byte) 1); // as a read would: the buffer is touched while held
        pool.release(buffer);
        return buffer;
    }
}

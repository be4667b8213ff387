package io.cloudterm.bench.jmh;

import io.cloudterm.io.BufferPool;
import java.nio.ByteBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** Placeholder to check the JMH wiring; replaced by the real microbenchmarks. */
@State(Scope.Benchmark)
public class BufferPoolBench {
    private final BufferPool pool = new BufferPool(16 * 1024, 64);

    @Benchmark
    public ByteBuffer acquireRelease() {
        ByteBuffer b = pool.acquire();
        pool.release(b);
        return b;
    }
}

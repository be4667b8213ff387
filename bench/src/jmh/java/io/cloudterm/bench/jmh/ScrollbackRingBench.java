package io.cloudterm.bench.jmh;

import io.cloudterm.terminal.Scrollback;
import io.cloudterm.terminal.ScrollbackBudget;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The scrollback ring: {@link Scrollback#append} of a 4 KiB chunk (a direct buffer, as pty reads
 * are) to a scrollback full at its 1 MiB cap, so every fourth append recycles its oldest 16 KiB
 * page; {@code appendUnderFullBudget}, the same round robin over 64 such scrollbacks sharing a
 * full 16 MiB {@link ScrollbackBudget}, so each new page is taken from the biggest holder; and
 * {@link Scrollback#snapshot()} of the full 1 MiB (what a reattaching client gets).
 *
 * <p>References, in the same run: {@code ref_ringCopy4KiB} (4 KiB copied into a plain 1 MiB
 * {@code byte[]} ring at a wrapping offset) and {@code ref_ringSnapshot1MiB} (that ring copied out
 * into a new 1 MiB array in two pieces).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ScrollbackRingBench {

    private static final int CHUNK = 4096;
    private static final int CAP = 1 << 20;
    private static final int PAGE = ScrollbackBudget.DEFAULT_PAGE_SIZE;
    private static final int SHARED = 64;

    private ByteBuffer chunk;
    private ScrollbackBudget budget;
    private Scrollback scrollback;
    private ScrollbackBudget fullBudget;
    private Scrollback[] sharing;
    private int nextSharing;

    private byte[] chunkArray;
    private byte[] ring;
    private int ringEnd;

    @Setup(Level.Trial)
    public void setUp() {
        chunkArray = new byte[CHUNK];
        for (int i = 0; i < CHUNK; i++) {
            chunkArray[i] = (byte) ('a' + i % 26);
        }
        chunk = ByteBuffer.allocateDirect(CHUNK).put(chunkArray).flip();

        budget = new ScrollbackBudget(64L << 20, PAGE, ScrollbackBudget.DEFAULT_MINIMUM_PAGES);
        scrollback = new Scrollback(budget, CAP);
        fill(scrollback, CAP + CHUNK);

        fullBudget = new ScrollbackBudget(16L << 20, PAGE, ScrollbackBudget.DEFAULT_MINIMUM_PAGES);
        sharing = new Scrollback[SHARED];
        for (int i = 0; i < SHARED; i++) {
            sharing[i] = new Scrollback(fullBudget, CAP);
            fill(sharing[i], CAP);
        }

        ring = new byte[CAP];
        for (int at = 0; at < CAP; at += CHUNK) {
            System.arraycopy(chunkArray, 0, ring, at, CHUNK);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        scrollback.release();
        for (Scrollback s : sharing) {
            s.release();
        }
    }

    @Benchmark
    public long append4KiBAtCap() {
        scrollback.append(chunk);
        return scrollback.end();
    }

    @Benchmark
    public long appendUnderFullBudget() {
        Scrollback s = sharing[nextSharing];
        nextSharing = nextSharing + 1 == SHARED ? 0 : nextSharing + 1;
        s.append(chunk);
        return s.end();
    }

    @Benchmark
    public byte[] snapshot1MiB() {
        return scrollback.snapshot();
    }

    @Benchmark
    public int ref_ringCopy4KiB() {
        System.arraycopy(chunkArray, 0, ring, ringEnd, CHUNK);
        ringEnd = ringEnd + CHUNK == CAP ? 0 : ringEnd + CHUNK;
        return ringEnd;
    }

    @Benchmark
    public byte[] ref_ringSnapshot1MiB() {
        byte[] copy = new byte[CAP];
        int oldest = CAP - ringEnd;
        System.arraycopy(ring, ringEnd, copy, 0, oldest);
        System.arraycopy(ring, 0, copy, oldest, ringEnd);
        return copy;
    }

    private void fill(Scrollback s, int bytes) {
        for (int n = 0; n < bytes; n += CHUNK) {
            s.append(chunk);
        }
    }
}

package io.cloudterm.bench.jmh;

import io.cloudterm.terminal.Scrollback;
import io.cloudterm.terminal.ScrollbackBudget;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@link Scrollback} against the bare copies between direct buffers it is made of (a scrollback is
 * such a copy plus a lock and some arithmetic), with 4 KiB chunks as a pty read delivers them:
 * <ul>
 * <li>{@code appendAtCap}: into one 1 MiB scrollback at its cap, so its oldest pages are recycled;
 * <li>{@code appendSpread}: round robin into 1,000 scrollbacks under a full 64 MiB budget, so most
 *     new pages are taken from another terminal and the bytes land all over 64 MiB, out of cache;
 * <li>group {@code appendWhileCopied}: {@code append} into one scrollback at its cap while two
 *     threads each copy its newest 64 KiB ({@code copyRecent64KiB}), all on the scrollback's lock;
 * <li>{@code replay1MiB}: the whole 1 MiB kept, copied out in 64 KiB chunks (what a client that
 *     reattaches is sent).
 * </ul>
 * {@code ScrollbackRingBench} holds the append and snapshot against a plain {@code byte[]} ring.
 *
 * <p>References, in the same run: {@code ref_copy4KiB} (4 KiB into a 1 MiB direct buffer at a
 * wrapping offset) for {@code appendAtCap} and the group's {@code append}; {@code ref_copy4KiBSpread}
 * (4 KiB into 1,000 regions of a 64 MiB direct buffer, round robin, as the 1,000 scrollbacks' pages
 * lie) for {@code appendSpread}; {@code ref_copyOut1MiB} (1 MiB copied out of a direct buffer in
 * 64 KiB chunks) for {@code replay1MiB}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ScrollbackCopyBench {

    private static final int CHUNK = 4096;
    private static final int CAP = Scrollback.DEFAULT_CAP_BYTES;
    private static final int REPLAY_CHUNK = 64 << 10;
    private static final int SPREAD = 1000;
    private static final int SPREAD_REGION = 64 << 10;

    /** One scrollback at its cap, and the plain buffers of its references. */
    @State(Scope.Thread)
    public static class One {
        ByteBuffer chunk;
        Scrollback atCap;
        ByteBuffer replayInto;
        ByteBuffer ring;
        int ringAt;
        ByteBuffer kept;

        @Setup(Level.Trial)
        public void setUp() {
            chunk = chunk();
            atCap = new Scrollback(new ScrollbackBudget(), CAP);
            fill(atCap, chunk);
            replayInto = ByteBuffer.allocateDirect(REPLAY_CHUNK);
            ring = ByteBuffer.allocateDirect(CAP);
            kept = ByteBuffer.allocateDirect(CAP);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            atCap.release();
        }
    }

    /** 1,000 scrollbacks filling a 64 MiB budget, and a plain 64 MiB buffer cut as their pages are. */
    @State(Scope.Thread)
    public static class Spread {
        ByteBuffer chunk;
        Scrollback[] scrollbacks;
        int next;
        ByteBuffer wide;
        long wideStep;

        @Setup(Level.Trial)
        public void setUp() {
            chunk = chunk();
            ScrollbackBudget full = new ScrollbackBudget(64L << 20, ScrollbackBudget.DEFAULT_PAGE_SIZE,
                    ScrollbackBudget.DEFAULT_MINIMUM_PAGES);
            scrollbacks = new Scrollback[SPREAD];
            for (int i = 0; i < SPREAD; i++) {
                scrollbacks[i] = new Scrollback(full, CAP);
            }
            for (int n = 0; n < (64 << 20) / CHUNK; n++) { // the budget full before the first measured append
                scrollbacks[n % SPREAD].append(chunk);
            }
            wide = ByteBuffer.allocateDirect(SPREAD * SPREAD_REGION);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            for (Scrollback s : scrollbacks) {
                s.release();
            }
        }
    }

    /** One scrollback at its cap, shared by the group's appender and copiers. */
    @State(Scope.Group)
    public static class Shared {
        ByteBuffer chunk;
        Scrollback scrollback;

        @Setup(Level.Trial)
        public void setUp() {
            chunk = chunk();
            scrollback = new Scrollback(new ScrollbackBudget(), CAP);
            fill(scrollback, chunk);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            scrollback.release();
        }
    }

    /** A copier's own buffer. */
    @State(Scope.Thread)
    public static class CopyTarget {
        final ByteBuffer into = ByteBuffer.allocateDirect(REPLAY_CHUNK);
    }

    @Benchmark
    public long appendAtCap(One one) {
        one.atCap.append(one.chunk);
        return one.atCap.end();
    }

    @Benchmark
    public long appendSpread(Spread spread) {
        Scrollback s = spread.scrollbacks[spread.next];
        spread.next = spread.next + 1 == SPREAD ? 0 : spread.next + 1;
        s.append(spread.chunk);
        return s.end();
    }

    @Benchmark
    @Group("appendWhileCopied")
    @GroupThreads(1)
    public long append(Shared shared) {
        shared.scrollback.append(shared.chunk);
        return shared.scrollback.end();
    }

    @Benchmark
    @Group("appendWhileCopied")
    @GroupThreads(2)
    public long copyRecent64KiB(Shared shared, CopyTarget target) {
        target.into.clear();
        return shared.scrollback.copy(shared.scrollback.end() - REPLAY_CHUNK, target.into);
    }

    @Benchmark
    public long replay1MiB(One one) {
        Scrollback atCap = one.atCap;
        ByteBuffer into = one.replayInto;
        long from = atCap.start();
        while (true) {
            into.clear();
            long first = atCap.copy(from, into);
            if (into.position() == 0) {
                return from;
            }
            from = first + into.position();
        }
    }

    @Benchmark
    public int ref_copy4KiB(One one) {
        one.ring.put(one.ringAt, one.chunk, 0, CHUNK);
        one.ringAt = one.ringAt + CHUNK == CAP ? 0 : one.ringAt + CHUNK;
        return one.ringAt;
    }

    @Benchmark
    public long ref_copy4KiBSpread(Spread spread) {
        long step = spread.wideStep++;
        int region = (int) (step % SPREAD);
        int offset = (int) (step / SPREAD * CHUNK % SPREAD_REGION);
        spread.wide.put(region * SPREAD_REGION + offset, spread.chunk, 0, CHUNK);
        return step;
    }

    @Benchmark
    public int ref_copyOut1MiB(One one) {
        ByteBuffer into = one.replayInto;
        int at = 0;
        for (; at < CAP; at += REPLAY_CHUNK) {
            into.clear();
            into.put(0, one.kept, at, REPLAY_CHUNK);
        }
        return at;
    }

    private static ByteBuffer chunk() {
        ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK);
        for (int i = 0; i < CHUNK; i++) {
            chunk.put(i, (byte) (i * 7 + (i >>> 5)));
        }
        return chunk;
    }

    private static void fill(Scrollback scrollback, ByteBuffer chunk) {
        for (int n = 0; n < CAP + CHUNK; n += CHUNK) {
            scrollback.append(chunk);
        }
    }
}

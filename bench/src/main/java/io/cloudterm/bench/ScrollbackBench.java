package io.cloudterm.bench;

import io.cloudterm.terminal.Scrollback;
import io.cloudterm.terminal.ScrollbackBudget;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Append and copy throughput of {@link Scrollback}, each also as a ratio to a bare copy of the
 * same chunks between direct buffers in the same run (the floor: a scrollback is that copy plus
 * a lock and some arithmetic).
 *
 * <ul>
 * <li>append: 4 KiB chunks (a typical pty read) into one 1 MiB scrollback at its cap, so every
 *     page is recycled; then round-robin over 1,000 scrollbacks under a 64 MiB budget, so most new
 *     pages are taken from another terminal; then with two threads copying from it meanwhile;
 * <li>copy: the whole 1 MiB kept, in 64 KiB chunks (a replay to a reattaching client).
 * </ul>
 *
 * <p>Run with a JDK 21 or later, from the repository root, after {@code mvn -o compile}:
 * <pre>
 * java -cp target/classes bench/src/main/java/io/cloudterm/bench/ScrollbackBench.java
 * </pre>
 * (the source launcher compiles this one file; with {@code -Dbuild.dir=DIR} use {@code DIR/classes}).
 */
public final class ScrollbackBench {

    private static final long MEASURE_NANOS = 2_000_000_000L;
    private static final int CHUNK = 4096;
    private static final int REPLAY_CHUNK = 64 << 10;

    public static void main(String[] args) throws InterruptedException {
        System.out.printf("%s %s, %d CPUs%n", System.getProperty("java.vm.name"), System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors());
        ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK);
        for (int i = 0; i < CHUNK; i++) {
            chunk.put(i, (byte) (i * 7 + (i >>> 5)));
        }

        ByteBuffer ring = ByteBuffer.allocateDirect(1 << 20);
        int[] at = {0};
        Runnable bareCopy = () -> {
            ring.put(at[0], chunk, 0, CHUNK);
            at[0] = (at[0] + CHUNK) & ((1 << 20) - 1);
        };
        rate(bareCopy, CHUNK);
        double bare = rate(bareCopy, CHUNK);
        System.out.printf("bare copy, 4 KiB chunks:               %,8.0f MB/s%n", bare);

        ScrollbackBudget budget = new ScrollbackBudget();
        Scrollback one = new Scrollback(budget, Scrollback.DEFAULT_CAP_BYTES);
        rate(() -> one.append(chunk), CHUNK);
        double append = rate(() -> one.append(chunk), CHUNK);
        System.out.printf("append, one scrollback at its cap:     %,8.0f MB/s (%.2f of bare)%n", append, append / bare);

        ScrollbackBudget tight = new ScrollbackBudget(64L << 20, ScrollbackBudget.DEFAULT_PAGE_SIZE,
                ScrollbackBudget.DEFAULT_MINIMUM_PAGES);
        List<Scrollback> many = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            many.add(new Scrollback(tight, Scrollback.DEFAULT_CAP_BYTES));
        }
        int[] next = {0};
        Runnable roundRobin = () -> {
            many.get(next[0]).append(chunk);
            next[0] = (next[0] + 1) % many.size();
        };
        // Its floor is a bare copy spread over 64 MiB, as the pages are: out of cache, unlike the above.
        ByteBuffer wide = ByteBuffer.allocateDirect(64 << 20);
        long[] wideStep = {0};
        Runnable bareWide = () -> { // 1,000 regions of 64 KiB, round-robin, as 1,000 scrollbacks' pages
            long step = wideStep[0]++;
            wide.put((int) (step % 1000) * 65536 + (int) (step / 1000 * CHUNK % 65536), chunk, 0, CHUNK);
        };
        rate(bareWide, CHUNK);
        double bareSpread = rate(bareWide, CHUNK);
        rate(roundRobin, CHUNK);
        double pressed = rate(roundRobin, CHUNK);
        System.out.printf("bare copy, 4 KiB chunks over 64 MiB:   %,8.0f MB/s%n", bareSpread);
        System.out.printf("append, 1,000 scrollbacks, 64 MiB cap: %,8.0f MB/s (%.2f of that; %d pages in use of %d)%n",
                pressed, pressed / bareSpread, tight.pagesInUse(), tight.maxPages());

        AtomicBoolean stop = new AtomicBoolean();
        LongAdder copied = new LongAdder();
        List<Thread> readers = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            readers.add(Thread.ofPlatform().start(() -> {
                ByteBuffer into = ByteBuffer.allocateDirect(REPLAY_CHUNK);
                while (!stop.get()) {
                    into.clear();
                    one.copy(one.end() - REPLAY_CHUNK, into);
                    copied.add(into.position());
                }
            }));
        }
        long copiedBefore = copied.sum();
        long contendedBegin = System.nanoTime();
        double contended = rate(() -> one.append(chunk), CHUNK);
        double copiedMeanwhile = (copied.sum() - copiedBefore) / ((System.nanoTime() - contendedBegin) / 1e3);
        stop.set(true);
        for (Thread reader : readers) {
            reader.join();
        }
        System.out.printf("append, two threads copying meanwhile: %,8.0f MB/s (%.2f of bare; they copied %,.0f MB/s)%n",
                contended, contended / bare, copiedMeanwhile);

        ByteBuffer into = ByteBuffer.allocateDirect(REPLAY_CHUNK);
        Runnable replay = () -> {
            long from = one.start();
            while (true) {
                into.clear();
                long first = one.copy(from, into);
                if (into.position() == 0) {
                    return;
                }
                from = first + into.position();
            }
        };
        int kept = (int) (one.end() - one.start());
        ByteBuffer bareSource = ByteBuffer.allocateDirect(kept);
        Runnable bareReplay = () -> {
            for (int off = 0; off < kept; off += REPLAY_CHUNK) {
                into.clear();
                into.put(0, bareSource, off, Math.min(REPLAY_CHUNK, kept - off));
            }
        };
        rate(bareReplay, kept);
        double bareCopyOut = rate(bareReplay, kept);
        rate(replay, kept);
        double copy = rate(replay, kept);
        System.out.printf("bare copy, 64 KiB chunks:              %,8.0f MB/s%n", bareCopyOut);
        System.out.printf("copy, 1 MiB kept in 64 KiB chunks:     %,8.0f MB/s (%.2f of bare)%n", copy, copy / bareCopyOut);
    }

    /** MB/s (10^6 bytes) of {@code op}, which moves {@code bytes} each time, over two seconds. */
    private static double rate(Runnable op, int bytes) {
        long operations = 0;
        long begin = System.nanoTime();
        long now;
        do {
            for (int i = 0; i < 256; i++) {
                op.run();
            }
            operations += 256;
            now = System.nanoTime();
        } while (now - begin < MEASURE_NANOS);
        return operations * (double) bytes / ((now - begin) / 1e3);
    }
}

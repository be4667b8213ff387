package io.cloudterm.bench;

import io.cloudterm.auth.Principal;
import io.cloudterm.auth.Secrets;
import io.cloudterm.auth.Sessions;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Heap per session and lookups per second of {@link Sessions}; lookups also as a ratio to a bare
 * SHA-256 of an id in the same run, the floor of any lookup by hash.
 *
 * <p>Heap is the difference in used heap after full collections (System.gc() is a full,
 * stop-the-world collection with G1 and the parallel collector), median of three rounds, with the
 * ids thrown away: what the server keeps, not what the clients hold. "one user" is the token mode
 * (every session is the same principal); "a user each" is the worst case for the per-user index.
 *
 * <p>Run with a JDK 21 or later, from the repository root, after {@code mvn -o compile}:
 * <pre>
 * java -Xmx1g -cp target/classes bench/src/main/java/io/cloudterm/bench/SessionStoreBench.java
 * </pre>
 * (the source launcher compiles this one file; with {@code -Dbuild.dir=DIR} use {@code DIR/classes}).
 */
public final class SessionStoreBench {

    private static final long MEASURE_NANOS = 3_000_000_000L;

    public static void main(String[] args) throws InterruptedException {
        System.out.printf("%s %s, %d CPUs, max heap %d MB%n", System.getProperty("java.vm.name"),
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20);
        for (int sessions : new int[] {10_000, 100_000}) {
            System.out.printf("%,9d sessions: %5.0f bytes each (one user), %5.0f bytes each (a user each)%n", sessions,
                    bytesPerSession(sessions, false), bytesPerSession(sessions, true));
        }
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        for (int sessions : new int[] {10_000, 100_000}) {
            Sessions store = new Sessions();
            String[] ids = new String[sessions];
            for (int i = 0; i < sessions; i++) {
                ids[i] = store.open(new Principal("user" + (i % 100)));
            }
            for (int t : new int[] {1, threads}) {
                rate(t, () -> Secrets.sha256(ids[ThreadLocalRandom.current().nextInt(ids.length)])); // warm-up
                double sha = rate(t, () -> Secrets.sha256(ids[ThreadLocalRandom.current().nextInt(ids.length)]));
                rate(t, () -> store.find(ids[ThreadLocalRandom.current().nextInt(ids.length)]));
                double lookups = rate(t, () -> store.find(ids[ThreadLocalRandom.current().nextInt(ids.length)]));
                System.out.printf("%,9d sessions, %d thread(s): %,10.0f lookups/s (%,10.0f SHA-256/s: %.2f of it)%n",
                        sessions, t, lookups, sha, lookups / sha);
            }
        }
    }

    private static double bytesPerSession(int count, boolean userEach) {
        long[] bytes = new long[3];
        for (int round = 0; round < bytes.length; round++) {
            long before = usedHeapAfterGc();
            Sessions store = new Sessions();
            Principal token = new Principal("token");
            for (int i = 0; i < count; i++) {
                store.open(userEach ? new Principal("user" + i) : token);
            }
            bytes[round] = usedHeapAfterGc() - before;
            Reference.reachabilityFence(store);
        }
        java.util.Arrays.sort(bytes);
        return (double) bytes[1] / count;
    }

    private static long usedHeapAfterGc() {
        Runtime runtime = Runtime.getRuntime();
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            least = Math.min(least, runtime.totalMemory() - runtime.freeMemory());
        }
        return least;
    }

    /** Calls per second of {@code call} from {@code threads} platform threads at once. */
    private static double rate(int threads, Runnable call) throws InterruptedException {
        LongAdder calls = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                long n = 0;
                while (!stop.get()) {
                    call.run();
                    n++;
                }
                calls.add(n);
            }));
        }
        long begin = System.nanoTime();
        start.countDown();
        Thread.sleep(MEASURE_NANOS / 1_000_000);
        stop.set(true);
        for (Thread worker : workers) {
            worker.join();
        }
        return calls.sum() * 1e9 / (System.nanoTime() - begin);
    }
}

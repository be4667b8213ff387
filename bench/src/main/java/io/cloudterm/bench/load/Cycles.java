package io.cloudterm.bench.load;

import io.cloudterm.client.TtyClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A terminal opened and closed over and over: connect, JSON_DATA, TERMINAL_INFO, a key echoed
 * through cat, close (the server hangs up and reaps the child). Nothing may grow: RSS, fds,
 * threads and children are read before, at each quarter, and after.
 */
@Command(name = "cycles", mixinStandardHelpOptions = true,
        description = "Open and close a terminal N times: RSS, fds, threads and children before and after; no growth.")
final class Cycles implements Callable<Integer> {

    private static final Duration EACH = Duration.ofSeconds(30);
    /** The warm-up ends once the server's JIT compiled for less than this share of a round's time. */
    private static final double QUIET = 0.10;
    private static final int LEAST_WARM_UP_ROUNDS = 4;
    private static final int MOST_WARM_UP_ROUNDS = 6;

    @Mixin
    ServerSpec spec;

    @Option(names = "--cycles", description = "open/close cycles (default ${DEFAULT-VALUE})", defaultValue = "10000")
    int cycles;

    @Option(names = "--parallel", description = "cycles running at once (default ${DEFAULT-VALUE})", defaultValue = "4")
    int parallel;

    @Option(names = "--readings", description = "readings during the cycles (default ${DEFAULT-VALUE})", defaultValue = "4")
    int readings;

    @Override
    public Integer call() throws Exception {
        Report report = new Report("cycles", spec);
        List<String> options = List.of("--keep-alive", "0", "--max-terminals", String.valueOf(parallel + 10),
                "--max-terminals-per-user", String.valueOf(parallel + 10));
        // The JIT compiles the open/close path over the first several thousand cycles; its code
        // cache and metaspace grow meanwhile, and the C heap its compilations churn through stays
        // fragmented until they ease off: after a fixed 2,500 warm-up cycles, RSS outside the heap
        // still rose by 6-13 MB over the next 2,500-5,000, then stayed within 1 MB for 12,500. So
        // the server is warmed with 4 rounds of a quarter of the cycles (2,500 at most), and with
        // up to 2 rounds more while its JIT still compiles for 10% of a round or more.
        int round = Math.max(20, Math.min(2500, cycles / 4));
        ServerProcess.Cleanup cleanup;
        Memory memory;
        double seconds;
        int warmUp;
        List<Long> done = new ArrayList<>();
        try (ServerProcess server = ServerProcess.start(spec, options, List.of("cat"))) {
            report.server(server);
            memory = new Memory(report, server, spec);
            warmUp = warmUp(server, round);
            memory.read("before (after " + warmUp + " warm-up cycles)");
            server.baseline();
            done.add(0L);
            long t0 = System.nanoTime();
            int total = 0;
            for (int k = 1; k <= readings; k++) {
                int batch = (int) ((long) cycles * k / readings) - total;
                run(server, batch);
                total += batch;
                awaitNoChildren(server);
                memory.read("after " + total + " cycles");
                done.add((long) total);
            }
            seconds = (System.nanoTime() - t0) / 1e9;
            cleanup = server.finish();
        }
        List<ServerProcess.Reading> r = memory.readings();
        ServerProcess.Reading first = r.get(0), last = r.get(r.size() - 1);
        memory.table(String.format("%,d open/close cycles, %d at a time, server process only", cycles, parallel), "cycle", first,
                done.stream().mapToLong(Long::longValue).toArray());
        memory.nmtTable("where the growth went (NMT committed, KB per 1,000 cycles)", 0, r.size() - 1, cycles / 1000.0);
        long growthKb = last.rssKb() - first.rssKb();
        // The JDK makes a poller (an epoll fd and an eventfd) per carrier thread the first time a
        // virtual thread blocks there, so a short warm-up can leave one to be made during the
        // cycles: fds of those kinds are left out, as in the leak check after the stop.
        int fdsGrowth = cleanup.fdsLeaked();
        boolean heapLocated = first.javaHeap() != null && last.javaHeap() != null;
        long outsideGrowthKb = heapLocated ? last.rssOutsideHeapKb() - first.rssOutsideHeapKb() : growthKb;
        report.table("cycles", "", "cycles", "seconds", "per second", "RSS growth KB", "outside the Java heap", "fds", "threads")
                .row("open, echo a key, close", cycles, Report.fmt(seconds), Report.fmt(cycles / seconds), growthKb,
                        heapLocated ? outsideGrowthKb : "-",
                        first.fds() + " -> " + last.fds() + " (" + fdsGrowth + " pollers aside)", first.threads() + " -> " + last.threads());
        report.json().add("cycles", cycles).add("warmup_cycles", warmUp).add("parallel", parallel).add("seconds", Report.round(seconds, 2))
                .add("rss_growth_kb", growthKb).add("rss_outside_heap_growth_kb", outsideGrowthKb)
                .add("heap_growth_kb", last.heapKb() - first.heapKb())
                .add("fds_growth", fdsGrowth).add("fds_growth_with_pollers", last.fds() - first.fds())
                .add("threads_growth", last.threads() - first.threads());
        if (heapLocated && first.heapKb() >= 0) {
            // What the server holds, each part where it can be read exactly: the C heap, stacks,
            // code and metadata as RSS outside the Java heap's range; the Java heap as its live
            // data after a full GC and the memory G1 keeps committed for it. The heap's resident
            // pages move inside that committed size by whole regions as G1 writes a region it
            // had not touched since committing it (4 MB here, between two otherwise equal readings).
            long committedGrowthKb = last.javaHeap().committedKb() - first.javaHeap().committedKb();
            report.json().add("heap_committed_growth_kb", committedGrowthKb);
            report.target("RSS growth outside the Java heap over the cycles, KB", outsideGrowthKb, true, Targets.CYCLES_RSS_OUTSIDE_HEAP_GROWTH_KB, "");
            report.target("live Java heap growth (after a full GC), KB", last.heapKb() - first.heapKb(), true, Targets.CYCLES_LIVE_HEAP_GROWTH_KB, "");
            report.target("committed Java heap growth (after a full GC), KB", committedGrowthKb, true, Targets.CYCLES_NO_GROWTH, "");
            report.note(String.format("RSS in all grew by %,d KB, %,d KB of it resident pages of the Java heap's committed"
                    + " %,d KB (G1 writes whole regions): held memory is judged outside the heap (within 2 MB), by the live heap"
                    + " (within 1 MB) and by the heap G1 keeps committed (not up).", growthKb, growthKb - outsideGrowthKb,
                    last.javaHeap().committedKb()));
        } else {
            report.target("RSS growth over the cycles, KB", growthKb, true, Targets.CYCLES_RSS_OUTSIDE_HEAP_GROWTH_KB, "");
            report.note("RSS growth target: within 2 MB, i.e. no growth per cycle (the Java heap could not be told apart,"
                    + " or --no-gc left its live size unknown).");
        }
        report.target("fds growth (pollers aside)", fdsGrowth, true, Targets.CYCLES_NO_GROWTH, "");
        report.target("threads growth", last.threads() - first.threads(), true, Targets.CYCLES_NO_GROWTH, "");
        report.check("no children left after the cycles", last.children() == 0);
        report.cleanup(cleanup);
        return report.finish(System.out, spec.json);
    }

    /**
     * Rounds of {@code round} cycles, at least {@link #LEAST_WARM_UP_ROUNDS}, then until the server's
     * JIT compiled for less than {@link #QUIET} of a round's time, at most
     * {@link #MOST_WARM_UP_ROUNDS}; returns the cycles run.
     */
    private int warmUp(ServerProcess server, int round) throws InterruptedException {
        List<String> rounds = new ArrayList<>();
        boolean quiet = false;
        while (!quiet && rounds.size() < MOST_WARM_UP_ROUNDS) {
            double jit0 = Proc.compileSeconds(server.pid());
            long t0 = System.nanoTime();
            run(server, round);
            awaitNoChildren(server);
            double compiled = Proc.compileSeconds(server.pid()) - jit0, took = (System.nanoTime() - t0) / 1e9;
            rounds.add(String.format("%.1f s, %.2f s compiling", took, compiled));
            quiet = rounds.size() >= LEAST_WARM_UP_ROUNDS && jit0 >= 0 && compiled < QUIET * took;
        }
        System.out.printf("server warmed up: %d rounds of %d cycles (%s)%s%n", rounds.size(), round, String.join("; ", rounds),
                quiet ? "" : ", its JIT still busy after the last");
        return rounds.size() * round;
    }

    /** {@code count} cycles, {@code parallel} workers each doing one after another. */
    private void run(ServerProcess server, int count) throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        List<Thread> workers = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (int w = 0; w < parallel; w++) {
            workers.add(Thread.ofPlatform().name("cycle-" + w).start(() -> {
                try {
                    while (next.getAndIncrement() < count) {
                        cycle(server);
                    }
                } catch (Throwable e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            }));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60 + count).toNanos();
        for (Thread t : workers) {
            while (t.isAlive() && System.nanoTime() < deadline) {
                server.children(); // remembered: each must be gone once the server has stopped
                t.join(Duration.ofMillis(200));
            }
        }
        if (workers.stream().anyMatch(Thread::isAlive)) {
            throw new IllegalStateException(count + " cycles did not finish within " + (60 + count) + " s");
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException(failures.size() + " cycle workers failed; the first: " + failures.get(0), failures.get(0));
        }
    }

    private static void cycle(ServerProcess server) throws Exception {
        Clients.Open c = Clients.connect(server.ws()).orTimeout(EACH.toSeconds(), java.util.concurrent.TimeUnit.SECONDS).join();
        c.client().input("k\r");
        String got = c.output().await(6, EACH);
        if (!got.equals("k\r\nk\r\n")) {
            throw new IllegalStateException("expected the key echoed through cat, got " + StreamCheck.printable(got));
        }
        TtyClient.Close closed = c.client().closeAsync().join();
        if (closed.code() != 1000) {
            throw new IllegalStateException("the server answered the close with " + closed);
        }
    }

    private static void awaitNoChildren(ServerProcess server) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!server.children().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }
}

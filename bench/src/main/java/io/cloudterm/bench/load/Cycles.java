package io.cloudterm.bench.load;

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
        // The JIT compiles the open/close path over the first few thousand cycles, and its code
        // cache and metaspace grow meanwhile: growth is measured after that (2,500 for 10,000).
        int warmUp = Math.max(20, Math.min(2500, cycles / 4));
        ServerProcess.Cleanup cleanup;
        Memory memory;
        double seconds;
        List<Long> done = new ArrayList<>();
        try (ServerProcess server = ServerProcess.start(spec, options, List.of("cat"))) {
            report.server(server);
            memory = new Memory(report, server, spec);
            run(server, warmUp);
            awaitNoChildren(server);
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
        report.table("cycles", "", "cycles", "seconds", "per second", "RSS growth KB", "fds", "threads")
                .row("open, echo a key, close", cycles, Report.fmt(seconds), Report.fmt(cycles / seconds), growthKb,
                        first.fds() + " -> " + last.fds() + " (" + fdsGrowth + " pollers aside)", first.threads() + " -> " + last.threads());
        report.json().add("cycles", cycles).add("parallel", parallel).add("seconds", Report.round(seconds, 2))
                .add("rss_growth_kb", growthKb).add("heap_growth_kb", last.heapKb() - first.heapKb())
                .add("fds_growth", fdsGrowth).add("fds_growth_with_pollers", last.fds() - first.fds())
                .add("threads_growth", last.threads() - first.threads());
        report.target("RSS growth over the cycles, KB", growthKb, true, 2048, "");
        report.target("fds growth (pollers aside)", fdsGrowth, true, 0, "");
        report.target("threads growth", last.threads() - first.threads(), true, 0, "");
        report.check("no children left after the cycles", last.children() == 0);
        report.note("RSS growth target: within 2 MB (one G1 region's worth of noise), i.e. no growth per cycle.");
        report.cleanup(cleanup);
        return report.finish(System.out, spec.json);
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
        c.client().type("k\r");
        String got = c.output().await(6, EACH);
        if (!got.equals("k\r\nk\r\n")) {
            throw new IllegalStateException("expected the key echoed through cat, got " + StreamCheck.printable(got));
        }
        TtyClient.Closed closed = c.client().close();
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

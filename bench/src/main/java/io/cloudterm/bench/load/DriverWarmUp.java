package io.cloudterm.bench.load;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Warms the driver, not the server. A cold driver JIT-compiles its own WebSocket client (thousands
 * of methods) while it times the opens, on the same 2 CPUs where the server under test is opening
 * terminals; that is the driver's warm-up, not the server's. So before the server under test
 * starts, the driver opens and ends terminals against a throwaway server of the same build, in
 * rounds, until its own JIT has gone quiet; the server under test is as cold as ever.
 *
 * <p>A fixed count was not enough: after 1,000 opens the driver's C2 thread still took a fifth of
 * the 2 CPUs while the opens were timed (perf, per thread), and the driver spent 2.7 CPU-s per
 * 1,000 opens where a driver warmed on 3,000 spent 2.0.
 */
final class DriverWarmUp {

    /**
     * Rounds stop once the JIT compiled for less than this share of a round's time. Here the
     * driver's JIT never quite gets there: after four rounds it still counts 15-50% of a round compiling
     * (the JVM's count is elapsed time per compile, partly spent waiting for a CPU that the
     * throwaway server wants too), so the cap usually ends it; a quieter driver stops sooner.
     */
    static final double QUIET = 0.10;
    static final int MOST_ROUNDS = 6;

    private DriverWarmUp() {
    }

    /**
     * Opens and ends {@code terminals} against a throwaway server, {@code parallel} at a time, in
     * rounds until the driver's JIT is quiet (at most {@link #MOST_ROUNDS}), stops it; checks all of it.
     * Returns the rounds.
     */
    static int run(Report report, ServerSpec spec, int terminals, int parallel, Duration limit)
            throws IOException, InterruptedException {
        String most = String.valueOf(terminals);
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long t0 = System.nanoTime();
        List<String> rounds = new ArrayList<>();
        boolean quiet = false;
        int notEnded = 0;
        ServerProcess.Cleanup cleanup;
        try (ServerProcess throwaway = ServerProcess.start(spec,
                List.of("--keep-alive", "0", "--max-terminals", most, "--max-terminals-per-user", most), List.of("cat"))) {
            while (!quiet && rounds.size() < MOST_ROUNDS) {
                long jit0 = jit.getTotalCompilationTime(), r0 = System.nanoTime();
                List<Clients.Open> opened = Clients.open(terminals, Math.min(terminals, parallel), i -> throwaway.ws(), limit);
                throwaway.children(); // remembered, so that finish() can check none of them outlives the server
                Clients.typeAll(opened, "\u0004"); // EOF for cat
                notEnded += Clients.awaitClosed(opened, 1000, "exit 0", limit);
                double compiled = (jit.getTotalCompilationTime() - jit0) / 1e3, took = (System.nanoTime() - r0) / 1e9;
                rounds.add(String.format("%.1f s, %.1f s compiling", took, compiled));
                quiet = compiled < QUIET * took;
            }
            report.check("the driver's warm-up terminals ended with exit 0 (" + notEnded + " did not)", notEnded == 0);
            // Its fds are not what this run measures, and a cold server opens some for good on its first
            // terminal (/dev/urandom): the baseline is taken once the terminals are gone, so that
            // finish() does not wait for those to close.
            throwaway.settle();
            throwaway.baseline();
            cleanup = throwaway.finish();
        }
        report.check("the driver's throwaway server reaped every child (" + cleanup.childrenLeft() + " not) and left nothing"
                + " running once stopped (" + cleanup.leftRunning() + " was)", cleanup.childrenLeft() == 0 && cleanup.leftRunning() == 0);
        String how = String.format("driver warmed up: %d rounds of %d terminals opened and ended against a throwaway server in %.1f s"
                + " (%s)%s", rounds.size(), terminals, (System.nanoTime() - t0) / 1e9, String.join("; ", rounds),
                quiet ? "" : ", its JIT still busy after the last");
        System.out.println(how);
        return rounds.size();
    }
}

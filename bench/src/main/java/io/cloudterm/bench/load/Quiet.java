package io.cloudterm.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Whether the machine is quiet enough for a reference figure: the raw-pty ceiling is only a
 * ceiling when nothing else runs beside it. This driver's own JVM must have gone quiet (its JIT
 * and GC done: one clock tick in a quarter second) and the whole machine, from
 * {@code /proc/stat}, must be busy less than {@link #MOST_BUSY} of its CPUs over a second.
 */
final class Quiet {

    /** Busy share of all CPUs above which the machine is not idle enough for a ceiling. */
    static final double MOST_BUSY = 0.15;

    /** What the machine was doing just before a reference run. */
    record Machine(boolean driverQuiet, double busy, String loadAverage) {
        boolean idle() {
            return driverQuiet && busy <= MOST_BUSY;
        }

        @Override
        public String toString() {
            return String.format("machine %.0f%% busy, load %s%s", busy * 100, loadAverage, driverQuiet ? "" : ", driver not quiet");
        }
    }

    private Quiet() {
    }

    /** Waits (at most {@code limit}) for this driver and the machine to go quiet; says what it found. */
    static Machine await(Duration limit) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        boolean driverQuiet = Proc.awaitQuiet(ProcessHandle.current().pid(), limit);
        double busy;
        do {
            busy = busyOverOneSecond();
        } while (busy > MOST_BUSY && System.nanoTime() < deadline);
        return new Machine(driverQuiet, busy, Proc.loadAverage());
    }

    /** The busy share of all CPUs over one second: the first line of /proc/stat, idle and iowait as idle. */
    static double busyOverOneSecond() throws IOException, InterruptedException {
        long[] a = cpuLine();
        Thread.sleep(1000);
        long[] b = cpuLine();
        // user nice system idle iowait irq softirq steal: idle and iowait are the idle share.
        long total = 0;
        for (int i = 0; i < Math.min(a.length, 8); i++) {
            total += b[i] - a[i];
        }
        long idle = (b[3] - a[3]) + (b[4] - a[4]);
        return total == 0 ? 0 : (total - idle) / (double) total;
    }

    private static long[] cpuLine() throws IOException {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long[] v = new long[f.length - 1];
        for (int i = 1; i < f.length; i++) {
            v[i - 1] = Long.parseLong(f[i]);
        }
        return v;
    }
}

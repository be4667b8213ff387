package io.cloudterm.bench.load;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * Warms the driver, not the server. A cold driver JIT-compiles its own WebSocket client (thousands
 * of methods) while it times the opens, on the same 2 CPUs where the server under test is opening
 * terminals; that is the driver's warm-up, not the server's. So before the server under test
 * starts, the driver opens and ends terminals against a throwaway server of the same build; the
 * server under test is as cold as ever.
 */
final class DriverWarmUp {

    private DriverWarmUp() {
    }

    /** Opens {@code terminals} against a throwaway server, {@code parallel} at a time, ends them, stops it; checks all of it. */
    static void run(Report report, ServerSpec spec, StreamClient.Kind client, int terminals, int parallel, Duration limit)
            throws IOException, InterruptedException {
        String most = String.valueOf(terminals);
        long t0 = System.nanoTime();
        ServerProcess.Cleanup cleanup;
        try (ServerProcess throwaway = ServerProcess.start(spec,
                List.of("--keep-alive", "0", "--max-terminals", most, "--max-terminals-per-user", most), List.of("cat"))) {
            List<Clients.Open> opened = Clients.open(client, terminals, Math.min(terminals, parallel), i -> throwaway.ws(), limit);
            throwaway.children(); // remembered, so that finish() can check none of them outlives the server
            Clients.typeAll(opened, "\u0004"); // EOF for cat
            report.check("the driver's warm-up terminals ended with exit 0", Clients.awaitClosed(opened, 1000, "exit 0", limit) == 0);
            // Its fds are not what this run measures, and a cold server opens some for good on its first
            // terminal (/dev/urandom): the baseline is taken once the terminals are gone, so that
            // finish() does not wait for those to close.
            throwaway.settle();
            throwaway.baseline();
            cleanup = throwaway.finish();
        }
        report.check("the driver's throwaway server reaped every child (" + cleanup.childrenLeft() + " not) and left nothing"
                + " running once stopped (" + cleanup.leftRunning() + " was)", cleanup.childrenLeft() == 0 && cleanup.leftRunning() == 0);
        System.out.printf("driver warmed up: %d terminals opened and ended against a throwaway server in %.1f s%n", terminals,
                (System.nanoTime() - t0) / 1e9);
    }
}

package io.cloudterm.bench.load;

import io.cloudterm.client.TtyClient;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Throughput and fan-out: S terminals, each printing the same number of {@code x} at once,
 * against S plain pty loops at once (the ceiling), runs interleaved so both see the same machine.
 * The clock starts when every terminal has said READY and the byte counts are sent, and stops at
 * the last {@code x}; every byte is checked ({@link StreamCheck}) as it arrives, in the client's
 * read buffer, never copied. Server CPU is utime + stime of the server JVM over the run (the
 * shells, head and tr are other processes, not counted). The driver's CPU, on the same CPUs as
 * the server, is mostly its client's.
 */
final class Streams {

    private static final Duration READY_LIMIT = Duration.ofSeconds(30);

    private Streams() {
    }

    /** One timed run through the server. */
    record Run(long bytes, double seconds, long payload, long messages, long cpuTicks, long driverTicks) {
        double mbPerSecond() {
            return bytes / seconds / 1e6;
        }

        double cpuSecondsPerGb() {
            return cpuTicks / (double) Proc.TICKS_PER_SECOND / (bytes / 1e9);
        }

        double driverCpuSecondsPerGb() {
            return driverTicks / (double) Proc.TICKS_PER_SECOND / (bytes / 1e9);
        }
    }

    /** The whole scenario; returns the exit status. */
    static int measure(String scenario, ServerSpec spec, int terminals, long bytesEach, int runs, double ratioTarget)
            throws Exception {
        Report report = new Report(scenario, spec);
        long limit = Math.max(60, bytesEach * terminals / 1_000_000);
        PtyCeiling.run(terminals, Math.max(1, bytesEach / 5), limit); // warm the page cache and binaries
        List<String> options = List.of("--keep-alive", "0", "--max-terminals", String.valueOf(terminals + 10),
                "--max-terminals-per-user", String.valueOf(terminals + 10));
        List<Run> server = new ArrayList<>();
        List<PtyCeiling.Run> ceiling = new ArrayList<>();
        List<Quiet.Machine> machines = new ArrayList<>();
        Duration quietLimit = Duration.ofSeconds(spec.noSettle ? 2 : 20);
        ServerProcess.Cleanup cleanup;
        try (ServerProcess s = ServerProcess.start(spec, options, StreamCheck.COMMAND)) {
            report.server(s);
            System.out.println("server pid " + s.pid() + ": " + String.join(" ", s.command()));
            run(s, terminals, Math.max(1, bytesEach / 5)); // warm-up: JIT, buffers
            s.settle();
            s.baseline();
            for (int i = 0; i < runs; i++) {
                // The ceiling runs in its own processes (python3), once this driver's JIT and GC
                // have gone quiet and the server is idle between runs; the machine's load is kept
                // beside it, and a ceiling read on a busy machine is not trusted.
                Quiet.Machine machine = Quiet.await(quietLimit);
                machines.add(machine);
                PtyCeiling.Run c = PtyCeiling.run(terminals, bytesEach, limit);
                ceiling.add(c);
                Run r = run(s, terminals, bytesEach);
                server.add(r);
                System.out.printf("run %d: server %.1f MB/s (%d messages, %.2f CPU s/GB), ceiling %.1f MB/s (%s)%n", i + 1,
                        r.mbPerSecond(), r.messages(), r.cpuSecondsPerGb(), c.mbPerSecond(), machine);
            }
            cleanup = s.finish();
        }
        Run best = server.stream().min(Comparator.comparingDouble(Run::seconds)).orElseThrow();
        int topIndex = 0;
        for (int i = 1; i < runs; i++) {
            if (ceiling.get(i).seconds() < ceiling.get(topIndex).seconds()) {
                topIndex = i;
            }
        }
        PtyCeiling.Run top = ceiling.get(topIndex);
        Quiet.Machine topMachine = machines.get(topIndex);
        double ratio = best.mbPerSecond() / top.mbPerSecond();
        double bytesPerMessage = (double) best.payload() / best.messages();

        JsonArrayBuilder all = Json.createArrayBuilder();
        for (int i = 0; i < runs; i++) {
            Run r = server.get(i);
            all.add(Json.createObjectBuilder().add("server_MBps", Report.round(r.mbPerSecond(), 1))
                    .add("server_cpu_s_per_GB", Report.round(r.cpuSecondsPerGb(), 2))
                    .add("bytes_per_message", Math.round((double) r.payload() / r.messages()))
                    .add("ceiling_MBps", Report.round(ceiling.get(i).mbPerSecond(), 1))
                    .add("ceiling_machine_busy", Report.round(machines.get(i).busy(), 3))
                    .add("ceiling_load_average", machines.get(i).loadAverage())
                    .add("ceiling_machine_idle", machines.get(i).idle()));
        }
        report.json().add("terminals", terminals).add("bytes_per_terminal", bytesEach).add("runs", all)
                .add("server_MBps", Report.round(best.mbPerSecond(), 1))
                .add("ceiling_MBps", Report.round(top.mbPerSecond(), 1))
                .add("ceiling_machine_busy", Report.round(topMachine.busy(), 3))
                .add("ceiling_load_average", topMachine.loadAverage())
                .add("ceiling_machine_idle", topMachine.idle())
                .add("ratio", Report.round(ratio, 3))
                .add("server_cpu_s_per_GB", Report.round(best.cpuSecondsPerGb(), 2))
                .add("driver_cpu_s_per_GB", Report.round(best.driverCpuSecondsPerGb(), 2))
                .add("bytes_per_message", Math.round(bytesPerMessage))
                .add("ceiling_bytes_per_read", Math.round((double) top.bytes() / top.reads()))
                .add("bytes_exact", true);
        String what = terminals == 1 ? "one terminal" : terminals + " terminals at once";
        Table t = report.table(String.format("%s printing %,d bytes%s (best of %d; every byte checked)", what, bytesEach,
                terminals == 1 ? "" : " each", runs), "", "MB/s", "bytes/message", "server CPU s/GB", "driver CPU s/GB", "runs, MB/s", "machine before the ceiling");
        t.row("CloudTerm", Report.fmt(best.mbPerSecond()), Report.fmt(bytesPerMessage),
                Report.fmt(best.cpuSecondsPerGb()), Report.fmt(best.driverCpuSecondsPerGb()), join(server.stream().mapToDouble(Run::mbPerSecond).toArray()), "");
        t.row("ceiling: " + (terminals == 1 ? "a python3 loop" : terminals + " python3 loops") + " on a pty master",
                Report.fmt(top.mbPerSecond()), Report.fmt((double) top.bytes() / top.reads()) + "/read", "-", "-",
                join(ceiling.stream().mapToDouble(PtyCeiling.Run::mbPerSecond).toArray()), topMachine.toString());
        t.row("ratio", Report.fmt(ratio), "", "", "", "", "");
        String suspect = ratio > Targets.CEILING_SUSPECT_RATIO ? "ceiling suspect (ratio above 1)"
                : !topMachine.idle() ? "ceiling suspect (" + topMachine + ")" : null;
        report.target(terminals == 1 ? "throughput / raw-pty ceiling" : "fan-out over " + terminals + " / ceiling",
                ratio, false, ratioTarget, "", suspect);
        report.target("server CPU-seconds per GB" + (terminals == 1 ? "" : " (" + terminals + " at once)"),
                best.cpuSecondsPerGb(), true, Targets.CPU_SECONDS_PER_GB, "");
        report.note("CPU: the server JVM's own utime+stime from /proc over the run (CLK_TCK 100), and this driver's (its"
                + " WebSocket client); both share the machine's " + Runtime.getRuntime().availableProcessors() + " CPUs.");
        report.note(String.format("Ceiling: taken in its own python3 processes, interleaved with the server runs, each after"
                + " this driver had gone quiet and the machine was idle (busy at most %.0f%% of its CPUs over a second) or 20 s"
                + " had passed; the fastest was taken with the %s. A ratio above 1 or a ceiling on a busy machine is"
                + " reported as suspect, not met.", Quiet.MOST_BUSY * 100, topMachine));
        report.cleanup(cleanup);
        return report.finish(System.out, spec.json);
    }

    /** One run: S terminals ready, the counts sent at once, every byte checked, every terminal ended. */
    static Run run(ServerProcess server, int terminals, long bytesEach) throws Exception {
        // The server's children are remembered once the terminals are ready: each must be gone once it has stopped.
        return run(Entrance.open(server.ws()), terminals, bytesEach, () -> Proc.cpuTicks(server.pid()), server::children);
    }

    /**
     * The same through {@code at} (a server, or a proxy in front of one); {@code cpuTicks} reads the
     * CPU the run's figure counts (the server's, or the relaying process's), {@code ready} runs once
     * every terminal has said READY.
     */
    static Run run(Entrance at, int terminals, long bytesEach, LongSupplier cpuTicks, Runnable ready) throws Exception {
        List<StreamCheck> checks = new ArrayList<>();
        List<TtyClient> clients = new ArrayList<>();
        for (int i = 0; i < terminals; i++) {
            StreamCheck check = new StreamCheck(bytesEach);
            TtyClient c = Clients.openStream(at, check);
            c.closed().thenAccept(check::closed);
            checks.add(check);
            clients.add(c);
        }
        for (StreamCheck check : checks) {
            check.awaitReady(READY_LIMIT);
        }
        ready.run();
        long driver = ProcessHandle.current().pid();
        long cpu0 = cpuTicks.getAsLong(), driver0 = Proc.cpuTicks(driver);
        long t0 = System.nanoTime();
        for (TtyClient c : clients) {
            c.input(bytesEach + "\r");
        }
        Duration limit = Duration.ofSeconds(Math.max(60, bytesEach * terminals / 1_000_000));
        long last = 0;
        for (StreamCheck check : checks) {
            check.awaitEnd(limit);
            last = Math.max(last, check.lastX());
        }
        long cpu1 = cpuTicks.getAsLong(), driver1 = Proc.cpuTicks(driver);
        long payload = 0, messages = 0;
        for (int i = 0; i < terminals; i++) {
            TtyClient.Close closed = clients.get(i).closed().orTimeout(20, TimeUnit.SECONDS).join();
            if (closed.code() != 1000 || !closed.reason().equals("exit 0")) {
                throw new IllegalStateException("the terminal ended with " + closed + ", not 1000 'exit 0'");
            }
            payload += checks.get(i).payload();
            messages += clients.get(i).outputMessages();
        }
        return new Run(bytesEach * terminals, (last - t0) / 1e9, payload, messages, cpu1 - cpu0, driver1 - driver0);
    }

    private static String join(double[] values) {
        List<String> s = new ArrayList<>();
        for (double v : values) {
            s.add(Report.fmt(v));
        }
        return String.join(" ", s);
    }
}

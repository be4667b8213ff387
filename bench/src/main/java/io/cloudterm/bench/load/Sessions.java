package io.cloudterm.bench.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * N terminals ({@code cat}) opened at once: the time to open them all, and the server's memory
 * with each attached to its client, then detached (clients gone, terminals kept alive), then
 * ended; every child reaped, fds back.
 */
@Command(name = "sessions", mixinStandardHelpOptions = true,
        description = "Open N terminals: time to open all, server RSS per terminal (attached and detached), threads, fds, reaping.")
final class Sessions implements Callable<Integer> {

    private static final java.util.concurrent.ExecutorService FILLERS = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();

    @Mixin
    ServerSpec spec;

    @Option(names = "--terminals", description = "terminals to open (default ${DEFAULT-VALUE}; at most what the pty limit allows)",
            defaultValue = "1000")
    int n;

    @Option(names = "--parallel", description = "opens in flight at once (default ${DEFAULT-VALUE})", defaultValue = "32")
    int parallel;

    @Option(names = "--warmup", description = "terminals opened and ended before the timed opens, so that the JIT has"
            + " compiled the path (default ${DEFAULT-VALUE}: a fresh server, what a user sees)", defaultValue = "0")
    int warmUp;

    @Option(names = "--driver-warmup", description = "terminals the driver first opens and ends against a throwaway server,"
            + " in rounds until its own JIT is quiet, so that its WebSocket client is compiled before the server under test"
            + " starts (default ${DEFAULT-VALUE} a round; 0: a cold driver)", defaultValue = "1000")
    int driverWarmUp;

    @Option(names = "--fill", description = "also fill each terminal's scrollback with this many KB of output, then detach"
            + " and read again (default ${DEFAULT-VALUE}: no)", defaultValue = "0")
    int fillKb;

    /** One line typed when filling: the pty echoes it and cat prints it, 2 x 80 bytes of output. */
    private static final String LINE = "y".repeat(78);
    private static final int CHUNK_LINES = 40;

    /** Each must be a live cat: the pty echoes k and CR LF, cat prints them back. */
    private static void echoThroughCat(Report report, String which, List<Clients.Open> clients, Duration limit)
            throws InterruptedException {
        Clients.typeAll(clients, "k\r");
        report.check("every terminal of the " + which + " echoed its key through cat",
                Clients.awaitOutput(clients, "k\r\nk\r\n", limit) == 0);
    }

    /** Fds a live terminal holds in the server: its pty, its child's pidfd, its client's socket. */
    private static final int FDS_PER_TERMINAL = 3;

    /**
     * The most terminals a server can hold with {@code fdLimit} open files: it refuses new
     * connections once it is within its headroom of the limit (so that it can still accept,
     * log and close), and about 500 fds go to the JVM, its jars and its listeners.
     */
    static long mostTerminals(long fdLimit) {
        return (fdLimit - serverFdHeadroom(fdLimit) - 500) / FDS_PER_TERMINAL;
    }

    /** The fds the server keeps free: an eighth of its limit, from 32 to 1,024 (as its FdHeadroom does). */
    private static long serverFdHeadroom(long fdLimit) {
        return Math.clamp(fdLimit / 8, 32, 1024);
    }

    @Override
    public Integer call() throws Exception {
        if (driverWarmUp < 0 || warmUp < 0) {
            throw new IllegalArgumentException("--warmup and --driver-warmup must be 0 or more");
        }
        long fdLimit = Proc.openFilesLimit();
        if (n > mostTerminals(fdLimit)) {
            throw new IllegalArgumentException(String.format("%,d live terminals need about %,d fds in the server (a pty, a"
                    + " pidfd and a socket each), and one process may open %,d here (ulimit -n), of which the server"
                    + " keeps the last %,d free: open at most %,d",
                    n, FDS_PER_TERMINAL * n + 500, fdLimit, serverFdHeadroom(fdLimit), mostTerminals(fdLimit)));
        }
        // The driver's throwaway server has stopped before the server under test starts.
        try (PtyLimit ptys = PtyLimit.roomFor(Math.max(n + warmUp, driverWarmUp))) {
            return measure(ptys);
        }
    }

    private int measure(PtyLimit ptys) throws Exception {
        Report report = new Report("sessions", spec);
        int driverRounds = 0;
        if (driverWarmUp > 0) {
            driverRounds = DriverWarmUp.run(report, spec, driverWarmUp, parallel, Duration.ofSeconds(60 + driverWarmUp / 10));
        }
        int half = n / 2;
        List<String> options = List.of("--keep-alive", "3600", "--max-terminals", String.valueOf(n + 2 * warmUp),
                "--max-terminals-per-user", String.valueOf(n + 2 * warmUp));
        Duration limit = Duration.ofSeconds(60 + n / 10);
        ServerProcess.Cleanup cleanup;
        Memory memory;
        double openSeconds;
        long serverTicks, driverTicks;
        int children;
        long idleKb, preOpenKb, afterKb = 0;
        double returnSeconds = -1;
        try (ServerProcess server = ServerProcess.start(spec, options, List.of("cat"))) {
            report.server(server);
            memory = new Memory(report, server, spec);
            // What a user sees of a freshly started server, idle: its RSS once it has gone quiet,
            // no GC asked for.
            idleKb = server.plainRssKb();
            System.out.printf("freshly started, idle: RSS %.1f MB%n", idleKb / 1024.0);
            if (warmUp > 0) {
                List<Clients.Open> warm = Clients.open(warmUp, Math.min(warmUp, parallel), i -> server.ws(), limit);
                Clients.typeAll(warm, "\u0004"); // EOF for cat at the start of a line
                report.check("warm-up terminals ended with exit 0", Clients.awaitClosed(warm, 1000, "exit 0", limit) == 0);
                Thread.sleep(500);
            }
            preOpenKb = server.plainRssKb();
            memory.read(warmUp == 0 ? "before (fresh server)" : "before (after " + warmUp + " opened and ended)");
            server.baseline();

            // Opened in two halves with a reading between: the second half's cost is the marginal
            // one, free of what the first terminals pay once (the JIT's code, pools grown to the
            // burst, the heap's growth during it).
            long driver = ProcessHandle.current().pid();
            long server0 = Proc.cpuTicks(server.pid()), driver0 = Proc.cpuTicks(driver);
            long t0 = System.nanoTime();
            List<Clients.Open> clients = new ArrayList<>(Clients.open(half, parallel, i -> server.ws(), limit));
            openSeconds = (System.nanoTime() - t0) / 1e9;
            serverTicks = Proc.cpuTicks(server.pid()) - server0;
            driverTicks = Proc.cpuTicks(driver) - driver0;
            echoThroughCat(report, "first half", clients, limit);
            memory.read(half + " terminals, each with its client");
            long server1 = Proc.cpuTicks(server.pid()), driver1 = Proc.cpuTicks(driver);
            long t1 = System.nanoTime();
            List<Clients.Open> second = Clients.open(n - half, parallel, i -> server.ws(), limit);
            openSeconds += (System.nanoTime() - t1) / 1e9;
            serverTicks += Proc.cpuTicks(server.pid()) - server1;
            driverTicks += Proc.cpuTicks(driver) - driver1;
            System.out.printf("opened %d terminals in %.2f s (%d in flight)%n", n, openSeconds, parallel);
            echoThroughCat(report, "second half", second, limit);
            clients.addAll(second);
            children = server.children().size();
            memory.read(n + " terminals, each with its client");

            Clients.close(clients, parallel, limit);
            Thread.sleep(1000);
            memory.read(n + " terminals detached (clients gone)");

            if (fillKb > 0) {
                List<Clients.Open> filling = Clients.open(n, parallel, i -> server.ws(clients.get(i).handle()), limit);
                long lines = Math.max(1, fillKb * 1000L / 160);
                long expected = 6 + lines * 160; // the replayed k, then each line twice with CR LF
                Clients.all(n, parallel, i -> CompletableFuture.supplyAsync(() -> {
                    Clients.Open c = filling.get(i);
                    try {
                        // A chunk at a time, each under the pty's 4 KiB echo buffer: a larger paste
                        // can lose echoes in the kernel's line discipline when output lags.
                        for (long done = 0; done < lines; done += CHUNK_LINES) {
                            long now = Math.min(CHUNK_LINES, lines - done);
                            c.client().input((LINE + "\r").repeat((int) now));
                            c.output().await(6 + (done + now) * 160, Duration.ofSeconds(30));
                        }
                        return c.output().await(expected, limit);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }, FILLERS), limit, "fill");
                report.check("every terminal printed all its lines",
                        filling.stream().allMatch(c -> c.output().bytes() == expected));
                Clients.close(filling, parallel, limit);
                Thread.sleep(1000);
                memory.read(n + " terminals detached, " + fillKb + " KB of output each");
            }

            List<Clients.Open> again = Clients.open(n, parallel, i -> server.ws(clients.get(i).handle()), limit);
            report.check("every terminal reattached", again.stream().allMatch(Clients.Open::reattached));
            if (fillKb > 0) {
                // The replay is the newest output the scrollback kept: it must end at a line's end (the
                // pty's echo of one line and cat's copy of the one before may interleave, so no more).
                String tail = "y\r\n";
                long deadline = System.nanoTime() + limit.toNanos();
                int wrong = 0;
                for (Clients.Open c : again) {
                    while (!c.output().text().endsWith(tail) && System.nanoTime() < deadline) {
                        Thread.sleep(10);
                    }
                    if (!c.output().text().endsWith(tail) && wrong++ < 3) {
                        String got = c.output().text();
                        System.out.println("reattach to " + c.handle() + ": " + c.output().bytes() + " bytes replayed, ending "
                                + StreamCheck.printable(got.substring(Math.max(0, got.length() - 100))));
                    }
                }
                report.check("every reattach replayed the newest output (" + wrong + " did not)", wrong == 0);
                report.json().add("replayed_bytes_average", again.stream().mapToLong(c -> c.output().bytes()).sum() / n);
            } else {
                report.check("every reattach replayed the terminal's output",
                        Clients.awaitOutput(again, "k\r\nk\r\n", limit) == 0);
            }
            Clients.typeAll(again, "\u0004");
            report.check("every terminal ended with exit 0", Clients.awaitClosed(again, 1000, "exit 0", limit) == 0);
            // All gone: does the RSS a user sees come back, on its own (no GC asked for), within the goal's time?
            long ended = System.nanoTime(), returnDeadline = ended + TimeUnit.SECONDS.toNanos(Targets.RSS_RETURN_SECONDS);
            do {
                afterKb = Proc.usage(server.pid()).rssKb();
                if (afterKb - preOpenKb <= Targets.RSS_RETURN_MB * 1024) {
                    returnSeconds = (System.nanoTime() - ended) / 1e9;
                    break;
                }
                Thread.sleep(1000);
            } while (System.nanoTime() < returnDeadline);
            System.out.printf("after all ended: RSS %.1f MB (%.1f MB before opening)%s%n", afterKb / 1024.0, preOpenKb / 1024.0,
                    returnSeconds < 0 ? ", not back within " + Targets.RSS_RETURN_SECONDS + " s" : ", back after " + Report.fmt(returnSeconds) + " s");
            cleanup = server.finish();
        }
        List<ServerProcess.Reading> r = memory.readings();
        memory.table(String.format("%,d terminals of cat, server process only (RSS after a full GC)", n), "terminal", r.get(0),
                fillKb > 0 ? new long[] {0, half, n, n, n} : new long[] {0, half, n, n});
        memory.nmtTable("where each attached terminal's memory went (NMT committed, KB per terminal)", 0, 2, n);
        memory.nmtTable("where each attached terminal of the second half went (NMT committed, KB per terminal)", 1, 2, n - half);
        memory.nmtTable("where each detached terminal's memory went (NMT committed, KB per terminal)", 0, 3, n);
        memory.histogramTable("live heap per attached terminal, by class (bytes per terminal)", 0, 2, n);
        memory.histogramTable("live heap per detached terminal, by class (bytes per terminal)", 0, 3, n);
        double attached = Memory.perUnitKb(r.get(0), r.get(2), n), detached = Memory.perUnitKb(r.get(0), r.get(3), n);
        double marginal = Memory.perUnitKb(r.get(1), r.get(2), n - half);
        // A terminal's client costs what the clients' leaving gave back; the rest is the terminal's own.
        double marginalDetached = marginal - (r.get(2).rssKb() - r.get(3).rssKb()) / (double) n;
        double serverCpu = serverTicks / (double) Proc.TICKS_PER_SECOND, driverCpu = driverTicks / (double) Proc.TICKS_PER_SECOND;
        report.table("opening", "", "terminals", "seconds", "ms each", "in flight", "server CPU s",
                "driver CPU s", "processes under the server")
                .row("open all (connect, JSON_DATA, TERMINAL_INFO)", n, Report.fmt(openSeconds), Report.fmt(openSeconds * 1000 / n),
                        parallel, Report.fmt(serverCpu), Report.fmt(driverCpu), children);
        report.json().add("driver_warmup", driverWarmUp)
                .add("driver_warmup_rounds", driverRounds).add("terminals", n).add("parallel", parallel)
                .add("open_seconds", Report.round(openSeconds, 3))
                .add("open_server_cpu_seconds", Report.round(serverCpu, 2)).add("open_driver_cpu_seconds", Report.round(driverCpu, 2))
                .add("kb_per_attached_terminal", Report.round(attached, 2)).add("kb_per_detached_terminal", Report.round(detached, 2))
                .add("kb_per_attached_terminal_marginal", Report.round(marginal, 2))
                .add("kb_per_detached_terminal_marginal", Report.round(marginalDetached, 2))
                .add("processes_under_server", children);
        String server = warmUp == 0 ? "fresh server" : "server warmed with " + warmUp;
        report.json().add("idle_rss_kb_fresh", idleKb).add("rss_kb_before_open", preOpenKb).add("rss_kb_after_all_ended", afterKb)
                .add("rss_return_seconds", Report.round(returnSeconds, 1)).add("pty_limit_raised", ptys.raised());
        report.target("idle RSS of a freshly started server, MB", idleKb / 1024.0, true, Targets.IDLE_RSS_MB, "");
        report.target(String.format("seconds to open 1,000 terminals, %s%s", warmUp == 0 ? "cold server" : server,
                n == 1000 ? "" : String.format(" (scaled from %,d)", n)), openSeconds * 1000 / n, true, Targets.OPEN_1000_SECONDS, "");
        report.target(String.format("server RSS KB per live terminal (with its client) at %,d, %s", n, server), attached, true,
                Targets.kbPerTerminal(spec, n), "");
        report.target(String.format("RSS back within %.0f MB of before opening, %d s after all ended, MB over",
                Targets.RSS_RETURN_MB, Targets.RSS_RETURN_SECONDS), (afterKb - preOpenKb) / 1024.0, true, Targets.RSS_RETURN_MB, "");
        if (fillKb > 0) {
            report.json().add("fill_kb", fillKb).add("kb_per_detached_terminal_with_scrollback", Report.round(Memory.perUnitKb(r.get(0), r.get(4), n), 2));
            report.note("Scrollback: 1 MiB per terminal at most, and all terminals share one budget (256 MiB by default);"
                    + " the full-scrollback figure is bounded by that budget, not by N times the output.");
        }
        report.note("Marginal: the second half's RSS over the reading after the first half, per terminal; a detached"
                + " terminal's marginal is that less what its client gave back when it left. \"From empty\" also carries"
                + " what the first terminals pay once: compiled code, pools grown to the opening burst, the heap grown during it.");
        report.note("CPU while opening: the server JVM's own utime+stime from /proc (CLK_TCK 100), and this driver's (mostly"
                + " its WebSocket client); both share the machine's "
                + Runtime.getRuntime().availableProcessors() + " CPUs. "
                + (driverWarmUp > 0 ? "The driver was warmed first against a throwaway server (" + driverRounds + " rounds of "
                        + driverWarmUp + " terminals, until its JIT was quiet or for at most " + DriverWarmUp.MOST_ROUNDS
                        + " rounds); the server under test was not." : "The driver was as cold as the server (--driver-warmup 0)."));
        report.note("pty max " + ptys.before() + " on this machine: one pty per terminal"
                + (ptys.raised() ? " (raised to " + Proc.ptyMax() + " for this run, restored at its end)." : ".")
                + " RSS before opening and after all ended is as a user sees it (no GC asked for); the table's are after a full GC."
                + (spec.mode().equals("pure-Java") ? " Pure-Java mode: each terminal is script(1) + cat, outside the server's RSS." : ""));
        report.cleanup(cleanup);
        return report.finish(System.out, spec.json);
    }
}

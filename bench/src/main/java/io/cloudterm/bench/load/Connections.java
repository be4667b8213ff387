package io.cloudterm.bench.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * N idle WebSocket connections held open. Each connection to {@code ws} starts or attaches a
 * terminal and ptys are few, so the connections are spread over a few terminals: one client
 * starts each terminal, the rest reattach by its handle ({@code ?t=}). The cost per connection is
 * the RSS the reattached clients add over the terminals with one client each.
 */
@Command(name = "connections", mixinStandardHelpOptions = true,
        description = "Hold N idle WebSocket connections over a few terminals: server RSS per connection, threads, fds; extrapolated to 100K.")
final class Connections implements Callable<Integer> {

    @Mixin
    ServerSpec spec;

    @Option(names = "--connections", description = "connections to hold (default ${DEFAULT-VALUE})", defaultValue = "10000")
    int n;

    @Option(names = "--per-terminal", description = "connections sharing one terminal (default ${DEFAULT-VALUE})", defaultValue = "1000")
    int perTerminal;

    @Option(names = "--parallel", description = "opens in flight at once (default ${DEFAULT-VALUE})", defaultValue = "64")
    int parallel;

    @Option(names = "--hold", description = "seconds to hold them idle before the reading (default ${DEFAULT-VALUE})", defaultValue = "10")
    int hold;

    @Override
    public Integer call() throws Exception {
        long fdLimit = Proc.openFilesLimit();
        if (n + 500 > fdLimit) {
            throw new IllegalArgumentException(n + " connections need as many fds in this driver and in the server, and one"
                    + " process may open " + fdLimit + " here: hold fewer");
        }
        int terminals = (n + perTerminal - 1) / perTerminal;
        Report report = new Report("connections", spec);
        // The server caps a user's clients per terminal (32 by default): here one user holds them all.
        List<String> options = List.of("--keep-alive", "3600", "--max-clients", "0",
                "--max-clients-per-terminal", String.valueOf(perTerminal + 10),
                "--max-terminals", String.valueOf(terminals + 10), "--max-terminals-per-user", String.valueOf(terminals + 10));
        Duration limit = Duration.ofSeconds(120 + n / 50);
        ServerProcess.Cleanup cleanup;
        Memory memory;
        double openSeconds;
        int driverFdsBefore, driverFds;
        long driverHeapKb;
        try (ServerProcess server = ServerProcess.start(spec, options, List.of("cat"))) {
            report.server(server);
            memory = new Memory(report, server, spec);
            // Warm-up: a terminal with a few reattached clients, ended.
            List<Clients.Open> warm = new ArrayList<>(Clients.open(1, 1, i -> server.ws(), limit));
            warm.addAll(Clients.open(5, 5, i -> server.ws(warm.get(0).handle()), limit));
            Clients.typeAll(warm.subList(0, 1), "\u0004");
            report.check("warm-up terminal ended with exit 0 for all its clients", Clients.awaitClosed(warm, 1000, "exit 0", limit) == 0);
            Thread.sleep(500);
            memory.read("before");
            server.baseline();
            driverFdsBefore = Proc.fds(ProcessHandle.current().pid());

            List<Clients.Open> owners = Clients.open(terminals, parallel, i -> server.ws(), limit);
            Thread.sleep(500);
            memory.read(terminals + " terminals, one client each");
            long t0 = System.nanoTime();
            List<Clients.Open> others = Clients.open(n - terminals, parallel, i -> server.ws(owners.get(i % terminals).handle()), limit);
            openSeconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("opened %d more connections in %.1f s; holding them idle for %d s%n", n - terminals, openSeconds, hold);
            report.check("every extra connection reattached", others.stream().allMatch(Clients.Open::reattached));
            Thread.sleep(hold * 1000L);
            memory.read(n + " connections on " + terminals + " terminals, idle");
            driverFds = Proc.fds(ProcessHandle.current().pid());
            System.gc();
            driverHeapKb = (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / 1024;

            // Still alive: one line typed into each terminal reaches every one of its clients exactly.
            Clients.typeAll(owners, "p\r");
            List<Clients.Open> all = new ArrayList<>(owners);
            all.addAll(others);
            report.check("every connection got its terminal's output exactly once",
                    Clients.awaitOutput(all, "p\r\np\r\n", limit) == 0);
            // Ending each terminal closes all its clients.
            Clients.typeAll(owners, "\u0004");
            report.check("every connection closed with 1000 'exit 0' when its terminal ended",
                    Clients.awaitClosed(all, 1000, "exit 0", limit) == 0);
            cleanup = server.finish();
        }
        List<ServerProcess.Reading> r = memory.readings();
        int extra = n - terminals;
        double perConnection = Memory.perUnitKb(r.get(1), r.get(2), extra);
        memory.table(String.format("%,d idle connections on %d terminals of cat, server process only (RSS after a full GC)",
                n, terminals), "connection", r.get(1), new long[] {0, 0, extra});
        memory.nmtTable("where each idle connection's memory went (NMT committed, KB per connection)", 1, 2, extra);
        memory.histogramTable("live heap per idle connection, by class (bytes per connection)", 1, 2, extra);
        double driverFdsPer = (driverFds - driverFdsBefore) / (double) n;
        report.table("opening and the client side", "", "connections", "seconds", "per second", "driver fds/connection", "driver heap MB")
                .row("reattach (connect, JSON_DATA, TERMINAL_INFO)", extra, Report.fmt(openSeconds), Report.fmt(extra / openSeconds),
                        Report.fmt(driverFdsPer), Report.fmt(driverHeapKb / 1024.0));
        long baseKb = r.get(1).rssKb();
        double at100k = (baseKb + perConnection * 100_000) / 1024 / 1024;
        report.json().add("connections", n).add("terminals", terminals).add("per_terminal", perTerminal)
                .add("open_seconds", Report.round(openSeconds, 2)).add("kb_per_idle_connection", Report.round(perConnection, 2))
                .add("server_fds_per_connection", Report.round((r.get(2).fds() - r.get(1).fds()) / (double) extra, 3))
                .add("driver_fds_per_connection", Report.round(driverFdsPer, 3)).add("driver_heap_kb", driverHeapKb)
                .add("extrapolated_rss_gb_at_100k", Report.round(at100k, 2));
        // A connection holds one socket in the server; the terminals and the JVM's own need the rest.
        long fdsAt100k = 100_000 + r.get(1).fds() + 1000;
        report.json().add("fds_needed_at_100k", fdsAt100k).add("fd_limit_here", fdLimit);
        report.target(String.format("server RSS KB per idle connection (%,d held)", extra), perConnection, true,
                Targets.KB_PER_CONNECTION, "");
        report.note(String.format("What a connection includes: its TCP socket (one fd), its WebSocket state (in native mode"
                + " on a socket taken over from Helidon, parked on the epoll thread with no thread of its own; otherwise"
                + " Helidon's connection with a virtual thread blocked reading it), CloudTerm's listener and its attachment to"
                + " the terminal; the terminal's own cost is in the base reading."));
        report.note(String.format("100K connections, extrapolated: %.1f GB of server RSS (%.0f MB now + 100,000 x %.1f KB), %,d"
                + " fds in the server (ulimit -n %,d or more; here one process may hold %,d), and on the client side 100K sockets from"
                + " more source addresses than one (a source address has about 28K ephemeral ports) or several client machines;"
                + " terminals need not grow (ptys: %s here).", at100k, baseKb / 1024.0, perConnection, fdsAt100k, fdsAt100k, fdLimit,
                Proc.ptyMax()));
        report.table("100,000 idle connections, extrapolated", "", "server RSS GB", "server fds (ulimit -n)", "limit here")
                .row("from this run", Report.fmt(at100k), String.format("%,d", fdsAt100k), String.format("%,d", fdLimit));
        report.cleanup(cleanup);
        return report.finish(System.out, spec.json);
    }
}

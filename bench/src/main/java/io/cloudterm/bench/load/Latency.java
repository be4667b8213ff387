package io.cloudterm.bench.load;

import io.cloudterm.client.TtyClient;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import org.HdrHistogram.Histogram;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Keystroke to echo: one key at a time through {@code cat} in raw mode, each timed from sending
 * INPUT to the arrival of its echo; alone, then with other terminals typing; the same loop, same
 * client, against a trivial WebSocket echo and a plain TCP echo as floors.
 */
@Command(name = "latency", mixinStandardHelpOptions = true,
        description = "Keystroke -> echo round trips through cat in raw mode: p50..max, alone and with typists, against echo floors.")
final class Latency implements Callable<Integer> {

    private static final Duration ECHO_LIMIT = Duration.ofSeconds(5);

    @Mixin
    ServerSpec spec;

    @Option(names = "--keys", description = "timed round trips per run (default ${DEFAULT-VALUE})", defaultValue = "2000")
    int keys;

    @Option(names = "--warmup", description = "untimed round trips before each run (default ${DEFAULT-VALUE})", defaultValue = "200")
    int warmup;

    @Option(names = "--runs", description = "runs of each, for the spread (default ${DEFAULT-VALUE})", defaultValue = "5")
    int runs;

    @Option(names = "--typists", description = "other terminals typing during the loaded runs (default ${DEFAULT-VALUE})", defaultValue = "100")
    int typists;

    @Option(names = "--rate", description = "keys per second each typist types (default ${DEFAULT-VALUE})", defaultValue = "10")
    int rate;

    @Option(names = "--cpu-keys", description = "keys typed after the timed runs, for the CPU per keystroke of a warm server"
            + " (default ${DEFAULT-VALUE})", defaultValue = "30000")
    int cpuKeys;

    interface RoundTrip {
        void run(long i) throws Exception;
    }

    @Override
    public Integer call() throws Exception {
        Report report = new Report("latency", spec);
        List<RoundTrips> tcp = new ArrayList<>(), ws = new ArrayList<>(), pty = new ArrayList<>(), alone = new ArrayList<>(), loaded = new ArrayList<>();
        try (EchoFloors.TcpEcho echo = new EchoFloors.TcpEcho(); Socket s = new Socket(InetAddress.getLoopbackAddress(), echo.port())) {
            s.setTcpNoDelay(true);
            s.setSoTimeout((int) ECHO_LIMIT.toMillis());
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            for (int r = 0; r < runs; r++) {
                tcp.add(loop("tcp echo", i -> {
                    out.write(EchoCheck.key(i));
                    out.flush();
                    int b = in.read();
                    if (b != EchoCheck.key(i)) {
                        throw new IllegalStateException("tcp echo gave " + b + " for " + EchoCheck.key(i));
                    }
                }));
            }
        }
        try (EchoFloors.WebSocketEcho echo = new EchoFloors.WebSocketEcho()) {
            EchoCheck check = new EchoCheck(false);
            TtyClient c = Clients.open(URI.create("ws://127.0.0.1:" + echo.port() + "/ws"), check, Clients.SMALL_BUFFER);
            for (int r = 0; r < runs; r++) {
                ws.add(loop("WebSocket echo", keystroke(c, check)));
            }
            c.close();
        }

        for (int r = 0; r < runs; r++) {
            RoundTrips p = RoundTrips.of(PtyEchoFloor.run(warmup, keys));
            System.out.printf("pty echo (python3): p50 %.0f µs, p99 %.0f µs, max %.0f µs%n", p.p50(), p.p99(), p.max());
            pty.add(p);
        }

        List<String> options = List.of("--keep-alive", "0", "--max-terminals", String.valueOf(typists + 20),
                "--max-terminals-per-user", String.valueOf(typists + 20));
        ServerProcess.Cleanup cleanup;
        long typed = 0, echoed = 0;
        double cpuColdUs, cpuAloneUs, cpuLoadedUs = 0;
        try (ServerProcess server = ServerProcess.start(spec, options, EchoCheck.COMMAND)) {
            report.server(server);
            EchoCheck warm = new EchoCheck(true);
            TtyClient first = Clients.open(server.ws(), warm, Clients.SMALL_BUFFER);
            warm.awaitReady(Duration.ofSeconds(30));
            first.close();
            server.settle();
            server.baseline();

            EchoCheck check = new EchoCheck(true);
            TtyClient c = Clients.open(server.ws(), check, Clients.SMALL_BUFFER);
            check.awaitReady(Duration.ofSeconds(30));
            // Server CPU per keystroke: the server JVM's utime+stime over the keys echoed. The first
            // keys of a fresh server pay for the JIT compiling the keystroke path (cold); the same
            // number of keys is typed untimed first, so the timed runs and the warm CPU reading
            // (keys typed after them) see the server a user sees once they have typed a little.
            RoundTrip untimed = keystroke(c, check);
            long coldKeys = (long) runs * (warmup + keys);
            long cpu0 = Proc.cpuTicks(server.pid());
            for (long i = 0; i < coldKeys; i++) {
                untimed.run(i);
            }
            long cpu1 = Proc.cpuTicks(server.pid());
            cpuColdUs = (cpu1 - cpu0) * 1e6 / Proc.TICKS_PER_SECOND / coldKeys;
            for (int r = 0; r < runs; r++) {
                alone.add(loop("CloudTerm alone", keystroke(c, check)));
            }
            long cpu2 = Proc.cpuTicks(server.pid());
            for (int i = 0; i < cpuKeys; i++) {
                untimed.run(i);
            }
            cpuAloneUs = (Proc.cpuTicks(server.pid()) - cpu2) * 1e6 / Proc.TICKS_PER_SECOND / Math.max(1, cpuKeys);
            System.out.printf("server CPU per keystroke alone: %.1f µs over the first %,d keys, %.1f µs over %,d after the timed runs%n",
                    cpuColdUs, coldKeys, cpuAloneUs, cpuKeys);

            if (typists > 0) {
                List<EchoCheck> checks = new ArrayList<>();
                List<TtyClient> others = new ArrayList<>();
                for (int i = 0; i < typists; i++) {
                    EchoCheck e = new EchoCheck(true);
                    others.add(Clients.open(server.ws(), e, Clients.SMALL_BUFFER));
                    checks.add(e);
                }
                for (EchoCheck e : checks) {
                    e.awaitReady(Duration.ofSeconds(30));
                }
                server.children(); // remembered: each must be gone once the server has stopped
                long[] sent = new long[typists];
                ScheduledExecutorService keyboard = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform()
                        .daemon().name("typists").unstarted(r));
                long period = 1_000_000 / rate;
                for (int i = 0; i < typists; i++) {
                    int t = i;
                    keyboard.scheduleAtFixedRate(() -> others.get(t).input(new byte[] {EchoCheck.key(sent[t]++)}),
                            period * i / typists, period, TimeUnit.MICROSECONDS);
                }
                Thread.sleep(1000);
                long loadedCpu0 = Proc.cpuTicks(server.pid());
                long typed0 = 0;
                for (int i = 0; i < typists; i++) {
                    typed0 += checks.get(i).received();
                }
                for (int r = 0; r < runs; r++) {
                    loaded.add(loop("CloudTerm with " + typists + " typists", keystroke(c, check)));
                }
                long loadedCpu1 = Proc.cpuTicks(server.pid());
                long typed1 = 0;
                for (int i = 0; i < typists; i++) {
                    typed1 += checks.get(i).received();
                }
                // Every key echoed meanwhile, the typists' and the timed loop's, shares that CPU.
                cpuLoadedUs = (loadedCpu1 - loadedCpu0) * 1e6 / Proc.TICKS_PER_SECOND
                        / ((typed1 - typed0) + (long) runs * (warmup + keys));
                keyboard.shutdown();
                if (!keyboard.awaitTermination(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the typists did not stop");
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                for (int i = 0; i < typists; i++) {
                    checks.get(i).awaitEchoes(sent[i], deadline);
                    typed += sent[i];
                    echoed += checks.get(i).received();
                }
                report.check("every typist's key echoed exactly once, in order (" + echoed + " of " + typed + ")", typed == echoed);
                for (TtyClient o : others) {
                    o.closeAsync();
                }
                for (TtyClient o : others) {
                    o.closed().orTimeout(30, TimeUnit.SECONDS).join();
                }
            }
            c.close();
            cleanup = server.finish();
        }

        RoundTrips a = RoundTrips.median(alone);
        Table t = report.table(String.format("keystroke round trip, µs: median over %d runs of %d keys (after %d warm-up each)",
                runs, keys, warmup), "", "p50", "p90", "p99", "p99.9", "max", "p50 runs min-max", "p99 runs min-max");
        row(t, "CloudTerm: INPUT, pty, cat, OUTPUT", alone);
        if (typists > 0) {
            row(t, "  with " + typists + " terminals typing " + rate + " keys/s", loaded);
        }
        row(t, "floor: minimal WebSocket echo (this JVM)", ws);
        row(t, "floor: pty echo through cat, no server (python3)", pty);
        row(t, "floor: plain TCP echo on loopback", tcp);
        report.json().add("keys", keys).add("warmup", warmup).add("runs", runs).add("typists", typists).add("typist_keys_per_s", rate)
                .add("alone_us", all(alone)).add("alone_median_us", a.json())
                .add("ws_echo_floor_us", all(ws)).add("ws_echo_floor_median_us", RoundTrips.median(ws).json())
                .add("pty_echo_floor_us", all(pty)).add("pty_echo_floor_median_us", RoundTrips.median(pty).json())
                .add("server_cpu_us_per_keystroke_alone", Report.round(cpuAloneUs, 2))
                .add("server_cpu_us_per_keystroke_alone_cold", Report.round(cpuColdUs, 2))
                .add("server_cpu_us_per_keystroke_with_typists", Report.round(cpuLoadedUs, 2))
                .add("tcp_echo_floor_us", all(tcp)).add("tcp_echo_floor_median_us", RoundTrips.median(tcp).json())
                .add("typist_keys_typed", typed).add("typist_keys_echoed", echoed);
        double floors = RoundTrips.median(ws).p99() + RoundTrips.median(pty).p99();
        report.json().add("p99_floors_us", Report.round(floors, 1));
        report.target(String.format("p99 alone, µs (%.0f x (WebSocket echo + pty echo) p99 = %.0f x %.0f)",
                Targets.P99_OVER_FLOORS, Targets.P99_OVER_FLOORS, floors), a.p99(), true, Targets.P99_OVER_FLOORS * floors, "");
        report.target(String.format("server CPU per keystroke alone, warm, µs (the server's first %,d keys: %.0f)",
                (long) runs * (warmup + keys), cpuColdUs), cpuAloneUs, true, Targets.CPU_US_PER_KEYSTROKE, "");
        if (typists > 0) {
            RoundTrips l = RoundTrips.median(loaded);
            report.json().add("with_typists_us", all(loaded)).add("with_typists_median_us", l.json());
            report.target("p99 with " + typists + " typists, µs", l.p99(), true, Targets.P99_WITH_TYPISTS_US, "");
            report.target("server CPU per keystroke with " + typists + " typists, µs", cpuLoadedUs, true,
                    Targets.CPU_US_PER_KEYSTROKE, "");
        }
        report.note("One key in flight at a time; each timed from handing INPUT to the client (a blocking socket write) to the"
                + " arrival of its echo; percentiles from an HdrHistogram per run. Server CPU per keystroke: the server JVM's"
                + " utime+stime (CLK_TCK 100) over all keys echoed meanwhile: alone, over the keys typed after the timed runs"
                + " (warm), and over as many keys as the timed runs type, typed untimed before them, the first keys of a fresh"
                + " server, whose CPU includes the JIT (cold);"
                + " with typists, over every key echoed during the loaded runs, the typists' included."
                + " The typists run in this driver's JVM, on the same CPUs as the server.");
        report.cleanup(cleanup);
        return report.finish(System.out, spec.json);
    }

    /** One key typed into {@code c}, waited for until its echo arrives (5 s at most). */
    static RoundTrip keystroke(TtyClient c, EchoCheck check) {
        return i -> {
            long k = check.received();
            long t0 = System.nanoTime();
            c.input(new byte[] {EchoCheck.key(k)});
            check.awaitEchoes(k + 1, t0 + ECHO_LIMIT.toNanos());
        };
    }

    private RoundTrips loop(String what, RoundTrip rt) throws Exception {
        return loop(what, warmup, keys, rt);
    }

    /** {@code warmup} round trips untimed, then {@code keys} timed; printed and returned. */
    static RoundTrips loop(String what, int warmup, int keys, RoundTrip rt) throws Exception {
        Histogram ns = RoundTrips.histogram();
        for (int i = 0; i < warmup + keys; i++) {
            long t0 = System.nanoTime();
            rt.run(i);
            long t = System.nanoTime() - t0;
            if (i >= warmup) {
                ns.recordValue(t);
            }
        }
        RoundTrips p = RoundTrips.of(ns);
        System.out.printf("%s: p50 %.0f µs, p99 %.0f µs, max %.0f µs%n", what, p.p50(), p.p99(), p.max());
        return p;
    }

    /** A row of each percentile's median over {@code runs}, with the spread of p50 and p99. */
    static void row(Table t, String label, List<RoundTrips> runs) {
        RoundTrips m = RoundTrips.median(runs);
        double[] v = m.values();
        t.row(label, Report.fmt(v[0]), Report.fmt(v[1]), Report.fmt(v[2]), Report.fmt(v[3]), Report.fmt(v[4]),
                range(runs.stream().mapToDouble(RoundTrips::p50).toArray()), range(runs.stream().mapToDouble(RoundTrips::p99).toArray()));
    }

    private static String range(double[] v) {
        double min = Double.MAX_VALUE, max = 0;
        for (double x : v) {
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        return Report.fmt(min) + "-" + Report.fmt(max);
    }

    static JsonArrayBuilder all(List<RoundTrips> runs) {
        JsonArrayBuilder a = Json.createArrayBuilder();
        runs.forEach(p -> a.add(p.json()));
        return a;
    }
}

package io.cloudterm.bench.load;

import io.cloudterm.client.TtyClient;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Terminals relayed: the same terminal reached directly, through CloudTerm's gateway (splicing,
 * copying, and in pure Java) and through nginx as a WebSocket proxy, each leg measured in the same
 * run, interleaved (direct, splice, copy, nginx, then again), each after the machine has gone
 * quiet: throughput of one streaming terminal, the relaying process's CPU per GB, the keystroke
 * round trip each relay adds, and the relaying process's RSS per idle relayed connection.
 */
@Command(name = "gateway", mixinStandardHelpOptions = true,
        description = "Relayed terminals: direct vs CloudTerm's gateway (splice, copy) vs nginx: MB/s, relay CPU-s/GB,"
                + " added keystroke latency, RSS per idle relayed connection.")
final class GatewayRelay implements Callable<Integer> {

    private static final Duration READY_LIMIT = Duration.ofSeconds(30);

    @Mixin
    ServerSpec spec;

    @Option(names = "--mb", description = "MB (10^6 bytes) one terminal prints per run (default ${DEFAULT-VALUE})", defaultValue = "200")
    double mb;

    @Option(names = "--runs", description = "throughput runs of each leg; the fastest is reported (default ${DEFAULT-VALUE})",
            defaultValue = "3")
    int runs;

    @Option(names = "--keys", description = "timed keystroke round trips per latency run (default ${DEFAULT-VALUE})", defaultValue = "2000")
    int keys;

    @Option(names = "--warmup", description = "untimed round trips before each latency run (default ${DEFAULT-VALUE})", defaultValue = "200")
    int warmup;

    @Option(names = "--latency-runs", description = "latency runs of each leg, for the median and spread (default ${DEFAULT-VALUE})",
            defaultValue = "5")
    int latencyRuns;

    @Option(names = "--idle", description = "idle relayed terminals held open for the memory reading (default ${DEFAULT-VALUE})",
            defaultValue = "1000")
    int idle;

    @Option(names = "--parallel", description = "opens in flight at once (default ${DEFAULT-VALUE})", defaultValue = "32")
    int parallel;

    @Option(names = "--hold", description = "seconds the idle terminals are held before the reading (default ${DEFAULT-VALUE})",
            defaultValue = "5")
    int hold;

    @Option(names = "--nginx", description = "nginx (default ${DEFAULT-VALUE})", defaultValue = "/usr/sbin/nginx")
    String nginx;

    @Option(names = "--nginx-buffer", description = "nginx's proxy_buffer_size, its buffer for each direction of an upgraded"
            + " connection (default ${DEFAULT-VALUE}, the size of the gateway's copy buffer)", defaultValue = "64k")
    String nginxBuffer;

    @Option(names = "--legs", split = ",", defaultValue = "direct,splice,copy,nginx,java",
            description = "the legs to measure, direct among them (default ${DEFAULT-VALUE}; java: a gateway in pure Java,"
                    + " --native off, throughput only)")
    List<String> legIds;

    @Option(names = "--phases", split = ",", defaultValue = "throughput,latency,idle",
            description = "what to measure (default ${DEFAULT-VALUE})")
    List<String> phases;

    @Option(names = "--gateway-opt", description = "an extra JVM option for the gateways only (repeatable), e.g."
            + " --gateway-opt=-XX:StartFlightRecording=filename=/tmp/gateway-%p.jfr")
    List<String> gatewayOptions = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        long fdLimit = Proc.openFilesLimit();
        if (idle + 500 > fdLimit) {
            throw new IllegalArgumentException(idle + " idle terminals need as many fds in this driver, and one process may open "
                    + fdLimit + " here: hold fewer");
        }
        if (!legIds.contains("direct") || !List.of("direct", "splice", "copy", "nginx", "java").containsAll(legIds)) {
            throw new IllegalArgumentException("--legs takes direct, splice, copy, nginx and java, direct always (the reference),"
                    + " not " + legIds);
        }
        if (!List.of("throughput", "latency", "idle").containsAll(phases)) {
            throw new IllegalArgumentException("--phases takes throughput, latency and idle, not " + phases);
        }
        Report report = new Report("gateway", spec);
        Duration quietLimit = Duration.ofSeconds(spec.noSettle ? 2 : 20);
        long bytes = (long) (mb * 1e6);
        try (RelayLegs legs = RelayLegs.start(spec, nginx, nginxBuffer, Math.max(idle, 4), legIds, gatewayOptions)) {
            JsonArrayBuilder commands = Json.createArrayBuilder();
            System.out.println("processes, each command exactly as started:");
            for (String c : legs.commands()) {
                System.out.println("  " + c);
                commands.add(c);
            }
            report.json().add("commands", commands);
            warmUp(legs, bytes);
            for (RelayLegs.Leg leg : legs.all()) {
                if (leg.relay() != null) {
                    Proc.heapUsedKb(leg.relay().pid()); // starts the JVM's attach listener (a socket it keeps): before the baseline
                }
            }
            List<ServerProcess> servers = servers(legs);
            servers.forEach(ServerProcess::baseline);

            if (phases.contains("throughput")) {
                throughput(report, legs, bytes, quietLimit);
            }
            if (phases.contains("latency")) {
                latency(report, legs, quietLimit);
            }
            if (phases.contains("idle")) {
                idleMemory(report, legs);
            }

            for (ServerProcess s : servers) {
                report.cleanup(role(legs, s), s.finish());
            }
        }
        report.note("Each relay's CPU is its own process's utime+stime from /proc (CLK_TCK 100): the gateway's JVM, or nginx's"
                + " master and worker; the host's is listed beside it. The driver, the hosts, the terminals' programs and the"
                + " relays share this machine's " + Runtime.getRuntime().availableProcessors() + " CPUs, unpinned; each run"
                + " starts once this driver has gone quiet and the machine is idle (busy at most "
                + Math.round(Quiet.MOST_BUSY * 100) + "% of its CPUs over a second) or " + quietLimit.toSeconds() + " s have passed.");
        report.note("nginx: " + nginxSummary() + ". The direct and nginx legs reach an ordinary --no-auth host; the gateways"
                + " reach a host of the same command that trusts only their signed identity (--trust-gateway).");
        return report.finish(System.out, spec.json);
    }

    private String nginxSummary() {
        return "one worker process, tcp_nodelay on, access log off, proxy_http_version 1.1 with Upgrade and Connection"
                + " \"upgrade\", proxy_buffering off, proxy_buffer_size " + nginxBuffer;
    }

    /**
     * Every leg streams a quarter of the size, round after round, until the JIT of its JVMs (the
     * relaying gateway's and the host's) compiles for less than {@link #WARM_COMPILE_SECONDS} in a
     * round ({@link #WARM_ROUNDS} at most, one with --no-settle); a few keystrokes come later, in the latency phase's own
     * untimed keys. Measured cold, a gateway's CPU per GB fell by half from one run to the next.
     */
    private void warmUp(RelayLegs legs, long bytes) throws Exception {
        for (RelayLegs.Leg leg : legs.all()) {
            int round = 0;
            double compiled;
            do {
                double before = compileSeconds(leg);
                Streams.run(leg.at(RelayLegs.STREAM), 1, Math.max(1, bytes / 4), leg.relayCpu(), () -> leg.host().children());
                compiled = compileSeconds(leg) - before;
                round++;
            } while (compiled >= WARM_COMPILE_SECONDS && round < (spec.noSettle ? 1 : WARM_ROUNDS));
            System.out.printf("warm-up, %s: %d rounds of %,d bytes; the last compiled for %.2f s%n", leg.name(), round,
                    Math.max(1, bytes / 4), compiled);
        }
        for (ServerProcess host : legs.hosts()) {
            host.settle();
        }
    }

    private static final double WARM_COMPILE_SECONDS = 0.05;
    private static final int WARM_ROUNDS = 8;

    /** Seconds the JIT of the leg's JVMs (its gateway, its host) has compiled so far. */
    private static double compileSeconds(RelayLegs.Leg leg) {
        double s = Math.max(0, Proc.compileSeconds(leg.host().pid()));
        return leg.relay() == null ? s : s + Math.max(0, Proc.compileSeconds(leg.relay().pid()));
    }

    // ---- throughput and CPU per GB ----

    private record StreamRun(Streams.Run run, double hostCpuSecondsPerGb, Quiet.Machine machine) {
    }

    private void throughput(Report report, RelayLegs legs, long bytes, Duration quietLimit) throws Exception {
        Map<RelayLegs.Leg, List<StreamRun>> all = new LinkedHashMap<>();
        legs.all().forEach(leg -> all.put(leg, new ArrayList<>()));
        for (int r = 0; r < runs; r++) {
            for (RelayLegs.Leg leg : all.keySet()) {
                Quiet.Machine machine = Quiet.await(quietLimit);
                Entrance at = leg.at(RelayLegs.STREAM);
                long host0 = Proc.cpuTicks(leg.host().pid());
                Streams.Run run = Streams.run(at, 1, bytes, leg.relayCpu(), () -> leg.host().children());
                double hostCpu = (Proc.cpuTicks(leg.host().pid()) - host0) / (double) Proc.TICKS_PER_SECOND / (bytes / 1e9);
                all.get(leg).add(new StreamRun(run, hostCpu, machine));
                System.out.printf("run %d, %s: %.1f MB/s, relay CPU %.2f s/GB, host CPU %.2f s/GB (%s)%n", r + 1, leg.name(),
                        run.mbPerSecond(), leg.kind() == RelayLegs.Kind.DIRECT ? 0 : run.cpuSecondsPerGb(), hostCpu, machine);
            }
        }
        StreamRun direct = best(all.get(legs.direct));
        Table t = report.table(String.format("one terminal printing %,d bytes through each leg (best of %d; every byte checked;"
                + " CPU: median over the runs)", bytes, runs), "leg", "MB/s", "vs direct", "relay CPU s/GB", "host CPU s/GB",
                "bytes/message", "runs, MB/s", "machine before the best run");
        JsonObjectBuilder json = Json.createObjectBuilder();
        boolean anyBusy = false;
        for (var e : all.entrySet()) {
            RelayLegs.Leg leg = e.getKey();
            StreamRun b = best(e.getValue());
            boolean relays = leg.kind() != RelayLegs.Kind.DIRECT;
            double relayCpu = median(e.getValue().stream().mapToDouble(s -> s.run().cpuSecondsPerGb()).toArray());
            double hostCpu = median(e.getValue().stream().mapToDouble(StreamRun::hostCpuSecondsPerGb).toArray());
            double ratio = b.run().mbPerSecond() / direct.run().mbPerSecond();
            anyBusy |= !b.machine().idle();
            t.row(leg.name(), Report.fmt(b.run().mbPerSecond()), Report.fmt(ratio), relays ? Report.fmt(relayCpu) : "-",
                    Report.fmt(hostCpu), Report.fmt((double) b.run().payload() / b.run().messages()),
                    join(e.getValue().stream().mapToDouble(s -> s.run().mbPerSecond()).toArray()), b.machine().toString());
            JsonArrayBuilder each = Json.createArrayBuilder();
            e.getValue().forEach(s -> each.add(Json.createObjectBuilder().add("MBps", Report.round(s.run().mbPerSecond(), 1))
                    .add("relay_cpu_s_per_GB", Report.round(s.run().cpuSecondsPerGb(), 3))
                    .add("host_cpu_s_per_GB", Report.round(s.hostCpuSecondsPerGb(), 3))
                    .add("machine_busy", Report.round(s.machine().busy(), 3)).add("machine_idle", s.machine().idle())));
            json.add(key(leg), Json.createObjectBuilder().add("MBps", Report.round(b.run().mbPerSecond(), 1))
                    .add("ratio_to_direct", Report.round(ratio, 3)).add("relay_cpu_s_per_GB", Report.round(relays ? relayCpu : 0, 3))
                    .add("host_cpu_s_per_GB", Report.round(hostCpu, 3)).add("runs", each));
            if (relays && ratio > Targets.CEILING_SUSPECT_RATIO) {
                System.out.println("NOTE: " + leg.name() + " ran faster than direct (" + Report.fmt(ratio) + "): see the runs;"
                        + " the direct and relayed hosts are different processes of the same command");
            }
        }
        report.json().add("throughput", json.add("bytes", bytes).add("runs", runs));
        if (!all.containsKey(legs.splice) || !all.containsKey(legs.nginx)) {
            return;
        }
        StreamRun splice = best(all.get(legs.splice)), proxy = best(all.get(legs.nginx));
        double spliceCpu = median(all.get(legs.splice).stream().mapToDouble(s -> s.run().cpuSecondsPerGb()).toArray());
        double nginxCpu = median(all.get(legs.nginx).stream().mapToDouble(s -> s.run().cpuSecondsPerGb()).toArray());
        String suspect = anyBusy ? "suspect (machine busy before a best run)" : null;
        report.target("gateway (splice) throughput / nginx's", splice.run().mbPerSecond() / proxy.run().mbPerSecond(), false,
                Targets.GATEWAY_VS_NGINX, "", suspect);
        report.target("gateway (splice) relay CPU s/GB, against nginx's " + Report.fmt(nginxCpu), spliceCpu, true,
                Targets.GATEWAY_VS_NGINX * nginxCpu, "", suspect);
    }

    private static StreamRun best(List<StreamRun> runs) {
        return runs.stream().min(Comparator.comparingDouble(s -> s.run().seconds())).orElseThrow();
    }

    // ---- added keystroke latency ----

    private void latency(Report report, RelayLegs legs, Duration quietLimit) throws Exception {
        List<RelayLegs.Leg> order = legs.all().stream().filter(l -> l != legs.javaGateway).toList();
        Map<RelayLegs.Leg, TtyClient> clients = new LinkedHashMap<>();
        Map<RelayLegs.Leg, EchoCheck> checks = new LinkedHashMap<>();
        Map<RelayLegs.Leg, List<RoundTrips>> results = new LinkedHashMap<>();
        try {
            for (RelayLegs.Leg leg : order) {
                EchoCheck check = new EchoCheck(true);
                clients.put(leg, Clients.open(leg.at(RelayLegs.ECHO), check, Clients.SMALL_BUFFER));
                checks.put(leg, check);
                results.put(leg, new ArrayList<>());
                check.awaitReady(READY_LIMIT);
            }
            // As many keys untimed first as the timed runs type: the JIT compiles the path over the first thousands.
            long untimed = (long) latencyRuns * (warmup + keys);
            for (RelayLegs.Leg leg : order) {
                Latency.RoundTrip key = Latency.keystroke(clients.get(leg), checks.get(leg));
                for (long i = 0; i < untimed; i++) {
                    key.run(i);
                }
            }
            for (int r = 0; r < latencyRuns; r++) {
                Quiet.Machine machine = Quiet.await(quietLimit);
                System.out.println("latency run " + (r + 1) + ": " + machine);
                for (RelayLegs.Leg leg : order) {
                    results.get(leg).add(Latency.loop(leg.name(), warmup, keys, Latency.keystroke(clients.get(leg), checks.get(leg))));
                }
            }
        } finally {
            for (TtyClient c : clients.values()) {
                c.close();
            }
        }
        RoundTrips direct = RoundTrips.median(results.get(legs.direct));
        Table t = report.table(String.format("keystroke round trip through cat, µs: median over %d runs of %d keys (after %d"
                + " warm-up each), and what each relay adds to direct", latencyRuns, keys, warmup), "leg", "p50", "p90", "p99",
                "p99.9", "max", "added p50", "added p99", "p50 runs min-max");
        JsonObjectBuilder json = Json.createObjectBuilder();
        for (var e : results.entrySet()) {
            RoundTrips m = RoundTrips.median(e.getValue());
            boolean relays = e.getKey().kind() != RelayLegs.Kind.DIRECT;
            double[] p50s = e.getValue().stream().mapToDouble(RoundTrips::p50).toArray();
            t.row(e.getKey().name(), Report.fmt(m.p50()), Report.fmt(m.p90()), Report.fmt(m.p99()), Report.fmt(m.p999()),
                    Report.fmt(m.max()), relays ? Report.fmt(m.p50() - direct.p50()) : "-", relays ? Report.fmt(m.p99() - direct.p99()) : "-",
                    Report.fmt(min(p50s)) + "-" + Report.fmt(max(p50s)));
            json.add(key(e.getKey()), Json.createObjectBuilder().add("median_us", m.json()).add("runs_us", Latency.all(e.getValue()))
                    .add("added_p50_us", Report.round(m.p50() - direct.p50(), 1)).add("added_p99_us", Report.round(m.p99() - direct.p99(), 1)));
        }
        report.json().add("latency", json.add("keys", keys).add("warmup", warmup).add("runs", latencyRuns));
        if (!results.containsKey(legs.splice) || !results.containsKey(legs.nginx)) {
            return;
        }
        double spliceAdded = RoundTrips.median(results.get(legs.splice)).p50() - direct.p50();
        double nginxAdded = RoundTrips.median(results.get(legs.nginx)).p50() - direct.p50();
        report.target("gateway (splice) added keystroke p50, µs, against nginx's " + Report.fmt(nginxAdded), spliceAdded, true,
                Targets.GATEWAY_VS_NGINX * nginxAdded, " µs");
    }

    // ---- memory per idle relayed connection ----

    private record Held(long rssBeforeKb, long rssHalfKb, long rssAfterKb, int fdsBefore, int fdsAfter,
                        Map<String, Integer> fdKindsAdded) {
        /** All N over the reading before the first was opened. */
        double kbEach(int n) {
            return (rssAfterKb - rssBeforeKb) / (double) n;
        }

        /** The second half over the reading after the first: what the first ones paid once (code, pools) left out. */
        double marginalKbEach(int n) {
            return (rssAfterKb - rssHalfKb) / (double) (n - n / 2);
        }
    }

    private void idleMemory(Report report, RelayLegs legs) throws Exception {
        Duration limit = Duration.ofSeconds(120 + idle / 20);
        int half = idle / 2;
        int warmUp = Math.max(1, Math.min(200, idle / 5));
        Map<RelayLegs.Leg, Held> held = new LinkedHashMap<>();
        for (RelayLegs.Leg leg : legs.all()) {
            if (leg.kind() == RelayLegs.Kind.DIRECT || leg == legs.javaGateway) {
                continue;
            }
            // The open path compiled first (a few hundred opened and closed): the readings count connections, not the JIT.
            List<Clients.Open> rehearsal = Clients.openAll(warmUp, parallel, leg.at(RelayLegs.ECHO), limit);
            Clients.close(rehearsal, parallel, limit);
            awaitNoTerminals(leg.host(), limit);

            Memory memory = leg.relay() != null ? new Memory(report, leg.relay(), spec) : null;
            long before = rss(leg, memory, "before");
            int fdsBefore = leg.relay() != null ? Proc.fds(leg.relay().pid()) : leg.nginx().fds();
            Map<String, Integer> kindsBefore = leg.relay() != null ? Proc.fdKinds(leg.relay().pid()) : Map.of();
            List<Clients.Open> open = new ArrayList<>();
            try {
                open.addAll(Clients.openAll(half, parallel, leg.at(RelayLegs.ECHO), limit));
                report.check(leg.name() + ": every idle terminal of the first half said READY", Clients.awaitOutput(open, "READY", limit) == 0);
                long atHalf = rss(leg, memory, half + " idle relayed terminals");
                List<Clients.Open> second = Clients.openAll(idle - half, parallel, leg.at(RelayLegs.ECHO), limit);
                open.addAll(second);
                report.check(leg.name() + ": every idle terminal said READY", Clients.awaitOutput(second, "READY", limit) == 0);
                Thread.sleep(TimeUnit.SECONDS.toMillis(hold));
                long after = rss(leg, memory, idle + " idle relayed terminals");
                int fdsAfter = leg.relay() != null ? Proc.fds(leg.relay().pid()) : leg.nginx().fds();
                Map<String, Integer> added = new LinkedHashMap<>();
                if (leg.relay() != null) {
                    Proc.fdKinds(leg.relay().pid()).forEach((k, v) -> {
                        int d = v - kindsBefore.getOrDefault(k, 0);
                        if (d != 0) {
                            added.put(k, d);
                        }
                    });
                }
                Held h = new Held(before, atHalf, after, fdsBefore, fdsAfter, added);
                held.put(leg, h);
                System.out.printf("%s: %,d idle relayed terminals, %.2f KB each from empty, %.2f KB each marginal (RSS %.1f -> %.1f"
                        + " -> %.1f MB), %.2f fds each %s%n", leg.name(), idle, h.kbEach(idle), h.marginalKbEach(idle), before / 1024.0,
                        atHalf / 1024.0, after / 1024.0, (fdsAfter - fdsBefore) / (double) idle, added);
                if (memory != null) {
                    memory.table(String.format("%s: %,d idle relayed terminals, the gateway's process only (RSS after a full GC)",
                            leg.name(), idle), "connection", memory.readings().get(0), new long[] {0, half, idle});
                    memory.nmtTable(leg.name() + ": where each idle relayed connection's memory went (NMT committed, KB per connection)",
                            0, 2, idle);
                    memory.histogramTable(leg.name() + ": live heap per idle relayed connection, by class (bytes per connection)",
                            0, 2, idle);
                }
                // Still relayed both ways after the wait: a key typed into each comes back once.
                Clients.typeAll(open, "k");
                report.check(leg.name() + ": a key typed into each idle terminal echoed once",
                        Clients.awaitOutput(open, "READYk", limit) == 0);
            } finally {
                Clients.close(open, parallel, limit);
            }
            awaitNoTerminals(leg.host(), limit);
        }
        Table t = report.table(String.format("%,d idle relayed terminals: the relaying process's memory (CloudTerm: RSS after a full"
                + " GC; nginx: master and worker)", idle), "leg", "RSS before MB", "half MB", "all MB", "KB/connection",
                "marginal KB/connection", "fds/connection", "fds added, by kind");
        JsonObjectBuilder json = Json.createObjectBuilder().add("terminals", idle);
        for (var e : held.entrySet()) {
            Held h = e.getValue();
            double fdsEach = (h.fdsAfter() - h.fdsBefore()) / (double) idle;
            t.row(e.getKey().name(), Report.fmt(h.rssBeforeKb() / 1024.0), Report.fmt(h.rssHalfKb() / 1024.0),
                    Report.fmt(h.rssAfterKb() / 1024.0), Report.fmt(h.kbEach(idle)), Report.fmt(h.marginalKbEach(idle)),
                    Report.fmt(fdsEach), h.fdKindsAdded().isEmpty() ? "" : h.fdKindsAdded().toString());
            json.add(key(e.getKey()), Json.createObjectBuilder().add("rss_before_kb", h.rssBeforeKb()).add("rss_half_kb", h.rssHalfKb())
                    .add("rss_after_kb", h.rssAfterKb()).add("kb_per_connection", Report.round(h.kbEach(idle), 2))
                    .add("marginal_kb_per_connection", Report.round(h.marginalKbEach(idle), 2))
                    .add("fds_per_connection", Report.round(fdsEach, 3)));
        }
        report.json().add("idle", json);
        for (RelayLegs.Leg leg : held.keySet()) {
            if (leg.kind() != RelayLegs.Kind.GATEWAY) {
                continue;
            }
            report.target(String.format("%s RSS KB per idle relayed connection (%,d held, from empty)", leg.name(), idle),
                    held.get(leg).kbEach(idle), true, Targets.KB_PER_RELAYED_CONNECTION, "");
        }
        report.note(String.format("Idle memory: RSS of the relaying process only, after %d terminals were opened and closed through"
                + " it (its open path compiled). KB per connection from empty: all N over the reading before; marginal: the second"
                + " half over the reading at half, which leaves out what the first ones pay once (compiled code, pools grown). What a"
                + " relay holds in the kernel (socket buffers; pipes, where splicing keeps them) is not in the RSS: the fds it adds"
                + " per connection are listed by kind.", warmUp));
    }

    /** The relay's RSS: a gateway's after a full GC (unless --no-gc), nginx's once quiet. */
    private long rss(RelayLegs.Leg leg, Memory memory, String label) throws InterruptedException {
        return memory != null ? memory.read(leg.name() + ": " + label).rssKb() : settledNginxRss(leg);
    }

    /** nginx's RSS once it has gone quiet (it has no GC to ask for). */
    private long settledNginxRss(RelayLegs.Leg leg) throws InterruptedException {
        for (Proc.Child worker : Proc.descendants(leg.nginx().pid())) {
            Proc.awaitQuiet(worker.pid(), Duration.ofSeconds(spec.noSettle ? 1 : 10));
        }
        return leg.nginx().rssKb();
    }

    /** Waits (bounded) until the host has ended every terminal: its children are gone. */
    private static void awaitNoTerminals(ServerProcess host, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!host.children().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        if (!host.children().isEmpty()) {
            throw new IllegalStateException(host.children().size() + " terminals still running on the host " + limit + " after their"
                    + " clients closed");
        }
    }

    // ---- helpers ----

    private static List<ServerProcess> servers(RelayLegs legs) {
        List<ServerProcess> all = new ArrayList<>();
        for (RelayLegs.Leg leg : legs.all()) {
            if (leg.relay() != null) {
                all.add(leg.relay());
            }
        }
        all.addAll(legs.hosts());
        return all;
    }

    private static String role(RelayLegs legs, ServerProcess s) {
        for (RelayLegs.Leg leg : legs.all()) {
            if (leg.relay() == s) {
                return leg.name();
            }
        }
        return s == legs.trustedHost ? "host behind the gateways" : "host reached directly and through nginx";
    }

    /** The leg's key in the JSON: its --legs name. */
    private static String key(RelayLegs.Leg leg) {
        return leg.id();
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double min(double[] v) {
        return java.util.Arrays.stream(v).min().orElse(0);
    }

    private static double max(double[] v) {
        return java.util.Arrays.stream(v).max().orElse(0);
    }

    private static String join(double[] values) {
        List<String> s = new ArrayList<>();
        for (double v : values) {
            s.add(Report.fmt(v));
        }
        return String.join(" ", s);
    }
}

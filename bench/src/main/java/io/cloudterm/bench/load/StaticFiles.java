package io.cloudterm.bench.load;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The shared directory ({@code --files}) side by side with nginx, in one run: the same files from
 * the same disk cache, each server pinned to the same CPU and {@code wrk} to the other, requests
 * per second and Gbps with and without keep-alive, each server's CPU per GB and RSS; then the
 * Java heap while many clients fetch one large file.
 */
@Command(name = "files", mixinStandardHelpOptions = true,
        description = "Static files: CloudTerm's shared directory against nginx (sendfile on), with wrk, in one run.")
final class StaticFiles implements Callable<Integer> {

    private static final Pattern REQUESTS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern ERRORS = Pattern.compile("Non-2xx or 3xx responses: (\\d+)|Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

    @Mixin
    ServerSpec spec;

    @Option(names = "--sizes", split = ",", description = "file sizes (default ${DEFAULT-VALUE})", defaultValue = "1k,64k,1m,100m")
    List<String> sizes;

    @Option(names = "--seconds", description = "seconds of each wrk run (default ${DEFAULT-VALUE})", defaultValue = "5")
    int seconds;

    @Option(names = "--warmup", description = "seconds of wrk per file and server before the timed runs (default ${DEFAULT-VALUE})",
            defaultValue = "5")
    int warmUpSeconds;

    @Option(names = "--connections", description = "wrk connections (default ${DEFAULT-VALUE})", defaultValue = "32")
    int connections;

    @Option(names = "--server-cpu", description = "the CPU both servers are pinned to (default ${DEFAULT-VALUE})", defaultValue = "0")
    int serverCpu;

    @Option(names = "--client-cpu", description = "the CPU wrk is pinned to (default ${DEFAULT-VALUE})", defaultValue = "1")
    int clientCpu;

    @Option(names = "--nginx", description = "nginx (default ${DEFAULT-VALUE})", defaultValue = "/usr/sbin/nginx")
    String nginx;

    @Option(names = "--wrk", description = "wrk (default ${DEFAULT-VALUE})", defaultValue = "wrk")
    String wrk;

    @Option(names = "--big-clients", description = "clients fetching the large file at once for the heap reading (default ${DEFAULT-VALUE})",
            defaultValue = "100")
    int bigClients;

    @Option(names = "--big-size", description = "the large file (default ${DEFAULT-VALUE})", defaultValue = "2g")
    String bigSize;

    @Option(names = "--range-clients", description = "connections asking for ranges of the large file at once, for the second"
            + " heap reading (default ${DEFAULT-VALUE})", defaultValue = "10000")
    int rangeClients;

    private static final String CONFIG_SUMMARY = "one worker process, sendfile on, tcp_nopush on, open_file_cache max=1000,"
            + " access log off, keepalive_requests 1000000";

    /** One server's figures for one file and one connection mode. */
    record Run(double requestsPerSecond, double gbps, double cpuSecondsPerGb, long errors) {
    }

    @Override
    public Integer call() throws Exception {
        Report report = new Report("files", spec);
        // Readable by nginx's worker, which runs as nobody when the bench runs as root.
        Path dir = Files.createTempDirectory("cloudterm-files-bench", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        try {
            List<String> names = new ArrayList<>();
            for (String size : sizes) {
                names.add(write(dir, size));
            }
            String big = sparse(dir, bigSize);
            try (Nginx other = Nginx.start(nginx, serverCpu, port -> config(port, dir));
                 ServerProcess server = ServerProcess.start(spec, List.of("--files", dir.toString(), "--files-public"), List.of("cat"))) {
                report.server(server);
                pin(server.pid(), serverCpu);
                String ours = "http://127.0.0.1:" + server.ws().getPort() + "/files/";
                String theirs = "http://127.0.0.1:" + other.port() + "/files/";
                // Both warmed alike, as a server that has been up a while is: the JIT for ours (on one
                // CPU its compilers share the core with the requests), the open file cache for
                // nginx, the page cache for both.
                for (String name : names) {
                    wrk(ours + name, true, warmUpSeconds);
                    wrk(theirs + name, true, warmUpSeconds);
                }
                // A reading starts the JVM's attach listener (its socket stays open): before the baseline.
                server.read("after the warm-up");
                server.baseline();
                Table t = report.table(String.format("static files, wrk -c %d for %d s (pinned: servers to CPU %d, wrk to CPU %d)",
                        connections, seconds, serverCpu, clientCpu), "file", "keep-alive", "server", "requests/s", "Gbps",
                        "CPU s/GB", "vs nginx");
                for (int i = 0; i < names.size(); i++) {
                    long bytes = parseSize(sizes.get(i));
                    for (boolean keepAlive : new boolean[] {true, false}) {
                        Run a = measure(ours + names.get(i), keepAlive, bytes, server.pid());
                        Run b = measure(theirs + names.get(i), keepAlive, bytes, other.pid());
                        double ratio = a.requestsPerSecond() / b.requestsPerSecond();
                        String mode = keepAlive ? "yes" : "no";
                        t.row(sizes.get(i), mode, "CloudTerm", Report.fmt(a.requestsPerSecond()), Report.fmt(a.gbps()),
                                Report.fmt(a.cpuSecondsPerGb()), Report.fmt(ratio));
                        t.row("", "", "nginx", Report.fmt(b.requestsPerSecond()), Report.fmt(b.gbps()),
                                Report.fmt(b.cpuSecondsPerGb()), "");
                        report.json().add(sizes.get(i) + (keepAlive ? "_keepalive" : "_close"), jakarta.json.Json.createObjectBuilder()
                                .add("cloudterm_requests_per_s", a.requestsPerSecond()).add("nginx_requests_per_s", b.requestsPerSecond())
                                .add("cloudterm_gbps", a.gbps()).add("nginx_gbps", b.gbps()));
                        report.check("no failed request for " + sizes.get(i) + " (CloudTerm " + a.errors() + ", nginx " + b.errors() + ")",
                                a.errors() == 0 && b.errors() == 0);
                        if (keepAlive) {
                            target(report, sizes.get(i), bytes, a, ratio);
                        }
                    }
                }
                report.table("resident memory after the runs, MB", "", "CloudTerm", "nginx (master + worker)")
                        .row("RSS", Report.fmt(Proc.usage(server.pid()).rssKb() / 1024.0), Report.fmt(other.rssKb() / 1024.0));

                // The heap while many clients fetch one large file: it must not grow with them.
                ServerProcess.Reading before = server.read("before the large file");
                Process fetching = wrkProcess(ours + big, true, bigClients, Math.max(seconds, 10));
                Thread.sleep(TimeUnit.SECONDS.toMillis(Math.max(seconds, 10)) / 2);
                long heapDuring = Proc.heapUsedKb(server.pid());
                ServerProcess.Reading during = server.read(bigClients + " clients fetching " + bigSize);
                fetching.waitFor(60, TimeUnit.SECONDS);
                report.table(String.format("Java heap while %d clients fetch a %s file", bigClients, bigSize), "", "live heap MB (after a GC)",
                        "heap used MB (no GC)", "RSS MB")
                        .row("before", Report.fmt(before.heapKb() / 1024.0), "", Report.fmt(before.rssKb() / 1024.0))
                        .row("during", Report.fmt(during.heapKb() / 1024.0), Report.fmt(heapDuring / 1024.0), Report.fmt(during.rssKb() / 1024.0));
                report.target("live heap growth while " + bigClients + " clients fetch " + bigSize + ", MB",
                        (during.heapKb() - before.heapKb()) / 1024.0, true, Targets.FILES_HEAP_GROWTH_MB, "");

                // Many concurrent range requests on the same large file: each a 1 MiB part somewhere in it.
                long fdLimit = Proc.openFilesLimit();
                int ranging = (int) Math.min(rangeClients, fdLimit - 1000);
                ServerProcess.Reading beforeRanges = server.read("before the range requests");
                Process ranges = wrkProcess(ours + big, true, ranging, Math.max(seconds, 10),
                        List.of("-H", "Range: bytes=" + parseSize(bigSize) / 2 + "-" + (parseSize(bigSize) / 2 + (1 << 20) - 1)));
                Thread.sleep(TimeUnit.SECONDS.toMillis(Math.max(seconds, 10)) / 2);
                long connected = Proc.usage(server.pid()).fds();
                ServerProcess.Reading duringRanges = server.read(ranging + " connections asking for ranges");
                String rangeOut = new String(ranges.getInputStream().readAllBytes());
                ranges.waitFor(60, TimeUnit.SECONDS);
                Matcher rps = REQUESTS.matcher(rangeOut);
                report.table(String.format("Java heap while %,d connections ask for 1 MiB ranges of the %s file", ranging, bigSize),
                        "", "live heap MB (after a GC)", "RSS MB", "server fds", "range requests/s")
                        .row("before", Report.fmt(beforeRanges.heapKb() / 1024.0), Report.fmt(beforeRanges.rssKb() / 1024.0),
                                beforeRanges.fds(), "")
                        .row("during", Report.fmt(duringRanges.heapKb() / 1024.0), Report.fmt(duringRanges.rssKb() / 1024.0), connected,
                                rps.find() ? Report.fmt(Double.parseDouble(rps.group(1))) : "?");
                report.target(String.format("live heap growth with %,d concurrent range requests, MB", ranging),
                        (duringRanges.heapKb() - beforeRanges.heapKb()) / 1024.0, true, Targets.FILES_HEAP_GROWTH_MB, "");
                report.note("wrk " + connections + " connections, one thread, for " + seconds + " s a run, after " + warmUpSeconds + " s of"
                        + " warm-up per file and server; without keep-alive each request sends Connection: close. CPU: each server's"
                        + " utime+stime from /proc (nginx: master and worker) over the run, per GB of file bytes sent. nginx: "
                        + CONFIG_SUMMARY + ". CloudTerm: --files DIR --files-public, started as the start command starts it.");
                report.cleanup(server.finish());
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
        return report.finish(System.out, spec.json);
    }

    private void target(Report report, String size, long bytes, Run ours, double ratio) {
        if (bytes >= 1024 * 1024) {
            report.target(size + " file, keep-alive: throughput / nginx", ratio, false, Targets.FILES_LARGE_VS_NGINX, "");
        } else {
            report.target(size + " file, keep-alive: requests/s / nginx", ratio, false, Targets.FILES_SMALL_VS_NGINX, "");
        }
        if (bytes >= 100L * 1024 * 1024) {
            report.target(size + " file, keep-alive: Gbps on loopback", ours.gbps(), false, Targets.FILES_LARGE_GBPS, "");
        }
    }

    private Run measure(String url, boolean keepAlive, long bytes, long... pids) throws IOException, InterruptedException {
        long ticks0 = ticks(pids);
        String out = wrk(url, keepAlive, seconds);
        long ticks = ticks(pids) - ticks0;
        Matcher m = REQUESTS.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("wrk said no Requests/sec:\n" + out);
        }
        double rps = Double.parseDouble(m.group(1));
        long errors = 0;
        Matcher e = ERRORS.matcher(out);
        while (e.find()) {
            for (int g = 1; g <= e.groupCount(); g++) {
                errors += e.group(g) == null ? 0 : Long.parseLong(e.group(g));
            }
        }
        double gb = rps * seconds * bytes / 1e9;
        return new Run(rps, rps * bytes * 8 / 1e9, ticks / (double) Proc.TICKS_PER_SECOND / gb, errors);
    }

    private static long ticks(long... pids) {
        long sum = 0;
        for (long pid : pids) {
            sum += Proc.treeCpuTicks(pid);
        }
        return sum;
    }

    /** nginx tuned for files: {@link #CONFIG_SUMMARY}. */
    private static String config(int port, Path root) {
        return """
                sendfile on;
                tcp_nopush on;
                open_file_cache max=1000 inactive=60s;
                keepalive_requests 1000000;
                default_type application/octet-stream;
                server {
                    listen 127.0.0.1:%d;
                    location /files/ { alias %s/; }
                }
                """.formatted(port, root);
    }

    private String wrk(String url, boolean keepAlive, int runSeconds) throws IOException, InterruptedException {
        Process p = wrkProcess(url, keepAlive, connections, runSeconds);
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(runSeconds + 30L, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("wrk failed on " + url + ":\n" + out);
        }
        return out;
    }

    private Process wrkProcess(String url, boolean keepAlive, int clients, int runSeconds) throws IOException {
        return wrkProcess(url, keepAlive, clients, runSeconds, List.of());
    }

    private Process wrkProcess(String url, boolean keepAlive, int clients, int runSeconds, List<String> headers) throws IOException {
        List<String> command = new ArrayList<>(List.of("taskset", "-c", String.valueOf(clientCpu), wrk, "-t1",
                "-c" + clients, "-d" + runSeconds + "s", "--timeout", "30s"));
        command.addAll(headers);
        if (!keepAlive) {
            command.addAll(List.of("-H", "Connection: close"));
        }
        command.add(url);
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /** Pins every thread of {@code pid} (and those it starts later, which inherit it) to {@code cpu}. */
    static void pin(long pid, int cpu) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("taskset", "-a", "-p", "-c", String.valueOf(cpu), String.valueOf(pid))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("taskset failed: " + out);
        }
    }

    /** A file of random bytes (nothing to compress, no sibling): its name. */
    private static String write(Path dir, String size) throws IOException {
        long bytes = parseSize(size);
        String name = "f" + size;
        Random random = new Random(bytes);
        byte[] chunk = new byte[(int) Math.min(bytes, 1 << 20)];
        try (var out = Files.newOutputStream(dir.resolve(name))) {
            for (long left = bytes; left > 0; left -= chunk.length) {
                random.nextBytes(chunk);
                out.write(chunk, 0, (int) Math.min(left, chunk.length));
            }
        }
        return name;
    }

    /** A sparse file: the large file's bytes come from the page cache's zero page, not the disk. */
    private static String sparse(Path dir, String size) throws IOException {
        String name = "big" + size;
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve(name).toFile(), "rw")) {
            f.setLength(parseSize(size));
        }
        return name;
    }

    static long parseSize(String size) {
        String s = size.trim().toLowerCase(Locale.ROOT);
        long unit = switch (s.charAt(s.length() - 1)) {
            case 'k' -> 1024L;
            case 'm' -> 1024L * 1024;
            case 'g' -> 1024L * 1024 * 1024;
            default -> 1;
        };
        return Long.parseLong(unit == 1 ? s : s.substring(0, s.length() - 1)) * unit;
    }
}

package io.cloudterm.bench.load;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Every goal in one run, in an order that keeps each figure honest on a small machine: the
 * streaming figures first (the driver then runs its client compiled), the latency, then memory
 * from a fresh server before the same after a warm-up; native mode, then pure Java. Each scenario
 * runs as it would alone and writes its JSON; the page gathers their targets into one table per
 * mode ({@code figure | target | reading | met}), in Markdown for RESULTS.md.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Run every goal's scenario in both pty modes (about 15 min on 2 CPUs) and print one Markdown table per mode.")
final class ResultsPage implements Callable<Integer> {

    @Option(names = "--jar", description = "the server's jar (default: ${DEFAULT-VALUE})", defaultValue = "target/cloudterm.jar")
    String jar;

    @Option(names = "--server-classpath", description = "run the server from this class path instead of --jar")
    String classpath;

    @Option(names = "--modes", split = ",", description = "pty modes to run, on (native) and/or off (pure Java); default ${DEFAULT-VALUE}",
            defaultValue = "on,off")
    List<String> modes;

    @Option(names = "--large", description = "also the slow parts: 10,000 idle connections (instead of 2,000) and, in native"
            + " mode, the largest terminal count the fd limit allows (the pty limit raised and restored when root)")
    boolean large;

    @Option(names = "--tiny", description = "every scenario at a tiny size, no settling: checks the page, not the figures (the smoke test)")
    boolean tiny;

    @Option(names = "--dir", description = "where each scenario's JSON goes (default ${DEFAULT-VALUE})", defaultValue = "/tmp/cloudterm-results")
    Path dir;

    @Option(names = "--markdown", description = "also write the page's tables to this file")
    Path markdown;

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        List<String> incomplete = new ArrayList<>();
        int status = 0;
        String loadAtStart = Proc.loadAverage();
        long t0 = System.nanoTime();
        for (String mode : modes) {
            for (List<String> scenario : scenarios(mode)) {
                Path json = dir.resolve(mode + "-" + scenario.get(0) + "-" + (written.size() + incomplete.size()) + ".json");
                List<String> args = new ArrayList<>(scenario);
                args.addAll(List.of("--native", mode, "--json", json.toString()));
                args.addAll(classpath != null ? List.of("--server-classpath", classpath) : List.of("--jar", jar));
                if (tiny) {
                    args.add("--no-settle");
                }
                System.out.println("\n=== " + String.join(" ", args));
                int s = LoadDriver.run(args.toArray(String[]::new));
                status = Math.max(status, s);
                if (Files.exists(json)) {
                    written.add(json);
                } else {
                    incomplete.add(String.join(" ", args) + " (exit " + s + ")");
                }
            }
        }
        String page = page(written, loadAtStart, (System.nanoTime() - t0) / 60e9);
        if (!incomplete.isEmpty()) {
            page += "\nDid not complete (see its output): " + String.join("; ", incomplete) + "\n";
        }
        System.out.println();
        System.out.println(page);
        if (markdown != null) {
            Files.writeString(markdown, page, StandardCharsets.UTF_8);
            System.out.println("Markdown: " + markdown);
        }
        return status;
    }

    /** Each scenario's command line, in the order they run. */
    private List<List<String>> scenarios(String mode) {
        boolean nativeMode = mode.equals("on");
        List<List<String>> s = new ArrayList<>();
        if (tiny) {
            s.add(List.of("throughput", "--mb", "1", "--runs", "1"));
            s.add(List.of("fanout", "--terminals", "2", "--mb", "1", "--runs", "1"));
            s.add(List.of("latency", "--keys", "100", "--warmup", "10", "--runs", "1", "--typists", "2"));
            s.add(List.of("sessions", "--terminals", "10", "--driver-warmup", "0"));
            if (nativeMode) {
                s.add(List.of("sessions", "--terminals", "10", "--warmup", "10", "--driver-warmup", "0"));
                s.add(List.of("connections", "--connections", "20", "--per-terminal", "10", "--hold", "0"));
            }
            return s;
        }
        s.add(List.of("throughput", "--mb", "200", "--runs", "3"));
        s.add(List.of("fanout", "--terminals", "8", "--mb", "25", "--runs", "3"));
        s.add(List.of("latency", "--keys", "2000", "--warmup", "200", "--runs", "5", "--typists", "100"));
        // Fresh first (what users see), then warmed; the driver warms its own client first.
        s.add(List.of("sessions", "--terminals", "1000", "--warmup", "0", "--driver-warmup", "1000"));
        if (nativeMode) {
            s.add(List.of("sessions", "--terminals", "1000", "--warmup", "1000", "--driver-warmup", "0"));
            if (large) {
                long most = Sessions.mostTerminals(Proc.openFilesLimit());
                s.add(List.of("sessions", "--terminals", Long.toString(Math.min(10_000, most / 100 * 100)), "--warmup", "0",
                        "--driver-warmup", "0"));
            }
            s.add(List.of("connections", "--connections", large ? "10000" : "2000", "--hold", "10"));
        }
        return s;
    }

    /** The Markdown: one table per mode, every target of every scenario run in it. */
    static String page(List<Path> results, String loadAtStart, double minutes) throws IOException {
        StringBuilder md = new StringBuilder();
        String mode = null;
        String loadAtEnd = Proc.loadAverage();
        JsonObject machine = null;
        for (Path p : results) {
            JsonObject r = read(p);
            if (machine == null) {
                machine = r.getJsonObject("machine");
            }
            if (!r.getString("mode").equals(mode)) {
                mode = r.getString("mode");
                md.append("\n### ").append(mode).append(" mode\n\n| figure | target | reading | met |\n|---|---|---|---|\n");
            }
            for (JsonValue v : r.getJsonArray("targets")) {
                JsonObject t = v.asJsonObject();
                md.append("| ").append(r.getString("scenario")).append(": ").append(t.getString("figure")).append(" | ")
                        .append(t.getString("target")).append(" | ").append(Report.fmt(t.getJsonNumber("value").doubleValue()))
                        .append(" | ").append(t.getString("verdict")).append(" |\n");
            }
            if (!r.getBoolean("ok")) {
                md.append("| ").append(r.getString("scenario")).append(": FAILED CHECKS | | ").append(r.get("failed_checks"))
                        .append(" | NO |\n");
            }
        }
        String head = machine == null ? "" : String.format("Machine: %d CPUs, %,d MB, Linux %s, Java %s, pty max %s. "
                + "Load average (1, 5, 15 min) %s at the start, %s at the end; %.0f min.%n",
                machine.getInt("cpus"), machine.getJsonNumber("memory_kb").longValue() / 1024, machine.getString("kernel"),
                machine.getString("java"), machine.getString("pty_max"), loadAtStart, loadAtEnd, minutes);
        return head + md;
    }

    private static JsonObject read(Path p) throws IOException {
        try (Reader in = Files.newBufferedReader(p)) {
            return Json.createReader(in).readObject();
        }
    }
}

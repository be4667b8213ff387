package io.cloudterm.bench.load;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonWriterFactory;
import jakarta.json.stream.JsonGenerator;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One scenario's results, as tables for people on stdout and the same figures as JSON: the
 * machine and the server command, the figures, each target with its value, and every check.
 */
final class Report {

    private final JsonObjectBuilder json = Json.createObjectBuilder();
    private final JsonArrayBuilder targets = Json.createArrayBuilder();
    private final List<Table> tables = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private final Table targetTable = new Table("targets", "figure", "target", "reading", "met");
    private boolean anyTarget;

    Report(String scenario, ServerSpec spec) {
        json.add("scenario", scenario);
        json.add("date", OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString());
        json.add("mode", spec.mode());
        json.add("server_jvm_options_file", spec.jvmOptionsFile().map(Path::toString).orElse("none"));
        spec.jvmOptionsFile().ifPresent(file -> notes.add("The server started as the start command starts it, with @" + file
                + " (the AOT cache that package trained, on JDK 25+); --no-aot-cache leaves it out."));
        json.add("machine", Json.createObjectBuilder()
                .add("cpus", Runtime.getRuntime().availableProcessors())
                .add("memory_kb", memTotalKb())
                .add("kernel", System.getProperty("os.version"))
                .add("java", System.getProperty("java.version"))
                .add("load_average_at_start", Proc.loadAverage())
                .add("pty_max", Proc.ptyMax()));
    }

    /** The figures, under whatever keys the scenario chooses. */
    JsonObjectBuilder json() {
        return json;
    }

    void server(ServerProcess server) {
        json.add("server_command", String.join(" ", server.command()));
    }

    Table table(String title, String... header) {
        Table t = new Table(title, header);
        tables.add(t);
        return t;
    }

    void note(String text) {
        notes.add(text);
    }

    /** A figure against its target: {@code value <= limit} (atMost) or {@code value >= limit}. */
    void target(String figure, double value, boolean atMost, double limit, String unit) {
        target(figure, value, atMost, limit, unit, null);
    }

    /**
     * The same, unless {@code suspect} says why the reading cannot be judged (a reference taken on
     * a busy machine): then it is printed as that, not as met.
     */
    void target(String figure, double value, boolean atMost, double limit, String unit, String suspect) {
        boolean met = atMost ? value <= limit : value >= limit;
        String verdict = suspect != null ? suspect : met ? "yes" : "NO";
        String bound = (atMost ? "<= " : ">= ") + fmt(limit) + unit;
        targets.add(Json.createObjectBuilder().add("figure", figure).add("target", bound).add("value", round(value, 3))
                .add("met", suspect == null && met).add("verdict", verdict));
        targetTable.row(figure, bound, fmt(value) + unit, verdict);
        anyTarget = true;
    }

    /** A correctness check: a failed one fails the run (exit status 1). */
    void check(String what, boolean ok) {
        if (!ok) {
            failures.add(what);
        }
    }

    /** The cleanup after the scenario: children reaped, fds back, nothing left running. */
    void cleanup(ServerProcess.Cleanup c) {
        cleanup(null, c);
    }

    /** The same for one of several servers of a scenario, named by its {@code role}. */
    void cleanup(String role, ServerProcess.Cleanup c) {
        String suffix = role == null ? "" : ": " + role;
        json.add(role == null ? "cleanup" : "cleanup_" + role.replaceAll("[^A-Za-z0-9]+", "_"), Json.createObjectBuilder().add("fds_before", c.fdsBefore()).add("fds_after", c.fdsAfter())
                .add("fds_leaked", c.fdsLeaked())
                .add("children_not_reaped", c.childrenLeft()).add("processes_started", c.processesStarted())
                .add("left_running_after_stop", c.leftRunning()).add("server_exit_status", c.exitStatus()));
        table("after the last client left" + suffix, "", "server fds before", "after", "left over (pollers aside)", "children not reaped",
                "processes seen", "left running after stop")
                .row("", c.fdsBefore(), c.fdsAfter(), c.fdsLeaked(), c.childrenLeft(), c.processesStarted(), c.leftRunning());
        check("server fds back to " + c.fdsBefore() + " (" + c.fdsLeaked() + " left over)" + suffix, c.fdsLeaked() == 0);
        check("all children of the server reaped (" + c.childrenLeft() + " not)" + suffix, c.childrenLeft() == 0);
        check("nothing the server started still running after it stopped (" + c.leftRunning() + " was)" + suffix, c.leftRunning() == 0);
    }

    /** Prints the tables, writes the JSON file if asked; 0 when every check passed. */
    int finish(PrintStream out, Path file) throws IOException {
        json.add("load_average_at_end", Proc.loadAverage());
        json.add("targets", targets);
        JsonArrayBuilder failed = Json.createArrayBuilder();
        failures.forEach(failed::add);
        json.add("failed_checks", failed);
        json.add("ok", failures.isEmpty());
        JsonObject result = json.build();
        out.println();
        for (Table t : tables) {
            t.print(out);
        }
        if (anyTarget) {
            targetTable.print(out);
        }
        notes.forEach(out::println);
        out.println(failures.isEmpty() ? "all checks passed" : "FAILED: " + String.join("; ", failures));
        if (file != null) {
            JsonWriterFactory writers = Json.createWriterFactory(Map.of(JsonGenerator.PRETTY_PRINTING, true));
            try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8); var jw = writers.createWriter(w)) {
                jw.writeObject(result);
            }
            out.println("JSON: " + file);
        }
        return failures.isEmpty() ? 0 : 1;
    }

    static double round(double v, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(v * scale) / scale;
    }

    /** A figure for a table: 3 significant digits or so, no exponent. */
    static String fmt(double v) {
        double a = Math.abs(v);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static long memTotalKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return -1;
    }
}

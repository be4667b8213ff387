package io.cloudterm.bench.load;

import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Server memory readings side by side: RSS, heap, threads, fds, children, and the KB each added
 * unit (terminal, connection) cost over a base reading; with {@code --nmt}, the same per unit by
 * Native Memory Tracking category, which says where the memory went.
 */
final class Memory {

    private final Report report;
    private final ServerProcess server;
    private final boolean nmt;
    private final List<ServerProcess.Reading> readings = new ArrayList<>();
    private final List<Map<String, Long>> categories = new ArrayList<>();
    private final List<Map<String, Long>> classes = new ArrayList<>();
    private final boolean histogram;

    Memory(Report report, ServerProcess server, ServerSpec spec) {
        this.report = report;
        this.server = server;
        this.nmt = spec.nmt;
        this.histogram = spec.histogram;
    }

    /** Takes a reading (after a full GC, unless --no-gc); prints it at once. */
    ServerProcess.Reading read(String label) {
        ServerProcess.Reading r = server.read(label);
        readings.add(r);
        categories.add(nmt ? Proc.nativeMemory(server.pid()) : Map.of());
        classes.add(histogram ? Proc.histogram(server.pid()) : Map.of());
        System.out.printf("%s: RSS %.1f MB (%.1f of it file-backed, %s), heap used %.1f MB, %d threads, %d fds, %d children%n",
                label, r.rssKb() / 1024.0, r.rssFileKb() / 1024.0, heapShare(r), r.heapKb() / 1024.0, r.threads(), r.fds(), r.children());
        return r;
    }

    private static String heapShare(ServerProcess.Reading r) {
        return r.javaHeap() == null ? "Java heap not located"
                : String.format("%.1f in the Java heap of %.1f committed", r.javaHeap().residentKb() / 1024.0, r.javaHeap().committedKb() / 1024.0);
    }

    private static String mb(long kb) {
        return kb < 0 ? "-" : Report.fmt(kb / 1024.0);
    }

    /** KB per unit between two readings. */
    static double perUnitKb(ServerProcess.Reading base, ServerProcess.Reading r, long units) {
        return (r.rssKb() - base.rssKb()) / (double) units;
    }

    /**
     * The table: each reading, and for those with a unit count, KB per unit over {@code base}.
     * {@code units[i]} is the number of units reading i has over the base (0: none).
     */
    void table(String title, String unit, ServerProcess.Reading base, long[] units) {
        Table t = report.table(title, "", "RSS MB", "file-backed MB", "Java heap: resident MB", "committed MB", "used MB",
                "KB/" + unit, "threads", "fds", "children");
        var json = Json.createArrayBuilder();
        for (int i = 0; i < readings.size(); i++) {
            ServerProcess.Reading r = readings.get(i);
            String per = units[i] > 0 ? Report.fmt(perUnitKb(base, r, units[i])) : "";
            Proc.JavaHeap heap = r.javaHeap();
            t.row(r.label(), mb(r.rssKb()), mb(r.rssFileKb()), mb(heap == null ? -1 : heap.residentKb()),
                    mb(heap == null ? -1 : heap.committedKb()), mb(r.heapKb()), per, r.threads(), r.fds(), r.children());
            JsonObjectBuilder o = Json.createObjectBuilder().add("label", r.label()).add("rss_kb", r.rssKb()).add("rss_file_kb", r.rssFileKb())
                    .add("heap_used_kb", r.heapKb()).add("threads", r.threads()).add("fds", r.fds()).add("children", r.children());
            if (heap != null) {
                o.add("heap_resident_kb", heap.residentKb()).add("heap_committed_kb", heap.committedKb());
            }
            if (units[i] > 0) {
                o.add("units", units[i]).add("kb_per_" + unit, Report.round(perUnitKb(base, r, units[i]), 2));
            }
            if (nmt) {
                var c = Json.createObjectBuilder();
                categories.get(i).forEach(c::add);
                o.add("nmt_committed_kb", c);
            }
            json.add(o);
        }
        report.json().add("readings", json);
    }

    /** With --nmt: committed KB per unit, by category, from reading {@code from} to reading {@code to}. */
    void nmtTable(String title, int from, int to, double units) {
        if (nmt) {
            diff(report.table(title, "NMT category", "KB per unit"), categories.get(from), categories.get(to), units, 0.05);
        }
    }

    /** With --histogram: live heap bytes per unit, by class, from reading {@code from} to {@code to}; the top 20. */
    void histogramTable(String title, int from, int to, double units) {
        if (histogram) {
            diff(report.table(title, "class", "bytes per unit"), classes.get(from), classes.get(to), units, 8);
        }
    }

    /** The rows of {@code (b - a) / units} at least {@code least} either way, largest first, 20 at most. */
    private static void diff(Table t, Map<String, Long> a, Map<String, Long> b, double units, double least) {
        b.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), (e.getValue() - a.getOrDefault(e.getKey(), 0L)) / units))
                .filter(e -> Math.abs(e.getValue()) >= least)
                .sorted((x, y) -> Double.compare(Math.abs(y.getValue()), Math.abs(x.getValue())))
                .limit(20)
                .forEach(e -> t.row(e.getKey(), Report.fmt(e.getValue())));
    }

    List<ServerProcess.Reading> readings() {
        return readings;
    }
}

package io.cloudterm.bench.load;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.Arrays;

/** Round trips in microseconds: p50, p90, p99, p99.9 and max of one run. */
record Percentiles(double p50, double p90, double p99, double p999, double max) {

    static final String[] NAMES = {"p50", "p90", "p99", "p99.9", "max"};

    static Percentiles ofNanos(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return new Percentiles(at(s, 0.5), at(s, 0.9), at(s, 0.99), at(s, 0.999), s[s.length - 1] / 1e3);
    }

    /** The nearest-rank percentile, in microseconds. */
    private static double at(long[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e3;
    }

    double[] values() {
        return new double[] {p50, p90, p99, p999, max};
    }

    JsonObject json() {
        var b = Json.createObjectBuilder();
        double[] v = values();
        for (int i = 0; i < v.length; i++) {
            b.add(NAMES[i], Report.round(v[i], 1));
        }
        return b.build();
    }

    /** Each percentile's median over several runs. */
    static Percentiles median(java.util.List<Percentiles> runs) {
        double[] m = new double[NAMES.length];
        for (int i = 0; i < m.length; i++) {
            final int k = i;
            double[] v = runs.stream().mapToDouble(p -> p.values()[k]).sorted().toArray();
            m[i] = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        }
        return new Percentiles(m[0], m[1], m[2], m[3], m[4]);
    }
}

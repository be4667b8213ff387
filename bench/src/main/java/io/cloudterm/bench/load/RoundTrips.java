package io.cloudterm.bench.load;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Round trips of one run, in microseconds, read from an HdrHistogram of nanoseconds: p50, p90,
 * p99, p99.9 and max; and each percentile's median over several runs, so that one run's hiccup
 * on a shared machine does not make the figure.
 */
record RoundTrips(double p50, double p90, double p99, double p999, double max) {

    static final String[] NAMES = {"p50", "p90", "p99", "p99.9", "max"};

    /** An empty histogram of nanoseconds, 3 significant digits, growing to whatever it records. */
    static Histogram histogram() {
        return new Histogram(3);
    }

    static RoundTrips of(Histogram nanos) {
        return new RoundTrips(at(nanos, 50), at(nanos, 90), at(nanos, 99), at(nanos, 99.9), nanos.getMaxValue() / 1e3);
    }

    private static double at(Histogram nanos, double percentile) {
        return nanos.getValueAtPercentile(percentile) / 1e3;
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
    static RoundTrips median(List<RoundTrips> runs) {
        double[] m = new double[NAMES.length];
        for (int i = 0; i < m.length; i++) {
            final int k = i;
            double[] v = runs.stream().mapToDouble(p -> p.values()[k]).sorted().toArray();
            m[i] = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        }
        return new RoundTrips(m[0], m[1], m[2], m[3], m[4]);
    }
}

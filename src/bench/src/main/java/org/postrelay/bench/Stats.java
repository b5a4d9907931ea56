package org.postrelay.bench;

import java.util.Arrays;
import java.util.List;

/** Medians and percentiles, computed one way everywhere. */
final class Stats {

    private Stats() {
    }

    /** Nearest-rank percentile of sorted values: the smallest value with at least q of them at or below it. */
    static long percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
    }

    static double median(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    /** (max - min) / median, the spread of the runs of one figure. */
    static double spread(List<Double> values) {
        double median = median(values);
        return median == 0 ? 0 : (max(values) - min(values)) / median;
    }

    static String values(List<Double> values) {
        return Arrays.toString(values.stream().mapToDouble(Double::doubleValue).map(Stats::round3).toArray());
    }

    private static double round3(double v) {
        double scale = Math.abs(v) >= 100 ? 1 : Math.abs(v) >= 1 ? 100 : 1000;
        return Math.round(v * scale) / scale;
    }
}

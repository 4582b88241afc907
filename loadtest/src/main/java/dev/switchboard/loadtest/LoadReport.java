package dev.switchboard.loadtest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * What a load run measured, and its JSON summary and self-contained HTML report (a latency-percentile plot and a
 * per-second time series, as inline SVG).
 *
 * @param refused     sends answered at once with a temporary refusal ({@code OVERLOADED}, {@code RATE_LIMITED})
 * @param failed      sends answered with any other error
 * @param ackedByThird acknowledged sends among those of the run's first, middle and last third: a stack past its
 *                    capacity that keeps serving acknowledges a share of each, one that collapses only of the first
 * @param seconds     from the first measured send until the last answer (or the end of the drain)
 * @param sendSeconds how long the run offered load: the base of the offered, acked and refused rates
 * @param series      per second: elapsed, deliveries, p99 (µs), sends offered, acked, refused
 */
public record LoadReport(int connections, int connected, int connectionErrors, long sent, long acked, long refused,
                         long failed, long[] ackedByThird, long errorFrames, long expectedDeliveries, long delivered, long lost,
                         int duplicated, int outOfOrder, double seconds, double sendSeconds, long warmupSeconds,
                         Histogram latencyMicros, List<long[]> series) {

    private static final double[] PERCENTILES = {50, 90, 99, 99.9, 100};

    /** Every send got its answer: acknowledged or refused, none unanswered and none failed. */
    public boolean everySendAnswered() {
        return acked + refused == sent && failed == 0;
    }

    /** Sends with no answer at all by the end of the run. */
    public long unanswered() {
        return sent - acked - refused - failed;
    }

    double percentileMs(double percentile) {
        return latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getValueAtPercentile(percentile) / 1000.0;
    }

    public String json() {
        double base = Math.max(sendSeconds, 0.001);
        return String.format(Locale.ROOT, "{\"connections\":%d,\"connected\":%d,\"connection_errors\":%d,"
                        + "\"sent\":%d,\"acked\":%d,\"refused\":%d,\"failed\":%d,\"unanswered\":%d,"
                        + "\"offered_per_second\":%.1f,\"acked_per_second\":%.1f,\"refused_per_second\":%.1f,"
                        + "\"acked_by_third\":[%d,%d,%d],"
                        + "\"error_frames\":%d,\"expected_deliveries\":%d,\"delivered\":%d,"
                        + "\"lost\":%d,\"duplicated\":%d,\"out_of_order\":%d,\"seconds\":%.2f,"
                        + "\"deliveries_per_second\":%.1f,\"latency_ms\":{\"p50\":%.2f,\"p90\":%.2f,\"p99\":%.2f,"
                        + "\"p99_9\":%.2f,\"max\":%.2f},\"warmup_seconds\":%d}",
                connections, connected, connectionErrors, sent, acked, refused, failed, unanswered(), sent / base,
                acked / base, refused / base, ackedByThird[0], ackedByThird[1], ackedByThird[2], errorFrames, expectedDeliveries, delivered,
                lost, duplicated, outOfOrder, seconds, delivered / Math.max(seconds, 0.001), percentileMs(50),
                percentileMs(90), percentileMs(99), percentileMs(99.9), percentileMs(100), warmupSeconds);
    }

    /** Writes {@code summary.json} and {@code report.html} into the directory. */
    public void write(Path directory) {
        try {
            Files.createDirectories(directory);
            Files.writeString(directory.resolve("summary.json"), json() + "\n");
            Files.writeString(directory.resolve("report.html"), html());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String html() {
        StringBuilder rows = new StringBuilder();
        for (double p : PERCENTILES) {
            rows.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%.2f ms</td></tr>",
                    p == 100 ? "max" : "p" + trim(p), percentileMs(p)));
        }
        return """
                <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Switchboard load report</title>
                <style>body{font-family:system-ui,sans-serif;margin:2rem;color:#1d2330}table{border-collapse:collapse}
                td,th{padding:.25rem .8rem;border-bottom:1px solid #dde}svg{background:#fafbff;border:1px solid #dde}
                h2{margin-top:2rem}</style></head><body>
                <h1>Switchboard load report</h1>
                <p>%d connections (%d connected, %d errors), %d messages sent in %.1f s%s: %d acked, %d refused at
                once (the stack past its capacity or a connection past its quota), %d failed, %d unanswered;
                %d deliveries expected, %d delivered, <b>%d lost</b>, %d duplicated, %d out of order (arrived after a
                higher seq at the same socket; the client libraries put these back in order).</p>
                <h2>End-to-end latency (send to receive)</h2><table><tr><th>percentile</th><th>latency</th></tr>%s</table>
                %s
                <h2>Per second</h2>%s
                <pre>%s</pre></body></html>
                """.formatted(connections, connected, connectionErrors, sent, sendSeconds,
                warmupSeconds == 0 ? "" : " after a " + warmupSeconds + " s warm-up at the same rate, left out",
                acked, refused, failed, unanswered(), expectedDeliveries,
                delivered, lost, duplicated, outOfOrder, rows, percentilePlot(), timeSeries(), json());
    }

    private static String trim(double p) {
        return p == Math.floor(p) ? Long.toString((long) p) : Double.toString(p);
    }

    /** Latency by percentile on a log-scaled percentile axis (50 … 99.999), as HdrHistogram plots it. */
    private String percentilePlot() {
        if (latencyMicros.getTotalCount() == 0) {
            return "<p>no deliveries</p>";
        }
        int width = 640;
        int height = 260;
        double maxMs = Math.max(percentileMs(100), 0.001);
        StringBuilder points = new StringBuilder();
        for (int i = 0; i <= 100; i++) {
            double nines = i / 100.0 * 5;                 // 0 → p0, 5 → p99.999
            double percentile = 100 - 100 / Math.pow(10, nines);
            double x = 40 + nines / 5 * (width - 60);
            double y = height - 30 - percentileMs(Math.min(percentile, 100)) / maxMs * (height - 50);
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        }
        StringBuilder axis = new StringBuilder();
        String[] labels = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%"};
        for (int i = 0; i <= 5; i++) {
            double x = 40 + i / 5.0 * (width - 60);
            axis.append(String.format(Locale.ROOT, "<text x=\"%.0f\" y=\"%d\" font-size=\"11\" "
                    + "text-anchor=\"middle\">%s</text>", x, height - 10, labels[i]));
        }
        return String.format(Locale.ROOT, "<svg width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"latency by "
                        + "percentile\"><polyline fill=\"none\" stroke=\"#3355cc\" stroke-width=\"2\" points=\"%s\"/>%s"
                        + "<text x=\"4\" y=\"14\" font-size=\"11\">%.1f ms</text><text x=\"4\" y=\"%d\" "
                        + "font-size=\"11\">0</text></svg>", width, height, points, axis, maxMs, height - 30);
    }

    /** Deliveries per second (bars) and p99 per second (line), then offered, acked and refused sends per second. */
    private String timeSeries() {
        if (series.isEmpty()) {
            return "<p>no samples</p>";
        }
        StringBuilder table = new StringBuilder("<table><tr><th>second</th><th>offered</th><th>acked</th>"
                + "<th>refused</th><th>deliveries</th><th>p99</th></tr>");
        for (int i = 0; i < series.size(); i++) {
            long[] p = series.get(i);
            table.append(String.format(Locale.ROOT, "<tr><td>%d</td><td>%d</td><td>%d</td><td>%d</td><td>%d</td>"
                    + "<td>%.1f ms</td></tr>", i + 1, p[3], p[4], p[5], p[1], p[2] / 1000.0));
        }
        return deliveryPlot() + table.append("</table>");
    }

    private String deliveryPlot() {
        int width = 640;
        int height = 220;
        long maxCount = Math.max(1, series.stream().mapToLong(p -> p[1]).max().orElse(1));
        long maxP99 = Math.max(1, series.stream().mapToLong(p -> p[2]).max().orElse(1));
        double step = (width - 60.0) / series.size();
        StringBuilder bars = new StringBuilder();
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < series.size(); i++) {
            long[] p = series.get(i);
            double barHeight = (double) p[1] / maxCount * (height - 50);
            bars.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                    + "fill=\"#9fb3ee\"/>", 40 + i * step, height - 30 - barHeight, step * 0.8, barHeight));
            line.append(String.format(Locale.ROOT, "%.1f,%.1f ", 40 + (i + 0.4) * step,
                    height - 30 - (double) p[2] / maxP99 * (height - 50)));
        }
        return String.format(Locale.ROOT, "<svg width=\"%d\" height=\"%d\" role=\"img\" aria-label=\"deliveries and "
                        + "p99 per second\">%s<polyline fill=\"none\" stroke=\"#cc3344\" stroke-width=\"2\" "
                        + "points=\"%s\"/><text x=\"4\" y=\"14\" font-size=\"11\">bars: deliveries/s (max %d); "
                        + "line: p99 (max %.1f ms)</text></svg>", width, height, bars, line, maxCount,
                maxP99 / 1000.0);
    }
}

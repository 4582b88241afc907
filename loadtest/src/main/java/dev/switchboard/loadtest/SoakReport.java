package dev.switchboard.loadtest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a soak run measured. The stack's figures come from its own process: heap after a full collection (MB, -1 when
 * {@code jcmd} could not attach), sockets and platform threads (-1 off Linux), read idle before the first client,
 * after the warm-up ("start"), once the traffic has stopped with every client still connected ("end"), and idle again
 * after every client closed.
 *
 * @param acked            sends acknowledged (each has a seq in its room)
 * @param sendFailures     sends that failed after the client's retries (never acknowledged, so never expected)
 * @param expected         deliveries owed: for each membership, the acknowledged seqs of its room after its join
 *                         (and, for a replaced client, up to its room's last acknowledged seq when it was retired)
 * @param delivered        of those, delivered to the application (live or by resume)
 * @param lost             expected and never delivered
 * @param duplicated       a seq delivered twice to one membership
 * @param outOfOrder       a seq delivered after a higher one to one membership
 * @param resets           {@code reset}s the clients reported (messages skipped)
 * @param sentWhileOffline acknowledged while a member of the room was held offline: each reached it by resume
 * @param heapSamples      heap after a full collection during the run: {seconds since start, MB}
 */
public record SoakReport(long seconds, int clients, int rooms, int rate, double churn, long warmupSeconds,
                         long acked, long sendFailures, long expected, long delivered, long lost, long duplicated,
                         long outOfOrder, long resets, long drops, long offline, long replaced, long reconnects,
                         long sentWhileOffline, Stack idleBefore, Stack start, Stack end, Stack idleAfter,
                         List<double[]> heapSamples) {

    /** The stack's process at one moment. */
    public record Stack(double heapMb, long residentMb, int sockets, int threads) {
    }

    public SoakReport {
        heapSamples = List.copyOf(heapSamples);
    }

    /** Nothing acknowledged went missing, arrived twice or out of order. */
    public boolean clean() {
        return lost == 0 && duplicated == 0 && outOfOrder == 0;
    }

    /** Growth of the heap after a full collection from the start to the end, in percent; NaN when unknown. */
    public double heapGrowthPercent() {
        return start.heapMb() > 0 && end.heapMb() >= 0 ? 100 * (end.heapMb() - start.heapMb()) / start.heapMb()
                : Double.NaN;
    }

    public String json() {
        return String.format(Locale.ROOT, "{\"seconds\":%d,\"clients\":%d,\"rooms\":%d,\"rate\":%d,\"churn\":%.2f,"
                        + "\"warmup_seconds\":%d,\"acked\":%d,\"send_failures\":%d,\"expected\":%d,\"delivered\":%d,"
                        + "\"lost\":%d,\"duplicated\":%d,\"out_of_order\":%d,\"resets\":%d,\"drops\":%d,"
                        + "\"offline\":%d,\"replaced\":%d,\"reconnects\":%d,\"sent_while_offline\":%d,"
                        + "\"heap_growth_percent\":%.1f,\"stack\":{\"idle_before\":%s,\"start\":%s,\"end\":%s,"
                        + "\"idle_after\":%s},\"heap_samples\":[%s]}",
                seconds, clients, rooms, rate, churn, warmupSeconds, acked, sendFailures, expected, delivered, lost,
                duplicated, outOfOrder, resets, drops, offline, replaced, reconnects, sentWhileOffline,
                Double.isNaN(heapGrowthPercent()) ? -1 : heapGrowthPercent(), json(idleBefore), json(start),
                json(end), json(idleAfter), heapSamples.stream()
                        .map(s -> String.format(Locale.ROOT, "[%.0f,%.1f]", s[0], s[1]))
                        .collect(Collectors.joining(",")));
    }

    private static String json(Stack s) {
        return String.format(Locale.ROOT, "{\"heap_mb\":%.1f,\"resident_mb\":%d,\"sockets\":%d,\"threads\":%d}",
                s.heapMb(), s.residentMb(), s.sockets(), s.threads());
    }

    /** The report as Markdown: the run, the stack's process at four moments, the heap over time, the counts. */
    public String markdown() {
        StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "%d s (%d s warm-up), %d clients in %d rooms, "
                        + "%d sends/s, %.1f churn events/s%n%n", seconds, warmupSeconds, clients, rooms, rate, churn));
        md.append("| stack process | heap after GC | resident | sockets | threads |\n|---|---:|---:|---:|---:|\n");
        row(md, "idle, before the first client", idleBefore);
        row(md, "start (after the warm-up)", start);
        row(md, "end (traffic stopped, clients connected)", end);
        row(md, "idle, after every client closed", idleAfter);
        md.append(String.format(Locale.ROOT, "%nHeap after GC, start to end: %s%n%n",
                Double.isNaN(heapGrowthPercent()) ? "unknown" : String.format(Locale.ROOT, "%+.1f %%",
                        heapGrowthPercent())));
        if (!heapSamples.isEmpty()) {
            md.append("Heap after GC during the run (s: MB): ").append(heapSamples.stream()
                    .map(s -> String.format(Locale.ROOT, "%.0f: %.1f", s[0], s[1]))
                    .collect(Collectors.joining(", "))).append("\n\n");
        }
        md.append(String.format(Locale.ROOT, "| acked | send failures | expected | delivered | lost | duplicated | "
                        + "out of order | resets | drops | offline | replaced | reconnects | sent while offline |%n"
                        + "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|%n"
                        + "| %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d |%n", acked,
                sendFailures, expected, delivered, lost, duplicated, outOfOrder, resets, drops, offline, replaced,
                reconnects, sentWhileOffline));
        return md.toString();
    }

    private static void row(StringBuilder md, String moment, Stack s) {
        md.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %d |%n", moment,
                s.heapMb() < 0 ? "unknown" : String.format(Locale.ROOT, "%.1f MB", s.heapMb()),
                s.residentMb() < 0 ? "unknown" : s.residentMb() + " MB", s.sockets(), s.threads()));
    }

    /** Writes {@code soak.json} and {@code soak.md} into the directory. */
    public void write(Path directory) {
        try {
            Files.createDirectories(directory);
            Files.writeString(directory.resolve("soak.json"), json() + "\n");
            Files.writeString(directory.resolve("soak.md"), markdown());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

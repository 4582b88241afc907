package dev.switchboard.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A short run of the load tool on every build: a few hundred connections against the local stack for a few
 * seconds. It fails on any lost or duplicated message; latency is reported, never asserted.
 */
class LoadSmokeTest {

    @Test
    void aShortRunLosesNothingAndWritesItsReports() throws Exception {
        Path reports = Path.of("target/load-smoke");
        LoadOptions options = LoadOptions.builder().connections(200).rooms(5).rate(20).duration(Duration.ofSeconds(3))
                .rampPerSecond(500).reportDirectory(reports).warmup(Duration.ZERO).memoryStore(false).inFlight(0)
                .build();

        LoadReport report = LoadTest.run(options, line -> { });
        report.write(reports);

        assertThat(report.connected()).isEqualTo(200);
        assertThat(report.acked()).isEqualTo(report.sent()).isPositive();
        assertThat(report.refused()).as("well within the stack's capacity").isZero();
        assertThat(report.everySendAnswered()).isTrue();
        assertThat(report.expectedDeliveries()).isEqualTo(report.acked() * 40);
        assertThat(report.lost()).isZero();
        assertThat(report.duplicated()).isZero();
        assertThat(report.latencyMicros().getTotalCount()).isEqualTo(report.delivered());
        assertThat(Files.readString(reports.resolve("report.html"))).contains("<svg").contains("0 lost");
        assertThat(Files.readString(reports.resolve("summary.json"))).contains("\"lost\":0");
    }

    /** Also runs the in-process stack with its in-memory store (--store memory). */
    @Test
    void warmUpMessagesAreLeftOutOfEveryFigure() throws Exception {
        LoadOptions options = LoadOptions.builder().connections(20).rooms(2).rate(20).duration(Duration.ofSeconds(1))
                .rampPerSecond(500).reportDirectory(Path.of("target/load-smoke-warmup")).warmup(Duration.ofSeconds(1))
                .memoryStore(true).inFlight(0).build();

        LoadReport report = LoadTest.run(options, line -> { });

        assertThat(report.acked()).isEqualTo(report.sent()).isPositive();
        assertThat(report.expectedDeliveries()).isEqualTo(report.acked() * 10);
        assertThat(report.delivered()).isEqualTo(report.expectedDeliveries());
        assertThat(report.latencyMicros().getTotalCount()).isEqualTo(report.delivered());
        assertThat(report.lost()).isZero();
        assertThat(report.duplicated()).isZero();
        assertThat(report.json()).contains("\"warmup_seconds\":1");
    }

    /** What the overload benchmark measures capacity with: never more sends outstanding than it says. */
    @Test
    void aClosedLoopOffersOnlyWhatTheStackAnswersAndNothingIsRefused() throws Exception {
        LoadOptions options = LoadOptions.builder().connections(20).rooms(20).rate(1).duration(Duration.ofSeconds(2))
                .rampPerSecond(500).reportDirectory(Path.of("target/load-smoke-closed-loop"))
                .warmup(Duration.ofSeconds(1)).memoryStore(true).inFlight(4).build();

        List<String> progress = new CopyOnWriteArrayList<>();
        LoadReport report = LoadTest.run(options, progress::add);

        assertThat(report.sent()).isPositive();
        assertThat(report.acked()).isEqualTo(report.sent());
        assertThat(report.refused()).isZero();
        assertThat(report.unanswered()).isZero();
        assertThat(report.delivered()).isEqualTo(report.acked()).isEqualTo(report.expectedDeliveries());
        assertThat(progress).anyMatch(line -> line.startsWith(LoadTest.MEASURING));
    }
}

package dev.switchboard.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A short run on every build, offered far more than the local stack (DynamoDB Local, as deployed) can serve on any
 * machine: it keeps acknowledging a share of the sends all along, refuses the rest at once with a temporary error,
 * and leaves none unanswered; nothing acknowledged is lost. How large the share is depends on the machine and is
 * reported, never asserted.
 */
class OverloadSmokeTest {

    @Test
    void pastItsCapacityTheStackKeepsServingAShareAndRefusesTheRestAtOnce() throws Exception {
        // Rooms of one member (an echo), 2,000 sends a second for 3 seconds.
        LoadOptions options = LoadOptions.builder().connections(100).rooms(100).rate(2_000)
                .duration(Duration.ofSeconds(3)).rampPerSecond(500).reportDirectory(Path.of("target/overload-smoke"))
                .warmup(Duration.ZERO).memoryStore(false).inFlight(0).build();

        LoadReport report = LoadTest.run(options, line -> { });
        report.write(options.reportDirectory());

        assertThat(report.connected()).isEqualTo(100);
        assertThat(report.refused()).as("refused at once, not queued").isPositive();
        assertThat(report.acked()).isPositive();
        assertThat(report.unanswered()).as("sends with no answer").isZero();
        assertThat(report.failed()).as("sends answered with another error").isZero();
        assertThat(report.everySendAnswered()).isTrue();
        assertThat(report.ackedByThird()).as("acknowledged among the first, middle and last third of the sends: "
                + "the stack keeps serving under sustained overload").doesNotContain(0L);
        assertThat(report.lost()).isZero();
        assertThat(report.duplicated()).isZero();
        assertThat(report.delivered()).isEqualTo(report.expectedDeliveries()).isEqualTo(report.acked());
    }
}

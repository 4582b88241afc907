package dev.switchboard.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A minute of the soak on every build: the local stack in a JVM of its own, steady sends, and churn every half
 * second (dropped connections, connections held offline, clients replaced). Whatever was acknowledged reaches every
 * member once and in order, live or by resume. The heap, socket and thread figures are reported, not asserted (they
 * are for the half-hour run in docs/reliability.md).
 */
class SoakSmokeTest {

    @Test
    void underChurnNothingAcknowledgedIsLostDuplicatedOrOutOfOrder() throws Exception {
        SoakOptions options = new SoakOptions(Duration.ofSeconds(60), 12, 3, 10, 2, Duration.ofSeconds(5),
                Duration.ofSeconds(30), Path.of("target/soak-smoke"));

        SoakReport report = Soak.run(options, line -> { });
        report.write(options.report());

        assertThat(report.acked()).as("sends acknowledged").isPositive();
        assertThat(report.sendFailures()).as("sends that failed after the client's retries").isZero();
        assertThat(report.drops()).as("connections dropped").isPositive();
        assertThat(report.offline()).as("connections held offline").isPositive();
        assertThat(report.replaced()).as("clients replaced").isPositive();
        assertThat(report.expected()).as("deliveries owed").isPositive();
        assertThat(report.lost()).as("acknowledged and never delivered").isZero();
        assertThat(report.duplicated()).as("delivered twice").isZero();
        assertThat(report.outOfOrder()).as("delivered after a higher seq").isZero();
        assertThat(report.delivered()).isEqualTo(report.expected());
    }
}

package dev.switchboard.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The capacity benchmark, small, on every build: the local stack as {@code ./switchboard local} starts it (its own
 * JVM, the launcher's JVM options, DynamoDB Local), a few hundred real sockets in this one. It checks that every
 * client is seated, every broadcast reaches every member once, every {@code $disconnect} is finished and the probe
 * is seated during the disconnects; never how fast (the figures belong in docs/performance.md, from full runs).
 */
class CapacitySmokeTest {

    @Test
    void everyClientIsSeatedEveryMessageDeliveredEveryDisconnectFinished() throws Exception {
        CapacityBenchmark.Options options = CapacityBenchmark.Options.parse("--connections", "300", "--rounds", "2",
                "--probe", "20");

        CapacityBenchmark.Result result = CapacityBenchmark.run(options, line -> { });

        assertThat(result.seated()).isEqualTo(300);
        assertThat(result.joinFailures()).isZero();
        assertThat(result.deliveries()).as("three broadcasts to 300 members").isEqualTo(900);
        assertThat(result.lost()).isZero();
        assertThat(result.duplicates()).isZero();
        assertThat(result.rounds()).hasSize(2);
        assertThat(result.disconnected()).isEqualTo(300);
        assertThat(result.probeSeated()).isEqualTo(20);
        assertThat(result.complete()).isTrue();
        if (Files.isDirectory(Path.of("/proc/self"))) {
            assertThat(result.memory().residentMb()).as("read from /proc").isPositive();
        }
        assertThat(result.json()).contains("\"store\":\"dynamodb\"").contains("\"seated\":300")
                .contains("\"lost\":0").contains("\"complete\":true");
    }

    @Test
    void flagsAreCheckedAndNamedInTheError() {
        assertThat(CapacityBenchmark.Options.parse().connections()).isEqualTo(10_000);
        assertThat(CapacityBenchmark.Options.parse().concurrency()).isEqualTo(100);
        assertThat(CapacityBenchmark.Options.parse("--store", "memory").store()).isEqualTo("memory");
        assertThatThrownBy(() -> CapacityBenchmark.Options.parse("--store", "redis")).hasMessageContaining("--store");
        assertThatThrownBy(() -> CapacityBenchmark.Options.parse("--connections", "many"))
                .hasMessageContaining("--connections");
        assertThatThrownBy(() -> CapacityBenchmark.Options.parse("--connections")).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> CapacityBenchmark.Options.parse("--stack-classpath", "x"))
                .hasMessageContaining("go together");
        assertThatThrownBy(() -> CapacityBenchmark.Options.parse("--colour", "red")).hasMessageContaining("--colour");
    }
}

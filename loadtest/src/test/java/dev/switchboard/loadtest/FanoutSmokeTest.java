package dev.switchboard.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The fan-out benchmark, small, on every build: real sockets in a second JVM, one room, both delivery paths, four
 * broadcasts on Switchboard's. It checks that nothing is lost, never how fast (the numbers belong in docs/performance.md, from the full run).
 */
class FanoutSmokeTest {

    @Test
    void everyClientGetsTheMessageOnBothPaths() throws Exception {
        FanoutBenchmark.Result result = FanoutBenchmark.run(200, 1, 2, line -> { });

        assertThat(result.delivered()).as("every broadcast reached every client").isEqualTo(200);
        assertThat(result.lost()).isZero();
        assertThat(result.rounds()).hasSize(2);
        assertThat(result.baselineDelivered()).isEqualTo(200);
        assertThat(result.json()).contains("\"lost\":0").contains("\"warmup_rounds\":1").contains("\"rounds\":2").contains("\"speedup\":");
    }
}

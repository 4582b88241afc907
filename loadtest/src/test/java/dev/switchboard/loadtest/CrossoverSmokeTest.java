package dev.switchboard.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The crossover benchmark, small, on every build: a room of 120 real sockets delivered inline and spread over
 * three shards, one round each. It checks that both ways reach every member, never which is faster.
 */
class CrossoverSmokeTest {

    @Test
    void bothWaysReachEveryMember() throws Exception {
        CrossoverBenchmark.Result result = CrossoverBenchmark.run(List.of(120), 3, 2, 1, line -> { });

        assertThat(result.rows()).singleElement().satisfies(row -> {
            assertThat(row.connections()).isEqualTo(120);
            assertThat(row.lost()).isZero();
            assertThat(row.inlineSeconds()).isPositive();
            assertThat(row.spreadSeconds()).isPositive();
        });
        assertThat(result.json()).contains("\"shards\":3").contains("\"lost\":0");
    }
}

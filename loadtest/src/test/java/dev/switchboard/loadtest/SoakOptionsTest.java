package dev.switchboard.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SoakOptionsTest {

    @Test
    void theWarmUpIsATenthOfTheRunAndAMinuteAtMost() {
        assertThat(SoakOptions.parse("--duration", "60").warmup()).isEqualTo(Duration.ofSeconds(6));
        assertThat(SoakOptions.parse("--duration", "1800").warmup()).isEqualTo(Duration.ofSeconds(60));
        assertThat(SoakOptions.parse("--duration", "60", "--warmup", "20").warmup()).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void flagsMayComeInAnyOrder() {
        SoakOptions options = SoakOptions.parse("--rooms", "2", "--clients", "4", "--rate", "5", "--churn", "0.5");

        assertThat(options.clients()).isEqualTo(4);
        assertThat(options.rooms()).isEqualTo(2);
        assertThat(options.rate()).isEqualTo(5);
        assertThat(options.churn()).isEqualTo(0.5);
    }

    @Test
    void refusesWhatCouldNotMeasureAnything() {
        assertThatThrownBy(() -> SoakOptions.parse("--clients", "4", "--rooms", "3"))
                .as("two members a room at least: a message reaches someone besides its sender")
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SoakOptions.parse("--duration", "10", "--warmup", "10"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SoakOptions.parse("--rate", "fast")).hasMessageContaining("--rate");
        assertThatThrownBy(() -> SoakOptions.parse("--colour", "red")).hasMessageContaining("--colour");
    }
}

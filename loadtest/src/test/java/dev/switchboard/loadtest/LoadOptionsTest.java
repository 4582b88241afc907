package dev.switchboard.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.Quotas;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LoadOptionsTest {

    @Test
    void flagsMayComeInAnyOrder() {
        // Fewer connections than the default 10 rooms, given before --rooms: checked only once all are read.
        LoadOptions options = LoadOptions.parse("--connections", "2", "--rooms", "1", "--rate", "5");

        assertThat(options.connections()).isEqualTo(2);
        assertThat(options.rooms()).isEqualTo(1);
        assertThat(options.rate()).isEqualTo(5);
    }

    @Test
    void measuresFromTheFirstMessageUnlessToldToWarmUp() {
        assertThat(LoadOptions.parse().warmup()).isZero();
        assertThat(LoadOptions.parse("--warmup", "15").warmup()).isEqualTo(Duration.ofSeconds(15));
    }

    @Test
    void theInProcessStackUsesDynamoDbLocalUnlessToldToKeepStateInMemory() {
        assertThat(LoadOptions.parse().memoryStore()).isFalse();
        assertThat(LoadOptions.parse("--store", "memory").memoryStore()).isTrue();
        assertThatThrownBy(() -> LoadOptions.parse("--store", "disk")).hasMessageContaining("--store");
    }

    @Test
    void sendsArePacedUnlessAClosedLoopIsAskedFor() {
        assertThat(LoadOptions.parse().inFlight()).isZero();
        assertThat(LoadOptions.parse("--in-flight", "64").inFlight()).isEqualTo(64);
        assertThatThrownBy(() -> LoadOptions.parse("--in-flight", "-1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void refusesAnImpossibleCombination() {
        assertThatThrownBy(() -> LoadOptions.parse("--connections", "2", "--rooms", "3"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LoadOptions.parse("--warmup", "-1"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theStackItStartsLetsEachConnectionSendItsShareSoTheRunMeasuresTheStack() {
        assertThat(LoadTest.quotasFor(LoadOptions.parse("--connections", "200", "--rate", "1000")))
                .as("5/s per connection: the defaults suffice").isEqualTo(Quotas.defaults());
        Quotas raised = LoadTest.quotasFor(LoadOptions.parse("--connections", "100", "--rate", "5000"));
        assertThat(raised.frameRate()).as("four times the average of 50/s").isEqualTo(200);
        assertThat(raised.frameBurst()).isEqualTo(400);
    }
}

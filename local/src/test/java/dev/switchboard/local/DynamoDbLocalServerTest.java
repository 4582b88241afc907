package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DynamoDbLocalServerTest {

    @Test
    void inMemoryByDefaultWithTelemetryOff() {
        assertThat(DynamoDbLocalServer.arguments(8000, Optional.empty()))
                .containsExactly("-port", "8000", "-disableTelemetry", "-inMemory");
    }

    @Test
    void aDataDirectoryIsOneSharedDatabaseWithTelemetryOff() {
        assertThat(DynamoDbLocalServer.arguments(8000, Optional.of(Path.of("data"))))
                .containsExactly("-port", "8000", "-disableTelemetry", "-dbPath", "data", "-sharedDb");
    }
}

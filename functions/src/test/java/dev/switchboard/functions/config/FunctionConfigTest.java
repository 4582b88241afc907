package dev.switchboard.functions.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.config.EnvNames;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FunctionConfigTest {

    @Test
    void readsEverySettingAndFillsDefaults() {
        FunctionConfig config = FunctionConfig.from(Map.of(
                EnvNames.TABLE_NAME, "t",
                EnvNames.MANAGEMENT_ENDPOINT, "https://abc.execute-api.eu-west-1.amazonaws.com/prod",
                EnvNames.REGION, "eu-west-1",
                EnvNames.MAX_IN_FLIGHT, "32",
                EnvNames.MAX_ATTEMPTS, "6",
                EnvNames.MAX_POSTS_PER_SECOND, "2500",
                EnvNames.CONNECTION_TTL_SECONDS, "9000",
                EnvNames.ROOM_SHARDS, "8",
                EnvNames.FANOUT_QUEUE_URL, "https://sqs.eu-west-1.amazonaws.com/123456789012/fanout",
                EnvNames.FANOUT_THRESHOLD, "5000"));

        assertThat(config.tableName()).isEqualTo("t");
        assertThat(config.requireManagementEndpoint())
                .isEqualTo(URI.create("https://abc.execute-api.eu-west-1.amazonaws.com/prod"));
        assertThat(config.region()).isEqualTo("eu-west-1");
        assertThat(config.maxInFlight()).isEqualTo(32);
        assertThat(config.maxPostsPerSecond()).isEqualTo(2500);
        assertThat(config.retryPolicy().maxAttempts()).isEqualTo(6);
        assertThat(config.core().connectionTtl()).isEqualTo(Duration.ofSeconds(9000));
        assertThat(config.dynamoDbEndpoint()).isEmpty();
        assertThat(config.roomShards()).isEqualTo(8);
        assertThat(config.fanoutQueueUrl()).contains(URI.create("https://sqs.eu-west-1.amazonaws.com/123456789012/fanout"));
        assertThat(config.fanoutThreshold()).isEqualTo(5000);

        FunctionConfig defaults = FunctionConfig.from(Map.of(EnvNames.TABLE_NAME, "t"));
        assertThat(defaults.maxInFlight()).isEqualTo(FunctionConfig.DEFAULT_MAX_IN_FLIGHT);
        assertThat(defaults.maxPostsPerSecond()).as("no limit unless asked").isZero();
        assertThat(defaults.core().connectionTtl()).isEqualTo(Duration.ofHours(3));
        assertThat(defaults.roomShards()).as("rooms unsharded unless asked").isEqualTo(1);
        assertThat(defaults.fanoutQueueUrl()).isEmpty();
        assertThat(defaults.fanoutThreshold()).isEqualTo(FunctionConfig.DEFAULT_FANOUT_THRESHOLD);
    }

    @Test
    void missingOrInvalidSettingsNameTheVariable() {
        assertThatThrownBy(() -> FunctionConfig.from(Map.of())).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(EnvNames.TABLE_NAME);
        assertThatThrownBy(() -> FunctionConfig.from(Map.of(EnvNames.TABLE_NAME, "t", EnvNames.MAX_IN_FLIGHT, "lots")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(EnvNames.MAX_IN_FLIGHT);
        assertThatThrownBy(() -> FunctionConfig.from(Map.of(EnvNames.TABLE_NAME, "t", EnvNames.MAX_IN_FLIGHT, "0")))
                .isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> FunctionConfig.from(Map.of(EnvNames.TABLE_NAME, "t",
                EnvNames.MANAGEMENT_ENDPOINT, "not a url"))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(EnvNames.MANAGEMENT_ENDPOINT);
        assertThatThrownBy(() -> FunctionConfig.from(Map.of(EnvNames.TABLE_NAME, "t",
                EnvNames.CONNECTION_TTL_SECONDS, "60"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FunctionConfig.from(Map.of(EnvNames.TABLE_NAME, "t", EnvNames.ROOM_SHARDS, "65")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(EnvNames.ROOM_SHARDS);
        assertThatThrownBy(() -> FunctionConfig.from(Map.of(EnvNames.TABLE_NAME, "t", EnvNames.FANOUT_THRESHOLD, "0")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(EnvNames.FANOUT_THRESHOLD);
        assertThatThrownBy(() -> FunctionConfig.from(Map.of(EnvNames.TABLE_NAME, "t")).requireManagementEndpoint())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining(EnvNames.MANAGEMENT_ENDPOINT);
    }
}

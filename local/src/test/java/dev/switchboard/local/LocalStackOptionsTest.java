package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LocalStackOptionsTest {

    @Test
    void everyFlagIsParsedAndTheRestKeepTheirDefaults() {
        LocalStackOptions o = LocalStackOptions.parse("--port", "4001", "--stage", "dev", "--host", "0.0.0.0",
                "--db-file", "data", "--table", "t", "--room-shards", "8", "--fanout-workers", "6",
                "--fanout-threshold", "500", "--post-latency-ms", "15");

        assertThat(o.port()).isEqualTo(4001);
        assertThat(o.stage()).isEqualTo("dev");
        assertThat(o.host()).isEqualTo("0.0.0.0");
        assertThat(o.dataDirectory()).contains(Path.of("data"));
        assertThat(o.table()).isEqualTo("t");
        assertThat(o.roomShards()).isEqualTo(8);
        assertThat(o.fanoutWorkers()).isEqualTo(6);
        assertThat(o.fanoutThreshold()).isEqualTo(500);
        assertThat(o.postLatency()).isEqualTo(Duration.ofMillis(15));
        assertThat(o.auth()).isFalse();
        assertThat(o.idleTimeout()).isEqualTo(Duration.ofMinutes(10));

        LocalStackOptions defaults = LocalStackOptions.parse();
        assertThat(defaults.roomShards()).isEqualTo(1);
        assertThat(defaults.postLatency()).isZero();
        assertThat(defaults.memoryStore()).as("DynamoDB Local, as deployed, unless asked").isFalse();
        assertThat(LocalStackOptions.parse("--store", "memory").memoryStore()).isTrue();
        assertThat(LocalStackOptions.parse("--store", "dynamodb").memoryStore()).isFalse();
        assertThat(LocalStackOptions.parse("--jwt-secret", "s".repeat(32)).auth()).isTrue();
        assertThat(defaults.overHttp()).as("in-process unless asked").isFalse();
        assertThat(LocalStackOptions.parse("--transport", "http").overHttp()).isTrue();
        assertThat(LocalStackOptions.parse("--transport", "in-process").overHttp()).isFalse();
    }

    @Test
    void badFlagsAreNamedInTheError() {
        assertThatThrownBy(() -> LocalStackOptions.parse("--room-shards", "0")).hasMessageContaining("--room-shards");
        assertThatThrownBy(() -> LocalStackOptions.parse("--fanout-workers", "many"))
                .hasMessageContaining("--fanout-workers");
        assertThatThrownBy(() -> LocalStackOptions.parse("--post-latency-ms", "-1"))
                .hasMessageContaining("--post-latency-ms");
        assertThatThrownBy(() -> LocalStackOptions.parse("--port")).hasMessageContaining("--port needs a value");
        assertThatThrownBy(() -> LocalStackOptions.parse("--store", "redis")).hasMessageContaining("--store");
        assertThatThrownBy(() -> LocalStackOptions.parse("--transport", "carrier-pigeon"))
                .hasMessageContaining("--transport");
        assertThatThrownBy(() -> LocalStackOptions.parse("--colour")).hasMessageContaining("unknown flag '--colour'");
        assertThatThrownBy(() -> LocalStackOptions.parse("--policy", "anything-goes")).hasMessageContaining("--policy");
    }

    @Test
    void thePolicyDeniesByDefaultWithAuthAndIsOpenWithoutTokens() {
        assertThat(LocalStackOptions.parse().effectivePolicy()).isEqualTo("open");
        assertThat(LocalStackOptions.parse("--auth").effectivePolicy()).isEqualTo("claims");
        assertThat(LocalStackOptions.parse("--auth", "--policy", "open").effectivePolicy()).isEqualTo("open");
        assertThat(LocalStackOptions.parse("--policy", "claims").effectivePolicy()).isEqualTo("claims");
    }
}

package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.Quotas;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
    void originsAndHostsToAllowAreRepeatableAndCommaSeparated() {
        LocalStackOptions o = LocalStackOptions.parse("--allow-origin", "http://localhost:5173,HTTPS://App.Test",
                "--allow-origin", "http://dev.test:8080", "--allow-host", "dev.test", "--allow-host", "::1,box.lan");

        assertThat(o.allowedOrigins()).containsExactly("http://localhost:5173", "HTTPS://App.Test",
                "http://dev.test:8080");
        assertThat(o.allowedHosts()).containsExactly("dev.test", "::1", "box.lan");
        assertThat(LocalStackOptions.parse().allowedOrigins()).as("only the stack's own origin").isEmpty();
        assertThat(LocalStackOptions.parse().allowedHosts()).as("only this machine's names").isEmpty();
        assertThatThrownBy(() -> LocalStackOptions.parse("--allow-origin", "http://a.test/path"))
                .hasMessageContaining("--allow-origin");
        assertThatThrownBy(() -> LocalStackOptions.parse("--allow-origin", "localhost:5173"))
                .hasMessageContaining("--allow-origin");
        assertThatThrownBy(() -> LocalStackOptions.parse("--allow-host", "a.test:80"))
                .hasMessageContaining("--allow-host");
    }

    @Test
    void quotaFlagsSetTheFunctionsQuotasAndTheRestKeepTheirDefaults() {
        assertThat(LocalStackOptions.parse().quotas()).isEqualTo(Quotas.defaults());
        assertThat(LocalStackOptions.parse("--frame-rate", "50", "--frame-burst", "120", "--connections-per-user",
                "3").quotas()).isEqualTo(Quotas.defaults().withFrames(50, 120).withConnectionsPerUser(3));
        assertThat(LocalStackOptions.parse("--frame-burst", "120", "--frame-rate", "50").quotas().frameRate())
                .as("in any order").isEqualTo(50);
        assertThat(LocalStackOptions.parse("--frame-rate", "500").quotas().frameBurst())
                .as("a rate alone gets twice its burst, as the defaults have").isEqualTo(1_000);
        assertThat(LocalStackOptions.parse("--frame-rate", "5").quotas().frameBurst())
                .as("or the default burst if that is more").isEqualTo(Quotas.DEFAULT_FRAME_BURST);
        assertThatThrownBy(() -> LocalStackOptions.parse("--frame-rate", "50", "--frame-burst", "10"))
                .hasMessageContaining("--frame-burst");
        assertThatThrownBy(() -> LocalStackOptions.parse("--connections-per-user", "0"))
                .hasMessageContaining("--connections-per-user");
        assertThatThrownBy(() -> LocalStackOptions.parse("--frame-rate", "fast")).hasMessageContaining("--frame-rate");
    }

    @Test
    void thePolicyDeniesByDefaultWithAuthAndIsOpenWithoutTokens() {
        assertThat(LocalStackOptions.parse().effectivePolicy()).isEqualTo("open");
        assertThat(LocalStackOptions.parse("--auth").effectivePolicy()).isEqualTo("claims");
        assertThat(LocalStackOptions.parse("--auth", "--policy", "open").effectivePolicy()).isEqualTo("open");
        assertThat(LocalStackOptions.parse("--policy", "claims").effectivePolicy()).isEqualTo("claims");
    }
}

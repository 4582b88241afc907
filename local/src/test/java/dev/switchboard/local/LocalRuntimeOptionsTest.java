package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.Quotas;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalRuntimeOptionsTest {

    @Test
    void everyFlagIsParsedAndTheRestKeepTheirDefaults() {
        LocalRuntimeOptions o = LocalRuntimeOptions.parse("--port", "4001", "--stage", "dev", "--host", "0.0.0.0",
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

        LocalRuntimeOptions defaults = LocalRuntimeOptions.parse();
        assertThat(defaults.roomShards()).isEqualTo(1);
        assertThat(defaults.postLatency()).isZero();
        assertThat(defaults.memoryStore()).as("DynamoDB Local, as deployed, unless asked").isFalse();
        assertThat(LocalRuntimeOptions.parse("--store", "memory").memoryStore()).isTrue();
        assertThat(LocalRuntimeOptions.parse("--store", "dynamodb").memoryStore()).isFalse();
        assertThat(LocalRuntimeOptions.parse("--jwt-secret", "s".repeat(32)).auth()).isTrue();
        assertThat(defaults.overHttp()).as("in-process unless asked").isFalse();
        assertThat(LocalRuntimeOptions.parse("--transport", "http").overHttp()).isTrue();
        assertThat(LocalRuntimeOptions.parse("--transport", "in-process").overHttp()).isFalse();
    }

    @Test
    void badFlagsAreNamedInTheError() {
        assertThatThrownBy(() -> LocalRuntimeOptions.parse("--room-shards", "0")).hasMessageContaining("--room-shards");
        assertThatThrownBy(() -> LocalRuntimeOptions.parse("--fanout-workers", "many"))
                .hasMessageContaining("--fanout-workers");
        assertThatThrownBy(() -> LocalRuntimeOptions.parse("--post-latency-ms", "-1"))
                .hasMessageContaining("--post-latency-ms");
        assertThatThrownBy(() -> LocalRuntimeOptions.parse("--port")).hasMessageContaining("--port needs a value");
        assertThatThrownBy(() -> LocalRuntimeOptions.parse("--store", "redis")).hasMessageContaining("--store");
        assertThatThrownBy(() -> LocalRuntimeOptions.parse("--transport", "carrier-pigeon"))
                .hasMessageContaining("--transport");
        assertThatThrownBy(() -> LocalRuntimeOptions.parse("--colour")).hasMessageContaining("unknown flag '--colour'");
        assertThatThrownBy(() -> LocalRuntimeOptions.parse("--policy", "anything-goes"))
                .hasMessageContaining("--policy");
    }

    @Test
    void originsAndHostsToAllowAreRepeatableAndCommaSeparated() {
        LocalRuntimeOptions o = LocalRuntimeOptions.parse("--allow-origin", "http://localhost:5173,HTTPS://App.Test",
                "--allow-origin", "http://dev.test:8080", "--allow-host", "dev.test", "--allow-host", "::1,box.lan");

        assertThat(o.allowedOrigins()).containsExactly("http://localhost:5173", "HTTPS://App.Test",
                "http://dev.test:8080");
        assertThat(o.allowedHosts()).containsExactly("dev.test", "::1", "box.lan");
        assertThat(LocalRuntimeOptions.parse().allowedOrigins()).as("only the stack's own origin").isEmpty();
        assertThat(LocalRuntimeOptions.parse().allowedHosts()).as("only this machine's names").isEmpty();
        assertThatThrownBy(() -> LocalRuntimeOptions.parse("--allow-origin", "http://a.test/path"))
                .hasMessageContaining("--allow-origin");
        assertThatThrownBy(() -> LocalRuntimeOptions.parse("--allow-origin", "localhost:5173"))
                .hasMessageContaining("--allow-origin");
        assertThatThrownBy(() -> LocalRuntimeOptions.parse("--allow-host", "a.test:80"))
                .hasMessageContaining("--allow-host");
    }

    @Test
    void quotaFlagsSetTheFunctionsQuotasAndTheRestKeepTheirDefaults() {
        assertThat(LocalRuntimeOptions.parse().quotas()).isEqualTo(Quotas.defaults());
        assertThat(LocalRuntimeOptions.parse("--frame-rate", "50", "--frame-burst", "120", "--connections-per-user",
                "3").quotas()).isEqualTo(Quotas.defaults().withFrames(50, 120).withConnectionsPerUser(3));
        assertThat(LocalRuntimeOptions.parse("--frame-burst", "120", "--frame-rate", "50").quotas().frameRate())
                .as("in any order").isEqualTo(50);
        assertThat(LocalRuntimeOptions.parse("--frame-rate", "500").quotas().frameBurst())
                .as("a rate alone gets twice its burst, as the defaults have").isEqualTo(1_000);
        assertThat(LocalRuntimeOptions.parse("--frame-rate", "5").quotas().frameBurst())
                .as("or the default burst if that is more").isEqualTo(Quotas.DEFAULT_FRAME_BURST);
        assertThatThrownBy(() -> LocalRuntimeOptions.parse("--frame-rate", "50", "--frame-burst", "10"))
                .hasMessageContaining("--frame-burst");
        assertThatThrownBy(() -> LocalRuntimeOptions.parse("--connections-per-user", "0"))
                .hasMessageContaining("--connections-per-user");
        assertThatThrownBy(() -> LocalRuntimeOptions.parse("--frame-rate", "fast"))
                .hasMessageContaining("--frame-rate");
    }

    @Test
    void thePolicyDeniesByDefaultWithAuthAndIsOpenWithoutTokens() {
        assertThat(LocalRuntimeOptions.parse().effectivePolicy()).isEqualTo("open");
        assertThat(LocalRuntimeOptions.parse("--auth").effectivePolicy()).isEqualTo("claims");
        assertThat(LocalRuntimeOptions.parse("--auth", "--policy", "open").effectivePolicy()).isEqualTo("open");
        assertThat(LocalRuntimeOptions.parse("--policy", "claims").effectivePolicy()).isEqualTo("claims");
    }
}

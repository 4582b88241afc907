package dev.switchboard.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SwitchboardClientOptionsTest {

    private static final URI URL = URI.create("wss://example.com/prod");

    @Test
    void unsetOptionsTakeTheirDefaults() {
        SwitchboardClientOptions options = SwitchboardClientOptions.builder(URL).build();

        assertThat(options.url()).isEqualTo(URL);
        assertThat(options.tokenProvider()).isEmpty();
        assertThat(options.tokenInHeader()).isFalse();
        assertThat(options.requestTimeout()).isEqualTo(SwitchboardClientOptions.DEFAULT_REQUEST_TIMEOUT);
        assertThat(options.heartbeat()).isEqualTo(SwitchboardClientOptions.DEFAULT_HEARTBEAT);
        assertThat(options.gapTimeout()).isEqualTo(SwitchboardClientOptions.DEFAULT_GAP_TIMEOUT);
        assertThat(options.reconnectBackoffBase()).isEqualTo(SwitchboardClientOptions.DEFAULT_RECONNECT_BACKOFF_BASE);
        assertThat(options.reconnectBackoffCap()).isEqualTo(SwitchboardClientOptions.DEFAULT_RECONNECT_BACKOFF_CAP);
        assertThat(options.maxSendAttempts()).isEqualTo(SwitchboardClientOptions.DEFAULT_MAX_SEND_ATTEMPTS);
    }

    @Test
    void aFixedTokenIsKeptAsOneThatIsNeverRefreshedAndNeverShown() {
        SwitchboardClientOptions options = SwitchboardClientOptions.builder(URL).token("a.b.c").tokenInHeader().build();

        assertThat(options.tokenProvider()).get().isInstanceOf(FixedToken.class)
                .hasToString("TokenProvider.fixed(5 characters)");
        assertThat(options.tokenInHeader()).isTrue();
        assertThat(new TokenSource(options.tokenProvider().orElseThrow(), options.requestTimeout()).refreshes())
                .isFalse();
    }

    @Test
    void buildRefusesSettingsTheClientCouldNotWorkWith() {
        assertRefused(SwitchboardClientOptions.builder(URI.create("https://example.com/prod")), "ws:// or wss://");
        assertRefused(SwitchboardClientOptions.builder(URL).heartbeat(Duration.ofMinutes(10)), "idle timeout");
        assertRefused(SwitchboardClientOptions.builder(URL).heartbeat(Duration.ZERO), "heartbeat");
        assertRefused(SwitchboardClientOptions.builder(URL).requestTimeout(Duration.ofSeconds(-1)), "requestTimeout");
        assertRefused(SwitchboardClientOptions.builder(URL).gapTimeout(Duration.ZERO), "gapTimeout");
        assertRefused(SwitchboardClientOptions.builder(URL)
                .reconnectBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)), "base <= cap");
        assertRefused(SwitchboardClientOptions.builder(URL)
                .reconnectBackoff(Duration.ZERO, Duration.ofSeconds(1)), "reconnectBackoff");
        assertRefused(SwitchboardClientOptions.builder(URL).maxSendAttempts(0), "maxSendAttempts");
        assertThatThrownBy(() -> SwitchboardClientOptions.builder(URL).requestTimeout(null).build())
                .isInstanceOf(NullPointerException.class).hasMessageContaining("requestTimeout");
        assertThatThrownBy(() -> SwitchboardClientOptions.builder(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> SwitchboardClientOptions.builder(URL).token(" "))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theLongestAllowedHeartbeatIsJustUnderTheIdleTimeout() {
        Duration justUnder = SwitchboardClientOptions.MAX_HEARTBEAT.minusSeconds(1);
        assertThat(SwitchboardClientOptions.builder(URL).heartbeat(justUnder).build().heartbeat()).isEqualTo(justUnder);
    }

    private static void assertRefused(SwitchboardClientOptions.Builder builder, String reason) {
        assertThatThrownBy(builder::build).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(reason);
    }
}

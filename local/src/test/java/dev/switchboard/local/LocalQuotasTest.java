package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.EnvNames;
import dev.switchboard.core.Quotas;
import dev.switchboard.functions.config.FunctionConfig;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The quota flags reach the functions as the deployment's environment does, and the handlers enforce them. */
class LocalQuotasTest {

    @Test
    void theFlagsBecomeTheFunctionsEnvironment() {
        LocalRuntimeOptions options = LocalRuntimeOptions.parse("--frame-rate", "7", "--frame-burst", "21",
                "--connections-per-user", "2");

        Map<String, String> environment = LocalRuntime.environment(options, 3001, Optional.empty());

        assertThat(environment).containsEntry(EnvNames.FRAME_RATE, "7").containsEntry(EnvNames.FRAME_BURST, "21")
                .containsEntry(EnvNames.CONNECTIONS_PER_USER, "2");
        assertThat(FunctionConfig.from(environment).core().quotas())
                .isEqualTo(Quotas.defaults().withFrames(7, 21).withConnectionsPerUser(2));
        assertThat(FunctionConfig.from(LocalRuntime.environment(LocalRuntimeOptions.defaults(), 3001, Optional.empty()))
                .core().quotas()).as("without flags, the functions' defaults").isEqualTo(Quotas.defaults());
    }

    @Test
    void aConnectionOverTheFrameRateItWasGivenIsRefusedWithRateLimited() {
        try (LocalRuntime stack = LocalRuntime.start(LocalRuntimeOptions.parse("--frame-rate", "1",
                        "--frame-burst", "2").withPort(0).withMemoryStore(true));
             TestSocket socket = TestSocket.open(stack.webSocketUrl())) {
            // Five frames at once: over a burst of 2 however they fall into the 2-second counting windows.
            sendFivePings(socket);

            assertThat(socket.next("\"code\":\"RATE_LIMITED\"")).contains("\"retryAfterMs\":");
        }
    }

    @Test
    void withTheDefaultQuotasTheSameFramesAreServed() {
        try (LocalRuntime stack = LocalRuntime.start(LocalRuntimeOptions.defaults().withPort(0).withMemoryStore(true));
             TestSocket socket = TestSocket.open(stack.webSocketUrl())) {
            sendFivePings(socket);

            for (int i = 0; i < 5; i++) {
                assertThat(socket.next("\"id\":\"p" + i + "\"")).contains("\"type\":\"pong\"");
            }
        }
    }

    private static void sendFivePings(TestSocket socket) {
        for (int i = 0; i < 5; i++) {
            socket.send("{\"action\":\"ping\",\"id\":\"p" + i + "\"}");
        }
    }
}

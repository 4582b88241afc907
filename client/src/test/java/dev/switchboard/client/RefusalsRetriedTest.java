package dev.switchboard.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.core.Quotas;
import dev.switchboard.local.LocalRuntime;
import dev.switchboard.local.LocalRuntimeOptions;
import dev.switchboard.protocol.ServerFrame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A client that sends more than its connection's frame quota: the server refuses the excess with
 * {@code RATE_LIMITED} and names when the next window opens, and the client sends those frames again then, not
 * after its own (here very short) backoff. A client that came back sooner would be refused again, and refused often
 * enough it would be disconnected for flooding, or give up on its sends.
 */
class RefusalsRetriedTest {

    @Test
    void sendsRefusedOverTheQuotaAreSentAgainWhenTheServerSaysAndAllArrive() {
        // Four frames per two-second window: the join and six sends cannot all go in one.
        try (LocalRuntime stack = LocalRuntime.start(LocalRuntimeOptions.defaults().withPort(0).withMemoryStore(true)
                .withQuotas(Quotas.defaults().withFrames(2, 4)))) {
            SwitchboardClientTest.Inbox inbox = new SwitchboardClientTest.Inbox();
            try (SwitchboardClient sender = SwitchboardClient.create(SwitchboardClientOptions
                    .builder(stack.webSocketUrl())
                    .reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(100)).build(), inbox)) {
                sender.connect().join();
                sender.join("quota").join();

                List<CompletableFuture<ServerFrame.Ack>> sends = new ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    sends.add(sender.send("quota", Integer.toString(i)));
                }

                assertThat(sends).allSatisfy(send -> assertThat(send.join().seq()).isPositive());
                await().untilAsserted(() -> assertThat(inbox.data()).containsExactlyInAnyOrder("0", "1", "2", "3",
                        "4", "5"));
                assertThat(inbox.states).as("never disconnected for sending regardless")
                        .doesNotContain(SwitchboardClient.State.RECONNECTING);
            }
        }
    }
}

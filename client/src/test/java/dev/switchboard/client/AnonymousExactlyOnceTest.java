package dev.switchboard.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.local.LocalRuntime;
import dev.switchboard.local.LocalRuntimeOptions;
import dev.switchboard.local.LocalTokens;
import dev.switchboard.protocol.ServerFrame;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Against the local stack without authentication (as {@code ./switchboard local} runs by default): the client's
 * instance id keeps it the same anonymous sender across reconnects, so a send retried on a new connection is
 * recognised as the one the server already stored.
 */
class AnonymousExactlyOnceTest {

    private static final int MESSAGES = 200;

    private static LocalRuntime stack;

    @BeforeAll
    static void start() {
        stack = LocalRuntime.start(LocalRuntimeOptions.defaults().withPort(0));
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void sendsRetriedAcrossRandomDropsOfBothSocketsArriveExactlyOnceAndInOrder() throws Exception {
        String room = "anon-" + Long.toHexString(System.nanoTime());
        List<ServerFrame.Message> received = new CopyOnWriteArrayList<>();
        AtomicInteger senderReconnects = new AtomicInteger();
        try (SwitchboardClient sender = SwitchboardClient.create(SwitchboardClientOptions.builder(stack.webSocketUrl())
                     .reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(100))
                     .build(), new SwitchboardClient.Listener() {
                         @Override
                         public void onStateChange(SwitchboardClient.State state) {
                             if (state == SwitchboardClient.State.RECONNECTING) {
                                 senderReconnects.incrementAndGet();
                             }
                         }
                     });
             SwitchboardClient receiver = SwitchboardClient.create(SwitchboardClientOptions
                     .builder(stack.webSocketUrl())
                     .reconnectBackoff(Duration.ofMillis(10), Duration.ofMillis(100))
                     .gapTimeout(Duration.ofMillis(200))
                     .build(), new SwitchboardClient.Listener() {
                         @Override
                         public void onMessage(ServerFrame.Message message) {
                             received.add(message);
                         }
                     })) {
            sender.connect().join();
            receiver.connect().join();
            sender.join(room).join();
            receiver.join(room).join();

            // Both sockets drop at random moments while the sender sends, one message at a time.
            AtomicBoolean sending = new AtomicBoolean(true);
            Random random = new Random();
            Thread dropper = Thread.ofVirtual().start(() -> {
                while (sending.get()) {
                    try {
                        Thread.sleep(20 + random.nextInt(180));
                    } catch (InterruptedException e) {
                        return;
                    }
                    (random.nextBoolean() ? sender : receiver).dropConnection();
                }
            });
            List<String> sent = new ArrayList<>();
            try {
                for (int i = 0; i < MESSAGES; i++) {
                    String text = "m" + i;
                    sender.sendText(room, text).join();
                    sent.add("\"" + text + "\"");
                }
            } finally {
                sending.set(false);
                dropper.join();
            }

            await().atMost(Duration.ofSeconds(60)).until(() -> received.size() >= MESSAGES);
            // A duplicate would arrive under a seq after the last original one; give it time to show up.
            sender.sendText(room, "end").join();
            sent.add("\"end\"");
            await().atMost(Duration.ofSeconds(30)).until(() -> received.getLast().data().equals("\"end\""));
            System.out.printf("%d sends, the sender's socket dropped %d times%n", MESSAGES, senderReconnects.get());
            assertThat(senderReconnects.get()).as("the sender's socket dropped").isGreaterThan(10);
            assertThat(received).extracting(ServerFrame.Message::data).as("each send once, in order")
                    .containsExactlyElementsOf(sent);
            assertThat(received).extracting(ServerFrame.Message::seq).as("no gaps, no duplicates")
                    .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, MESSAGES + 1).boxed()
                            .toList());
        }
    }

    @Test
    void aRefreshOnAStackWithoutAuthenticationIsAcknowledgedAndNotRepeated() {
        // The stack ignores tokens; the client cannot know that until its first refresh is acked without an exp.
        String secret = LocalTokens.newSecret();
        List<String> issued = new CopyOnWriteArrayList<>();
        List<SwitchboardException> errors = new CopyOnWriteArrayList<>();
        try (SwitchboardClient client = SwitchboardClient.create(SwitchboardClientOptions.builder(stack.webSocketUrl())
                .tokenProvider(() -> {
                    String token = LocalTokens.mint(secret, "nobody", Duration.ofSeconds(3));
                    issued.add(token);
                    return CompletableFuture.completedFuture(token);
                })
                .build(), new SwitchboardClient.Listener() {
                    @Override
                    public void onError(SwitchboardException error) {
                        errors.add(error);
                    }
                })) {
            client.connect().join();
            Instant firstExpiry = TokenLifetime.expiry(issued.getFirst()).orElseThrow();
            await().atMost(Duration.ofSeconds(10)).until(() -> Instant.now().isAfter(firstExpiry.plusSeconds(1)));

            assertThat(issued).as("one token to connect, one refresh").hasSize(2);
            assertThat(client.ping().join().ts()).isPositive();
            assertThat(client.state()).isEqualTo(SwitchboardClient.State.OPEN);
            assertThat(errors).isEmpty();
        }
    }
}

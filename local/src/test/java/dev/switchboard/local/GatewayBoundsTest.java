package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.awaitility.Awaitility.await;

import dev.switchboard.core.Quotas;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpMethod;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the gateway holds for a client is bounded, and what it holds when told to stop is given up promptly and
 * counted.
 */
class GatewayBoundsTest {

    /** Quotas no test client reaches: the gateway's own bounds are what these tests exercise. */
    private static final Quotas LIFTED = Quotas.defaults().withFrames(1_000_000, 2_000_000);

    @Test
    void aClientThatDoesNotReadItsAnswersIsNotReadEither() throws Exception {
        try (LocalRuntime stack = LocalRuntime.start(LocalRuntimeOptions.defaults().withPort(0).withMemoryStore(true)
                .withQuotas(LIFTED));
             RawWebSocket deaf = new RawWebSocket(stack.webSocketUrl())) {
            byte[] ping = RawWebSocket.maskedText("{\"action\":\"ping\",\"id\":\"p\"}");
            Thread flooder = Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (true) {
                        deaf.write(ping);
                    }
                } catch (IOException closed) {
                    // The test is over.
                }
            });
            LocalConnection connection = await().atMost(Duration.ofSeconds(30))
                    .until(() -> stack.gateway().connections().find(onlyConnection(stack)).orElse(null),
                            found -> found != null);
            Channel channel = connection.channel();

            // Its answers pile up unread until the channel is not writable; from then on its frames stay in TCP.
            await().atMost(Duration.ofSeconds(60)).until(() -> !channel.isWritable() && !channel.config().isAutoRead()
                    && connection.invocations().size() == 0);
            // Frames decoded before reading paused may still be handed on: wait until the count holds still.
            long[] counted = {-1};
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> {
                long now = stack.gateway().intake().started(Intake.Work.MESSAGE);
                boolean still = now == counted[0];
                counted[0] = now;
                return still;
            });
            long served = counted[0];
            assertThat(channel.isOpen()).isTrue();
            try (TestSocket other = TestSocket.open(stack.webSocketUrl())) {
                other.send("{\"action\":\"ping\",\"id\":\"other\"}");
                assertThat(other.next("\"id\":\"other\"")).contains("\"type\":\"pong\"");
            }
            assertThat(stack.gateway().intake().started(Intake.Work.MESSAGE)).as("only the other client's ping")
                    .isEqualTo(served + 1);
            deaf.close();
            flooder.join(10_000);
        }
    }

    @Test
    void aConnectionThatDoesNotReadWhatItIsSentIsClosedOnceAMegabyteWaitsForIt() throws Exception {
        try (LocalRuntime stack = LocalRuntime.start(LocalRuntimeOptions.defaults().withPort(0).withMemoryStore(true));
             RawWebSocket deaf = new RawWebSocket(stack.webSocketUrl(), 4096)) {
            String connectionId = await().atMost(Duration.ofSeconds(30))
                    .until(() -> onlyConnection(stack), id -> !id.isEmpty());
            ByteBuf message = Unpooled.copiedBuffer("x".repeat(30_000), StandardCharsets.UTF_8);

            // Posts go out while the socket takes them, then wait in the gateway, up to the bound.
            int posts = 0;
            ManagementApi.Answer answer;
            do {
                answer = stack.gateway().managementApi().handle(HttpMethod.POST, connectionId, message.duplicate());
                posts++;
            } while (answer.status() == 200 && posts < 2_000);

            assertThat(answer.status()).as("the post that would leave more than a megabyte unread").isEqualTo(410);
            assertThat(answer.body()).contains("did not read");
            assertThat(30_000L * posts).isGreaterThan(ManagementApi.MAX_UNREAD_BYTES);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> stack.gateway().connections().find(connectionId).isEmpty());
            message.release();
        }
    }

    private static String onlyConnection(LocalRuntime stack) {
        return stack.gateway().connections().ids().stream().findFirst().orElse("");
    }

    @Test
    void stoppingUnderLoadGivesUpQueuedWorkPromptlyAndCountsIt() throws Exception {
        LocalRuntime stack = LocalRuntime.start(LocalRuntimeOptions.defaults().withPort(0).withQuotas(LIFTED));
        List<TestSocket> clients = new ArrayList<>();
        List<Thread> senders = new ArrayList<>();
        try {
            for (int c = 0; c < 20; c++) {
                TestSocket client = TestSocket.open(stack.webSocketUrl());
                client.send("{\"action\":\"join\",\"room\":\"busy-" + c + "\",\"id\":\"j\"}");
                assertThat(client.next("\"id\":\"j\"")).contains("\"type\":\"ack\"");
                clients.add(client);
            }
            for (int c = 0; c < clients.size(); c++) {
                TestSocket client = clients.get(c);
                String room = "busy-" + c;
                senders.add(Thread.ofPlatform().daemon().start(() -> {
                    try {
                        for (int i = 0; i < 1_000; i++) {
                            client.send("{\"action\":\"send\",\"room\":\"" + room + "\",\"id\":\"s" + i
                                    + "\",\"data\":" + i + "}");
                        }
                    } catch (RuntimeException closed) {
                        // The stack stopped under it.
                    }
                }));
            }
            Intake intake = stack.gateway().intake();
            // Thousands of sends in a few seconds against DynamoDB Local: work waits in the gateway.
            await().atMost(Duration.ofSeconds(60)).until(() -> intake.backlog() >= Intake.MIN_BACKLOG / 2);

            StopReport report = assertTimeoutPreemptively(Duration.ofSeconds(30), stack::stop,
                    "the stack took as long to stop as its backlog takes to serve");

            assertThat(report.frames()).as("frames waiting when it stopped, given up and counted").isPositive();
            assertThat(report.logLine()).contains("gave up " + report.frames() + " frames");
            // Every frame the gateway read was refused, given up or served (perhaps interrupted): none vanished.
            assertThat(intake.received(Intake.Work.MESSAGE)).isEqualTo(intake.refused(Intake.Work.MESSAGE)
                    + intake.abandoned(Intake.Work.MESSAGE) + intake.started(Intake.Work.MESSAGE));
        } finally {
            stack.close();
            for (TestSocket client : clients) {
                client.socket.abort();
            }
            for (Thread sender : senders) {
                sender.join(10_000);
            }
        }
    }
}

package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The local stack with rooms in four shards and four fan-out workers: a room over the threshold is delivered
 * through the workers (real handlers, SQS-shaped events) and every member gets each message once.
 */
class ShardedFanoutTest {

    private static LocalRuntime stack;

    @BeforeAll
    static void start() {
        stack = LocalRuntime.start(LocalRuntimeOptions.defaults().withPort(0).withRoomShards(4).withFanout(4, 20)
                .withPostLatency(Duration.ofMillis(2)));
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    private static List<TestSocket> members(String room, int count) {
        List<TestSocket> sockets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            TestSocket socket = TestSocket.open(stack.webSocketUrl());
            socket.send("{\"action\":\"join\",\"room\":\"" + room + "\",\"id\":\"j\"}").next("\"ack\"");
            sockets.add(socket);
        }
        return sockets;
    }

    private static void publish(String room, String text) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(stack.publishUrl())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"room\":\"" + room + "\",\"data\":\"" + text + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(202);
    }

    @Test
    void aRoomOverTheThresholdReachesEveryMemberOnceThroughTheWorkers() throws Exception {
        List<TestSocket> sockets = members("arena", 60);
        long jobsBefore = stack.fanoutQueue().orElseThrow().delivered();

        publish("arena", "goal-1");
        publish("arena", "goal-2");

        for (TestSocket socket : sockets) {
            assertThat(socket.next("goal-1")).contains("\"seq\":1");
            assertThat(socket.next("goal-2")).contains("\"seq\":2");
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(stack.fanoutQueue().orElseThrow().delivered() - jobsBefore)
                        .as("two messages, three queued shards each").isEqualTo(6));
        sockets.forEach(socket -> assertThat(socket.messages).noneMatch(m -> m.contains("goal-")));
        sockets.forEach(TestSocket::close);
    }

    @Test
    void aSmallRoomIsDeliveredInlineWithNoJobs() throws Exception {
        List<TestSocket> sockets = members("booth", 3);
        long jobsBefore = stack.fanoutQueue().orElseThrow().delivered();

        publish("booth", "hello-booth");

        for (TestSocket socket : sockets) {
            assertThat(socket.next("hello-booth")).contains("\"room\":\"booth\"");
        }
        assertThat(stack.fanoutQueue().orElseThrow().delivered()).isEqualTo(jobsBefore);
        sockets.forEach(TestSocket::close);
    }
}

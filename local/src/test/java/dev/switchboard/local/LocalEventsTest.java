package dev.switchboard.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.switchboard.functions.aws.TableEvents;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --events} on the local stack, end to end: a client connects, joins, sends, leaves and disconnects, and the
 * receiver gets every event, complete and in order, as the JSON envelope; a receiver that fails for a while still
 * gets them all, one that keeps failing has each loss counted; and the flag takes only what it can use.
 */
class LocalEventsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpServer receiver;
    private final List<JsonNode> received = new CopyOnWriteArrayList<>();
    /** Answers this many POSTs with 503 before accepting. */
    private final AtomicInteger refuse = new AtomicInteger();
    private final AtomicInteger posts = new AtomicInteger();

    @BeforeEach
    void aReceiver() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/events", exchange -> {
            posts.incrementAndGet();
            byte[] body = exchange.getRequestBody().readAllBytes();
            boolean json = "application/json".equals(exchange.getRequestHeaders().getFirst("Content-Type"));
            if (refuse.getAndUpdate(n -> Math.max(0, n - 1)) > 0 || !json) {
                exchange.sendResponseHeaders(503, -1);
            } else {
                received.add(JSON.readTree(body));
                exchange.sendResponseHeaders(204, -1);
            }
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stop() {
        receiver.stop(0);
    }

    private URI receiverUrl() {
        return URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/events");
    }

    private LocalRuntime stack() {
        return LocalRuntime.start(LocalRuntimeOptions.parse("--port", "0"), StaticContent.none(),
                Optional.of(LocalEvents.Target.parse(receiverUrl().toString())));
    }

    @Test
    void aClientsVisitToARoomArrivesCompleteAndInOrder() {
        String connectionId;
        try (LocalRuntime stack = stack()) {
            try (TestSocket alice = TestSocket.open(stack.webSocketUrl())) {
                alice.send("{\"action\":\"join\",\"room\":\"desk-42\",\"id\":\"j1\"}").next("\"ack\"");
                alice.send("{\"action\":\"send\",\"room\":\"desk-42\",\"data\":{\"text\":\"hello\"},\"id\":\"s1\"}")
                        .next("\"id\":\"s1\"");
                alice.send("{\"action\":\"send\",\"room\":\"desk-42\",\"data\":\"again\",\"id\":\"s2\"}")
                        .next("\"id\":\"s2\"");
                alice.send("{\"action\":\"leave\",\"room\":\"desk-42\",\"id\":\"l1\"}").next("\"id\":\"l1\"");
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> received.size() >= 6);
            assertThat(stack.events().orElseThrow().failed()).isZero();
        }
        assertThat(received).extracting(e -> e.path("detail-type").asText()).containsExactly(
                TableEvents.CONNECTION_OPENED, TableEvents.MEMBER_JOINED, TableEvents.MESSAGE_PUBLISHED,
                TableEvents.MESSAGE_PUBLISHED, TableEvents.MEMBER_LEFT, TableEvents.CONNECTION_CLOSED);
        assertThat(received).allSatisfy(e -> {
            assertThat(e.path("source").asText()).isEqualTo(TableEvents.DEFAULT_SOURCE);
            assertThat(e.path("time").asText()).isNotEmpty();
            assertThat(e.path("detail").path("eventId").asText()).isNotEmpty();
        });
        connectionId = received.get(0).path("detail").path("connectionId").asText();
        String user = received.get(0).path("detail").path("user").asText();
        assertThat(connectionId).isNotEmpty();
        for (JsonNode event : received) {
            assertThat(event.path("detail").path("connectionId").asText(connectionId)).isEqualTo(connectionId);
        }
        JsonNode joined = received.get(1).path("detail");
        assertThat(joined.path("room").asText()).isEqualTo("desk-42");
        assertThat(joined.path("user").asText()).isEqualTo(user);
        JsonNode first = received.get(2).path("detail");
        assertThat(first.path("room").asText()).isEqualTo("desk-42");
        assertThat(first.path("seq").asLong()).isEqualTo(1);
        assertThat(first.path("from").asText()).isEqualTo(user);
        assertThat(first.path("data").path("text").asText()).isEqualTo("hello");
        assertThat(received.get(3).path("detail").path("seq").asLong()).isEqualTo(2);
        assertThat(received.get(3).path("detail").path("data").asText()).isEqualTo("again");
        assertThat(received.get(4).path("detail").path("expired").asBoolean()).isFalse();
        assertThat(received.get(5).path("detail").path("user").asText()).isEqualTo(user);
    }

    @Test
    void aReceiverThatFailsForAWhileGetsEveryEventAllTheSame() {
        refuse.set(3);
        try (LocalRuntime stack = stack(); TestSocket alice = TestSocket.open(stack.webSocketUrl())) {
            alice.send("{\"action\":\"join\",\"room\":\"retry\",\"id\":\"j1\"}").next("\"ack\"");
            await().atMost(Duration.ofSeconds(20)).until(() -> received.size() >= 2);
            assertThat(received).extracting(e -> e.path("detail-type").asText())
                    .containsExactly(TableEvents.CONNECTION_OPENED, TableEvents.MEMBER_JOINED);
            assertThat(posts.get()).isEqualTo(5);
            assertThat(stack.events().orElseThrow().failed()).isZero();
        }
    }

    @Test
    void aReceiverThatKeepsFailingHasEachEventCountedAsNotDelivered() {
        refuse.set(Integer.MAX_VALUE);
        try (LocalRuntime stack = stack(); TestSocket alice = TestSocket.open(stack.webSocketUrl())) {
            LocalEvents events = stack.events().orElseThrow();
            await().atMost(Duration.ofSeconds(30)).until(() -> events.failed() >= 1);
            assertThat(events.delivered()).isZero();
            assertThat(posts.get()).isGreaterThanOrEqualTo(LocalEvents.POST_RETRY.maxAttempts());
        }
    }

    @Test
    void theFlagTakesStdoutOrAnHttpUrlAndLeavesTheOtherFlags() {
        LocalEvents.Extracted extracted = LocalEvents.extract("--port", "0", "--events", "stdout", "--auth");
        assertThat(extracted.rest()).containsExactly("--port", "0", "--auth");
        assertThat(extracted.target()).contains(new LocalEvents.Stdout());
        assertThat(LocalEvents.extract("--events", "https://hooks.example.com/switchboard").target())
                .contains(new LocalEvents.Post(URI.create("https://hooks.example.com/switchboard")));
        assertThat(LocalEvents.extract("--port", "0").target()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://127.0.0.1/events", "file:///tmp/events", "127.0.0.1:8080/events", "http://",
            "javascript:alert(1)", "http://user:secret@127.0.0.1/events", "http://127.0.0.1/events#x", "http://a b",
            ""})
    void anythingButStdoutOrAnHttpUrlIsRefusedClearly(String value) {
        assertThatThrownBy(() -> LocalEvents.extract("--events", value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--events ");
    }

    @Test
    void theFlagWithoutAValueOrTwiceIsRefused() {
        assertThatThrownBy(() -> LocalEvents.extract("--port", "0", "--events"))
                .hasMessage("--events needs 'stdout' or an http(s) URL");
        assertThatThrownBy(() -> LocalEvents.extract("--events", "stdout", "--events", "stdout"))
                .hasMessage("--events is given twice");
    }

    @Test
    void theMemoryStoreHasNoStreamToReadAndSaysSo() {
        assertThatThrownBy(() -> LocalRuntime.start(LocalRuntimeOptions.parse("--port", "0", "--store", "memory"),
                StaticContent.none(), Optional.of(new LocalEvents.Stdout())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--store dynamodb");
    }
}

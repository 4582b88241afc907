package dev.switchboard.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import dev.switchboard.core.RetryPolicy;
import dev.switchboard.functions.aws.AwsClients;
import dev.switchboard.functions.aws.EventBridgePublisher;
import dev.switchboard.functions.aws.TableEvents;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * The events function against the AWS SDK's own EventBridge client, pointed at an in-test endpoint that speaks
 * EventBridge's PutEvents protocol and answers as the test says: every request it receives is kept, so the calls'
 * sizes can be checked, and entries can be refused once or for good.
 */
class EventsHandlerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BUS = "arn:aws:events:us-east-1:123456789012:event-bus/orders";

    /** What the endpoint answers an entry, given how many PutEvents calls came before and the entry itself. */
    private volatile BiFunction<Integer, JsonNode, String> refuse = (call, entry) -> null;
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private EventBridgeClient eventBridge;
    private EventsHandler handler;

    @BeforeEach
    void anEventBridgeEndpoint() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            byte[] answer;
            int status;
            if (!"AWSEvents.PutEvents".equals(target)) {
                status = 400;
                answer = "{\"__type\":\"UnknownOperationException\"}".getBytes(StandardCharsets.UTF_8);
            } else {
                JsonNode request = JSON.readTree(body);
                int call = requests.size();
                requests.add(request);
                ObjectNode response = JSON.createObjectNode();
                ArrayNode results = response.putArray("Entries");
                int failed = 0;
                for (JsonNode entry : request.path("Entries")) {
                    String error = refuse.apply(call, entry);
                    if (error == null) {
                        results.addObject().put("EventId", "e-" + call + "-" + results.size());
                    } else {
                        failed++;
                        results.addObject().put("ErrorCode", error).put("ErrorMessage", "refused by the test");
                    }
                }
                response.put("FailedEntryCount", failed);
                status = 200;
                answer = JSON.writeValueAsBytes(response);
            }
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        eventBridge = AwsClients.eventBridge("us-east-1",
                StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")),
                Optional.of(URI.create("http://127.0.0.1:" + server.getAddress().getPort())));
        handler = new EventsHandler(new EventBridgePublisher(eventBridge, BUS, "shop.chat",
                new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5))));
    }

    @AfterEach
    void stop() {
        eventBridge.close();
        server.stop(0);
    }

    @Test
    void aRoomsLifeReachesTheBusInOrderWithItsSourceAndDetailTypes() throws Exception {
        StreamsEventResponse response = handler.handleRequest(Events.stream("room-lifecycle"), null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(requests).hasSize(1);
        List<String> types = new ArrayList<>();
        for (JsonNode entry : requests.get(0).path("Entries")) {
            assertThat(entry.path("EventBusName").asText()).isEqualTo(BUS);
            assertThat(entry.path("Source").asText()).isEqualTo("shop.chat");
            assertThat(JSON.readTree(entry.path("Detail").asText()).path("eventId").asText()).isNotEmpty();
            types.add(entry.path("DetailType").asText());
        }
        assertThat(types).containsExactly(TableEvents.CONNECTION_OPENED, TableEvents.MEMBER_JOINED,
                TableEvents.MESSAGE_PUBLISHED, TableEvents.MEMBER_LEFT, TableEvents.CONNECTION_CLOSED);
    }

    @Test
    void manyEventsGoOutTenAtMostPerCall() throws Exception {
        DynamodbEvent event = messages(25, "\"hi\"");

        assertThat(handler.handleRequest(event, null).getBatchItemFailures()).isEmpty();

        assertThat(requests).extracting(r -> r.path("Entries").size()).containsExactly(10, 10, 5);
        assertThat(seqsPut()).containsExactly(range(1, 25));
    }

    @Test
    void largeEventsGoOutInCallsOfAt256KilobytesMost() throws Exception {
        String big = "\"" + "x".repeat(100 * 1024) + "\"";
        DynamodbEvent event = messages(5, big);

        assertThat(handler.handleRequest(event, null).getBatchItemFailures()).isEmpty();

        assertThat(requests).hasSizeGreaterThanOrEqualTo(3);
        for (JsonNode request : requests) {
            int bytes = 0;
            for (JsonNode entry : request.path("Entries")) {
                bytes += 14 + utf8(entry.path("Source").asText()) + utf8(entry.path("DetailType").asText())
                        + utf8(entry.path("Detail").asText());
            }
            assertThat(bytes).isLessThanOrEqualTo(EventBridgePublisher.MAX_REQUEST_BYTES);
        }
        assertThat(seqsPut()).containsExactly(range(1, 5));
    }

    @Test
    void entriesRefusedOnceArePutAgainAndNothingIsReported() throws Exception {
        refuse = (call, entry) -> call < 2 && seq(entry) % 4 == 0 ? "ThrottlingException" : null;

        StreamsEventResponse response = handler.handleRequest(messages(12, "1"), null);

        assertThat(response.getBatchItemFailures()).isEmpty();
        // The first pass (10 + 2), then one call with just the three refused.
        assertThat(requests).extracting(r -> r.path("Entries").size()).containsExactly(10, 2, 3);
        assertThat(requests.get(2).path("Entries").findValuesAsText("Detail").stream().map(EventsHandlerTest::seqOf))
                .containsExactly(4L, 8L, 12L);
    }

    @Test
    void anEntryRefusedEveryTimeReportsItsRecordSoTheStreamDeliversFromThere() throws Exception {
        refuse = (call, entry) -> seq(entry) == 7 ? "InternalFailure" : null;
        DynamodbEvent event = messages(12, "1");

        StreamsEventResponse response = handler.handleRequest(event, null);

        assertThat(response.getBatchItemFailures()).extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(event.getRecords().get(6).getDynamodb().getSequenceNumber());
        // Tried as often as the retry policy allows, and not more.
        assertThat(requests.stream().filter(r -> r.path("Entries").findValuesAsText("Detail").stream()
                .anyMatch(d -> seqOf(d) == 7)).count()).isEqualTo(3);
    }

    @Test
    void whenTheBusFailsWholeCallsTheFirstRecordIsReported() throws Exception {
        server.removeContext("/");
        server.createContext("/", exchange -> {
            requests.add(JSON.createObjectNode());
            byte[] answer = "{\"__type\":\"InternalException\",\"message\":\"down\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
            exchange.sendResponseHeaders(500, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        DynamodbEvent event = messages(3, "1");

        StreamsEventResponse response = handler.handleRequest(event, null);

        assertThat(response.getBatchItemFailures()).extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(event.getRecords().get(0).getDynamodb().getSequenceNumber());
    }

    @Test
    void aRecordThatCannotBeTranslatedIsReportedAndTheOnesBeforeItArePut() throws Exception {
        DynamodbEvent event = messages(4, "1");
        event.getRecords().get(2).getDynamodb().getNewImage().put("data", new AttributeValue().withS("{broken"));

        StreamsEventResponse response = handler.handleRequest(event, null);

        assertThat(response.getBatchItemFailures()).extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(event.getRecords().get(2).getDynamodb().getSequenceNumber());
        assertThat(seqsPut()).contains(1L, 2L).doesNotContain(3L);
    }

    @Test
    void rowsThatMeanNothingCallNothing() {
        DynamodbEvent event = Events.stream("room-lifecycle");
        event.setRecords(List.of(event.getRecords().get(2), event.getRecords().get(3), event.getRecords().get(5)));

        assertThat(handler.handleRequest(event, null).getBatchItemFailures()).isEmpty();
        assertThat(requests).isEmpty();
    }

    /** {@code count} message records of room {@code lobby}, seq 1 to count, each with the given data. */
    private static DynamodbEvent messages(int count, String data) {
        DynamodbEvent event = new DynamodbEvent();
        List<DynamodbEvent.DynamodbStreamRecord> records = new ArrayList<>();
        for (int seq = 1; seq <= count; seq++) {
            DynamodbEvent.DynamodbStreamRecord record = Events.stream("room-lifecycle").getRecords().get(4);
            String sortKey = "%020d".formatted(seq);
            record.setEventID("event-" + seq);
            record.getDynamodb().getKeys().put("sk", new AttributeValue().withS(sortKey));
            record.getDynamodb().getNewImage().put("sk", new AttributeValue().withS(sortKey));
            record.getDynamodb().getNewImage().put("data", new AttributeValue().withS(data));
            record.getDynamodb().setSequenceNumber("5000" + sortKey);
            records.add(record);
        }
        event.setRecords(records);
        return event;
    }

    private List<Long> seqsPut() {
        List<Long> seqs = new ArrayList<>();
        for (JsonNode request : requests) {
            request.path("Entries").findValuesAsText("Detail").forEach(detail -> seqs.add(seqOf(detail)));
        }
        return seqs;
    }

    private static long seq(JsonNode entry) {
        return seqOf(entry.path("Detail").asText());
    }

    private static long seqOf(String detail) {
        try {
            return JSON.readTree(detail).path("seq").asLong();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static Long[] range(long from, long to) {
        List<Long> values = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            values.add(i);
        }
        return values.toArray(Long[]::new);
    }

    private static int utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }
}

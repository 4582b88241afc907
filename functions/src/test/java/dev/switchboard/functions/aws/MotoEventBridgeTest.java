package dev.switchboard.functions.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.RetryPolicy;
import dev.switchboard.functions.Events;
import dev.switchboard.functions.EventsHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The events function's PutEvents against moto's EventBridge: a bus of the application's, a rule that sends its
 * Switchboard events to a queue, and what arrives there is what a consumer of the bus gets.
 */
@MotoServer.RequiresMoto
class MotoEventBridgeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final MotoServer moto = MotoServer.shared();

    @Test
    void theEventsReachARuleOnTheApplicationsBusAsEventBridgeDeliversThem() throws Exception {
        String bus = "app-" + UUID.randomUUID();
        try (EventBridgeClient eventBridge = moto.eventBridge(); SqsClient sqs = moto.sqs()) {
            String busArn = eventBridge.createEventBus(r -> r.name(bus)).eventBusArn();
            String queueUrl = sqs.createQueue(r -> r.queueName("events-" + UUID.randomUUID())).queueUrl();
            String queueArn = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl)
                    .attributeNames(QueueAttributeName.QUEUE_ARN)).attributes().get(QueueAttributeName.QUEUE_ARN);
            eventBridge.putRule(r -> r.name("switchboard").eventBusName(bus)
                    .eventPattern("{\"source\":[\"support.desk\"]}"));
            eventBridge.putTargets(r -> r.rule("switchboard").eventBusName(bus)
                    .targets(t -> t.id("queue").arn(queueArn)));
            EventsHandler handler = new EventsHandler(new EventBridgePublisher(eventBridge, busArn, "support.desk",
                    new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(5))));

            assertThat(handler.handleRequest(Events.stream("room-lifecycle"), null).getBatchItemFailures())
                    .isEmpty();

            List<JsonNode> delivered = new ArrayList<>();
            for (int round = 0; round < 5 && delivered.size() < 5; round++) {
                for (Message message : sqs.receiveMessage(r -> r.queueUrl(queueUrl).maxNumberOfMessages(10))
                        .messages()) {
                    delivered.add(JSON.readTree(message.body()));
                }
            }
            assertThat(delivered).extracting(e -> e.path("detail-type").asText()).containsExactlyInAnyOrder(
                    TableEvents.CONNECTION_OPENED, TableEvents.MEMBER_JOINED, TableEvents.MESSAGE_PUBLISHED,
                    TableEvents.MEMBER_LEFT, TableEvents.CONNECTION_CLOSED);
            assertThat(delivered).allSatisfy(e -> assertThat(e.path("source").asText()).isEqualTo("support.desk"));
            JsonNode message = delivered.stream()
                    .filter(e -> e.path("detail-type").asText().equals(TableEvents.MESSAGE_PUBLISHED))
                    .findFirst().orElseThrow();
            assertThat(message.path("detail").path("room").asText()).isEqualTo("lobby");
            assertThat(message.path("detail").path("seq").asLong()).isEqualTo(1);
            assertThat(message.path("detail").path("data").path("text").asText()).isEqualTo("hi");
        }
    }
}

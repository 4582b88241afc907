package dev.switchboard.functions;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.switchboard.core.RoomPolicy;
import dev.switchboard.core.Broadcaster;
import dev.switchboard.core.ConnectionStore;
import dev.switchboard.core.CoreSettings;
import dev.switchboard.core.InMemoryConnectionStore;
import dev.switchboard.core.RetryPolicy;
import dev.switchboard.core.SendOutcome;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.testkit.TestSwitchboard;
import dev.switchboard.protocol.ClientFrame;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The fan-out worker, driven by an SQS event fixture shaped as Lambda delivers it. */
class FanoutHandlerTest {

    private static final int SHARDS = 4;

    private final InMemoryConnectionStore store = new InMemoryConnectionStore(SHARDS);
    private final Map<String, String> received = new ConcurrentHashMap<>();
    private final Switchboard switchboard = TestSwitchboard.builder().policy(RoomPolicy.open())
            .store(store).clock(Clock.systemUTC())
            .sender((id, payload) -> {
                received.merge(id, new String(payload, StandardCharsets.UTF_8), (a, b) -> a + "\n" + b);
                return SendOutcome.DELIVERED;
            }).retryPolicy(new RetryPolicy(2, Duration.ZERO, Duration.ZERO))
            .settings(CoreSettings.defaults().withPresenceEvents(false, 0))
            .build().switchboard();


    @Test
    void eachRecordReachesExactlyItsShardAndBadRecordsGoBackForTheDeadLetterQueue() {
        List<String> ids = IntStream.range(0, 80).mapToObj(i -> "conn-" + i).toList();
        for (String id : ids) {
            switchboard.connect(id, "fan-" + id, "");
            switchboard.join(id, new ClientFrame.Join(null, "stadium"));
        }

        SQSBatchResponse response = new FanoutHandler(switchboard).handleRequest(Events.sqs("sqs-fanout"), null);

        assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .as("the record without a shard and the one naming shard 9 of 4")
                .containsExactly("7a0e5b1c-0002-4c2d-8e3f-000000000002", "7a0e5b1c-0003-4c2d-8e3f-000000000003");
        List<String> shardsTwoAndThree = ids.stream()
                .filter(id -> ConnectionStore.shardOf(id, SHARDS) >= 2).toList();
        assertThat(received.keySet()).isNotEmpty().containsExactlyInAnyOrderElementsOf(shardsTwoAndThree);
        assertThat(received.values()).allSatisfy(frame -> assertThat(frame)
                .isEqualTo("{\"type\":\"message\",\"id\":\"m-1\",\"room\":\"stadium\",\"from\":\"coach\","
                        + "\"data\":{\"score\":\"2-1\"},\"ts\":1795514460000,\"seq\":42}"));
    }

    @Test
    void anEmptyOrMissingBatchIsNoFailure() {
        assertThat(new FanoutHandler(switchboard).handleRequest(new SQSEvent(), null).getBatchItemFailures())
                .isEmpty();
        assertThat(new FanoutHandler(switchboard).handleRequest(null, null).getBatchItemFailures()).isEmpty();
    }

    @Test
    void aJobNamingNoRoomAClientCouldNameGoesToTheDeadLetterQueue() {
        for (String room : List.of("stadium#3", "a b", "")) {
            SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
            record.setMessageId("bad-" + room);
            record.setBody("{\"type\":\"message\"}");
            SQSEvent.MessageAttribute roomAttribute = new SQSEvent.MessageAttribute();
            roomAttribute.setDataType("String");
            roomAttribute.setStringValue(room);
            SQSEvent.MessageAttribute shard = new SQSEvent.MessageAttribute();
            shard.setDataType("Number");
            shard.setStringValue("1");
            record.setMessageAttributes(Map.of("room", roomAttribute, "shard", shard));
            SQSEvent event = new SQSEvent();
            event.setRecords(List.of(record));

            assertThat(new FanoutHandler(switchboard).handleRequest(event, null).getBatchItemFailures())
                    .as(room).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                    .containsExactly("bad-" + room);
        }
        assertThat(received).isEmpty();
    }

    @Test
    void aJobNamingConnectionsReachesExactlyThoseAndAMalformedListGoesToTheDeadLetterQueue() {
        List.of("c-1", "c-2", "c-3").forEach(id -> {
            switchboard.connect(id, "u-" + id, "");
            switchboard.join(id, new ClientFrame.Join(null, "lobby"));
        });
        String tooMany = String.join(" ", IntStream.range(0, Broadcaster.JOB_SIZE + 1).mapToObj(i -> "x" + i)
                .toList());
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(
                record("later", Map.of("connections", "c-1 c-3", "attempt", "1")),
                record("commas", Map.of("connections", "c-1,c-2", "attempt", "1")),
                record("blank", Map.of("connections", "c-1  c-2", "attempt", "1")),
                record("no-attempt", Map.of("connections", "c-2")),
                record("too-many", Map.of("connections", tooMany, "attempt", "1"))));

        SQSBatchResponse response = new FanoutHandler(switchboard).handleRequest(event, null);

        assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly("commas", "blank", "no-attempt", "too-many");
        assertThat(received).containsOnlyKeys("c-1", "c-3");
    }

    private static SQSEvent.SQSMessage record(String messageId, Map<String, String> attributes) {
        SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
        record.setMessageId(messageId);
        record.setBody("{\"type\":\"message\"}");
        Map<String, SQSEvent.MessageAttribute> values = new HashMap<>();
        attributes.forEach((name, value) -> {
            SQSEvent.MessageAttribute attribute = new SQSEvent.MessageAttribute();
            attribute.setDataType(name.equals("attempt") ? "Number" : "String");
            attribute.setStringValue(value);
            values.put(name, attribute);
        });
        record.setMessageAttributes(values);
        return record;
    }
}

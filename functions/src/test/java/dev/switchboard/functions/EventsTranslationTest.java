package dev.switchboard.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.functions.aws.SwitchboardEvent;
import dev.switchboard.functions.aws.TableChange;
import dev.switchboard.functions.aws.TableEvents;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The table's stream records, from sample DynamoDB stream events as Lambda delivers them, translated into the events
 * applications receive: which rows mean an event, what each event's detail holds, and which rows are refused.
 */
class EventsTranslationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aConnectionsLifeInARoomIsFiveEventsAndTheBookkeepingRowsAreNone() throws Exception {
        List<SwitchboardEvent> events = translateAll(Events.stream("room-lifecycle"));

        assertThat(events).extracting(SwitchboardEvent::detailType).containsExactly(
                TableEvents.CONNECTION_OPENED, TableEvents.MEMBER_JOINED, TableEvents.MESSAGE_PUBLISHED,
                TableEvents.MEMBER_LEFT, TableEvents.CONNECTION_CLOSED);

        JsonNode opened = detail(events.get(0));
        assertThat(opened.path("connectionId").asText()).isEqualTo("Ab1cD2eFgH0CFhw=");
        assertThat(opened.path("user").asText()).isEqualTo("alice");
        assertThat(opened.path("connectedAt").asLong()).isEqualTo(1767268799512L);
        assertThat(opened.path("at").asText()).isEqualTo("2026-01-01T11:59:59.512Z");
        assertThat(opened.has("sourceIp")).as("addresses stay in the table").isFalse();
        assertThat(events.get(0).time()).isEqualTo(Instant.ofEpochMilli(1767268799512L));

        JsonNode joined = detail(events.get(1));
        assertThat(joined.path("room").asText()).isEqualTo("lobby");
        assertThat(joined.path("user").asText()).isEqualTo("alice");
        assertThat(joined.path("connectionId").asText()).isEqualTo("Ab1cD2eFgH0CFhw=");
        assertThat(joined.path("eventId").asText()).isEqualTo("c81e728d9d4c2f636f067f89cc14862c");
        assertThat(joined.path("streamSequence").asText()).isEqualTo("111200000000000000002");
        assertThat(joined.path("at").asText()).isEqualTo("2026-01-01T12:00:01Z");

        JsonNode message = detail(events.get(2));
        assertThat(message.path("room").asText()).isEqualTo("lobby");
        assertThat(message.path("seq").asLong()).isEqualTo(1);
        assertThat(message.path("id").asText()).isEqualTo("m-7f3a");
        assertThat(message.path("from").asText()).isEqualTo("alice");
        // The data is the message's JSON value itself, not a string holding it.
        assertThat(message.path("data")).isEqualTo(JSON.readTree("{\"text\":\"hi\",\"n\":[1,2]}"));
        assertThat(message.path("ts").asLong()).isEqualTo(1767268802041L);
        assertThat(events.get(2).time()).isEqualTo(Instant.ofEpochMilli(1767268802041L));

        JsonNode left = detail(events.get(3));
        assertThat(left.path("room").asText()).isEqualTo("lobby");
        assertThat(left.path("user").asText()).isEqualTo("alice");
        assertThat(left.path("expired").asBoolean()).isFalse();

        JsonNode closed = detail(events.get(4));
        assertThat(closed.path("connectionId").asText()).isEqualTo("Ab1cD2eFgH0CFhw=");
        assertThat(closed.path("user").asText()).isEqualTo("alice");
        assertThat(closed.path("expired").asBoolean()).isFalse();
    }

    @Test
    void aShardedRoomIsNamedWithoutItsShardAnEscapedUserReadsBackAndATtlRemovalSaysSo() throws Exception {
        DynamodbEvent event = Events.stream("expired-and-sharded");
        SwitchboardEvent joined = TableEvents.translate(StreamRecords.change(event.getRecords().get(0))).orElseThrow();
        assertThat(joined.detailType()).isEqualTo(TableEvents.MEMBER_JOINED);
        assertThat(detail(joined).path("room").asText()).isEqualTo("stadium");
        assertThat(detail(joined).path("user").asText()).isEqualTo("bob#1%");

        SwitchboardEvent expired = TableEvents.translate(StreamRecords.change(event.getRecords().get(1)))
                .orElseThrow();
        assertThat(expired.detailType()).isEqualTo(TableEvents.MEMBER_LEFT);
        assertThat(detail(expired).path("expired").asBoolean()).isTrue();

        // A user's list of connections is bookkeeping.
        assertThat(TableEvents.translate(StreamRecords.change(event.getRecords().get(2)))).isEmpty();
    }

    @Test
    void aHistoryRowWhoseDataIsNotJsonIsRefusedRatherThanPassedOn() {
        DynamodbEvent event = Events.stream("expired-and-sharded");
        TableChange change = StreamRecords.change(event.getRecords().get(3));
        assertThatThrownBy(() -> TableEvents.translate(change))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not one JSON value");
    }

    @Test
    void aRecordWithoutItsStreamPartIsRefused() {
        DynamodbEvent.DynamodbStreamRecord record = Events.stream("room-lifecycle").getRecords().get(0);
        record.setDynamodb(null);
        assertThatThrownBy(() -> StreamRecords.change(record)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theEnvelopeCarriesDetailTypeSourceTimeAndTheDetail() throws Exception {
        SwitchboardEvent message = translateAll(Events.stream("room-lifecycle")).get(2);
        JsonNode envelope = JSON.readTree(message.envelope("shop.chat"));
        assertThat(envelope.path("detail-type").asText()).isEqualTo("message.published");
        assertThat(envelope.path("source").asText()).isEqualTo("shop.chat");
        assertThat(envelope.path("time").asText()).isEqualTo("2026-01-01T12:00:02Z");
        assertThat(envelope.path("detail")).isEqualTo(detail(message));
        assertThat(message.envelope("shop.chat")).doesNotContain("\n");
    }

    @Test
    void theFilterPatternsNameTheRowsThatMakeEvents() throws Exception {
        assertThat(TableEvents.FILTER_PATTERNS).containsExactly(
                "{\"eventName\":[\"INSERT\"],\"dynamodb\":{\"Keys\":{\"pk\":{\"S\":[{\"prefix\":\"HIST#\"}]}}}}",
                "{\"eventName\":[\"INSERT\",\"REMOVE\"],\"dynamodb\":{\"Keys\":{\"pk\":{\"S\":[{\"prefix\":\"ROOM#\"}]},"
                        + "\"sk\":{\"S\":[{\"prefix\":\"CONN#\"}]}}}}",
                "{\"eventName\":[\"INSERT\",\"REMOVE\"],\"dynamodb\":{\"Keys\":{\"pk\":{\"S\":[{\"prefix\":\"CONN#\"}]},"
                        + "\"sk\":{\"S\":[\"META\"]}}}}");
        for (String pattern : TableEvents.FILTER_PATTERNS) {
            assertThat(JSON.readTree(pattern)).isNotNull();
        }
    }

    static List<SwitchboardEvent> translateAll(DynamodbEvent event) {
        List<SwitchboardEvent> events = new ArrayList<>();
        for (DynamodbEvent.DynamodbStreamRecord record : event.getRecords()) {
            Optional<SwitchboardEvent> translated = TableEvents.translate(StreamRecords.change(record));
            translated.ifPresent(events::add);
        }
        return events;
    }

    private static JsonNode detail(SwitchboardEvent event) throws Exception {
        return JSON.readTree(event.detail());
    }
}

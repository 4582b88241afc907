package com.example.supportdesk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The transcript consumer with events as EventBridge hands them to a Lambda function (the schema of Switchboard's
 * event stream), against DynamoDB Local: what it stores, in which order, what it skips and what it refuses.
 */
class TranscriptConsumerTest {

    private static Desk desk;
    private static TranscriptConsumer consumer;

    @BeforeAll
    static void start() throws IOException {
        desk = Desk.start();
        consumer = new TranscriptConsumer(desk.transcripts);
    }

    @AfterAll
    static void stop() {
        if (desk != null) {
            desk.close();
        }
    }

    private static ObjectNode fixture(String name) throws IOException {
        try (InputStream in = TranscriptConsumerTest.class.getResourceAsStream("/events/" + name + ".json")) {
            return (ObjectNode) Json.MAPPER.readTree(in);
        }
    }

    private static String consume(Object event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] in = event instanceof String text ? text.getBytes(StandardCharsets.UTF_8)
                : Json.MAPPER.writeValueAsBytes(event);
        consumer.handleRequest(new ByteArrayInputStream(in), out, null);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static ObjectNode message(String ticket, long seq, String from, String text) throws IOException {
        ObjectNode event = fixture("message-published");
        ((ObjectNode) event.get("detail")).put("room", "ticket-" + ticket).put("seq", seq).put("from", from)
                .putObject("data").put("text", text);
        return event;
    }

    @Test
    void aTicketsMessagesAreStoredInTheRoomsOrderWhateverTheArrivalOrderAndRepeats() throws IOException {
        assertThat(consume(fixture("message-published"))).isEqualTo("{\"stored\":true}");
        assertThat(desk.transcripts.of("77")).singleElement().satisfies(line -> {
            assertThat(line.seq()).isEqualTo(2);
            assertThat(line.from()).isEqualTo("carol");
            assertThat(line.data()).isEqualTo("{\"text\":\"my order is late\"}");
            assertThat(line.ts()).isEqualTo(1767268802041L);
        });

        consume(message("78", 3, "dave", "sorry about that"));
        consume(message("78", 1, "carol", "hello"));
        consume(message("78", 2, "dave", "hi, how can I help?"));
        consume(message("78", 3, "dave", "sorry about that"));

        assertThat(desk.transcripts.of("78")).extracting(Transcripts.Line::seq, Transcripts.Line::from)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, "carol"),
                        org.assertj.core.groups.Tuple.tuple(2L, "dave"),
                        org.assertj.core.groups.Tuple.tuple(3L, "dave"));
    }

    @Test
    void otherEventsAndRoomsThatAreNoTicketsAreSkipped() throws IOException {
        assertThat(consume(fixture("member-joined"))).contains("\"stored\":false", "not a message.published");
        ObjectNode lobby = fixture("message-published");
        ((ObjectNode) lobby.get("detail")).put("room", "lobby");
        assertThat(consume(lobby)).contains("\"stored\":false", "no ticket's");
        assertThat(desk.transcripts.of("lobby")).isEmpty();
    }

    @Test
    void aMessageEventItCannotReadIsRefusedAndStoresNothing() throws IOException {
        ObjectNode noSeq = message("79", 1, "carol", "x");
        ((ObjectNode) noSeq.get("detail")).remove("seq");
        ObjectNode textSeq = message("79", 1, "carol", "x");
        ((ObjectNode) textSeq.get("detail")).put("seq", "1");
        ObjectNode noFrom = message("79", 1, "carol", "x");
        ((ObjectNode) noFrom.get("detail")).remove("from");
        ObjectNode noRoom = message("79", 1, "carol", "x");
        ((ObjectNode) noRoom.get("detail")).remove("room");

        for (Object bad : new Object[] {noSeq, textSeq, noFrom, noRoom, "not json", "[1,2]"}) {
            assertThatThrownBy(() -> consume(bad)).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(desk.transcripts.of("79")).isEmpty();
    }
}

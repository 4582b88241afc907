package com.example.supportdesk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Transcripts end to end: the local runtime's {@code --events} POSTs Switchboard's events to the transcript
 * consumer (the class deployed behind the EventBridge rule), which keeps each ticket's room messages, and nothing
 * else, in the room's order.
 */
class TranscriptsLocalTest {

    private static Desk desk;

    @BeforeAll
    static void start() throws IOException {
        desk = Desk.startWithEvents();
    }

    @AfterAll
    static void stop() {
        if (desk != null) {
            desk.close();
        }
    }

    private static void say(DeskSocket socket, String room, String id, String text) {
        socket.send("{\"action\":\"send\",\"id\":\"" + id + "\",\"room\":\"" + room + "\",\"data\":{\"text\":\""
                + text + "\"}}");
        assertThat(socket.answerTo(id).path("type").asText()).isEqualTo("ack");
    }

    @Test
    void aTicketsConversationAndItsClosingMessageAreItsTranscript() throws IOException {
        Ticket ticket = desk.openTicket("pam", "quinn");
        try (DeskSocket pam = desk.connect("pam"); DeskSocket quinn = desk.connect("quinn")) {
            pam.send("{\"action\":\"join\",\"id\":\"j1\",\"room\":\"" + ticket.room() + "\"}").answerTo("j1");
            quinn.send("{\"action\":\"join\",\"id\":\"j2\",\"room\":\"" + ticket.room() + "\"}").answerTo("j2");

            say(pam, ticket.room(), "s1", "my parcel never came");
            say(quinn, ticket.room(), "s2", "sending a new one today");
            quinn.send("{\"action\":\"typing\",\"id\":\"t1\",\"data\":{\"room\":\"" + ticket.room() + "\"}}")
                    .answerTo("t1");
            say(pam, ticket.room(), "s3", "thanks!");
            JsonNode closed = Json.MAPPER.readTree(desk.closeTicket(
                    "{\"ticket\":\"" + ticket.id() + "\",\"agent\":\"quinn\"}"));
            assertThat(closed.has("closed")).as(closed.toString()).isTrue();
        }

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(desk.transcripts.of(ticket.id()))
                .hasSize(4));
        assertThat(desk.transcripts.of(ticket.id())).extracting(Transcripts.Line::seq, Transcripts.Line::from,
                        Transcripts.Line::data)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1L, "pam", "{\"text\":\"my parcel never came\"}"),
                        org.assertj.core.groups.Tuple.tuple(2L, "quinn", "{\"text\":\"sending a new one today\"}"),
                        org.assertj.core.groups.Tuple.tuple(3L, "pam", "{\"text\":\"thanks!\"}"),
                        org.assertj.core.groups.Tuple.tuple(4L, "server:support-desk",
                                "{\"closed\":true,\"ticket\":\"" + ticket.id()
                                        + "\",\"by\":\"quinn\",\"text\":\"This ticket is closed. Thank you!\"}"));
        // The runtime sent joins, leaves, connects and disconnects too: the consumer skipped them.
        assertThat(desk.endpoints.received("events")).anySatisfy(event -> assertThat(event)
                .contains("\"member.joined\"", ticket.room()));
    }

    @Test
    void messagesOfRoomsThatAreNoTicketsAreNotKept() {
        // An open-policy room the tokens cannot reach: the server API publishes there as a backend would.
        desk.server.publish("announcements", "{\"text\":\"maintenance tonight\"}", "ops", null);
        Ticket ticket = desk.openTicket("rita", "sam");
        try (DeskSocket rita = desk.connect("rita")) {
            rita.send("{\"action\":\"join\",\"id\":\"j\",\"room\":\"" + ticket.room() + "\"}").answerTo("j");
            say(rita, ticket.room(), "s", "hello");
        }
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(desk.transcripts.of(ticket.id()))
                .hasSize(1));
        assertThat(desk.endpoints.received("events")).anySatisfy(event -> assertThat(event)
                .contains("\"message.published\"", "\"announcements\""));
        assertThat(desk.transcripts.of("announcements")).isEmpty();
    }
}

package com.example.supportdesk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.protocol.ServerFrame;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The desk end to end on Switchboard's local runtime, over real sockets with real tokens (which grant nothing in any
 * room): the onJoin hook admitting a ticket's customer and agent and refusing everyone else, the typing route, and
 * the close-ticket operation, with what each refuses.
 */
class SupportDeskLocalTest {

    private static Desk desk;

    @BeforeAll
    static void start() throws IOException {
        desk = Desk.start();
    }

    @AfterAll
    static void stop() {
        if (desk != null) {
            desk.close();
        }
    }

    private static JsonNode join(DeskSocket socket, String room, String id) {
        return socket.send("{\"action\":\"join\",\"id\":\"" + id + "\",\"room\":\"" + room + "\"}").answerTo(id);
    }

    private static JsonNode close(Ticket ticket, String agent) {
        try {
            return Json.MAPPER.readTree(desk.closeTicket(
                    "{\"ticket\":\"" + ticket.id() + "\",\"agent\":\"" + agent + "\"}"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aTicketRoomAdmitsItsCustomerAndAgentAndNobodyElse() {
        Ticket ticket = desk.openTicket("carol", "dave");
        try (DeskSocket carol = desk.connect("carol"); DeskSocket dave = desk.connect("dave");
             DeskSocket mallory = desk.connect("mallory")) {
            assertThat(join(carol, ticket.room(), "j1").path("type").asText()).isEqualTo("ack");
            assertThat(join(dave, ticket.room(), "j2").path("type").asText()).isEqualTo("ack");

            JsonNode refused = join(mallory, ticket.room(), "j3");
            assertThat(refused.path("code").asText()).isEqualTo("FORBIDDEN");
            assertThat(refused.path("message").asText()).contains("only the ticket's customer and agent");
            assertThat(join(carol, "lobby", "j4").path("message").asText()).contains("ticket rooms");
            assertThat(join(carol, "ticket-nope", "j5").path("message").asText()).contains("no ticket nope");
            assertThat(join(carol, "ticket-a.b", "j6").path("message").asText())
                    .as("a room name Switchboard takes, but no ticket id").contains("ticket rooms");
            assertThat(join(carol, "ticket-../x", "j7").path("code").asText())
                    .as("refused by Switchboard before the hook is asked").isEqualTo("INVALID_FIELD");

            // Admitted by the hook, they may talk there although their tokens grant nothing.
            carol.send("{\"action\":\"send\",\"id\":\"s1\",\"room\":\"" + ticket.room()
                    + "\",\"data\":{\"text\":\"my order is late\"}}");
            assertThat(carol.answerTo("s1").path("type").asText()).isEqualTo("ack");
            JsonNode message = dave.next("message");
            assertThat(message.path("from").asText()).isEqualTo("carol");
            assertThat(message.path("data").path("text").asText()).isEqualTo("my order is late");
            assertThat(mallory.unread()).as("the refused user hears nothing of the room").isEmpty();
        }
    }

    @Test
    void typingTellsTheOthersInTheRoomWithoutStoringAnything() {
        Ticket ticket = desk.openTicket("erin", "frank");
        try (DeskSocket erin = desk.connect("erin"); DeskSocket frank = desk.connect("frank")) {
            join(erin, ticket.room(), "j1");
            join(frank, ticket.room(), "j2");

            erin.send("{\"action\":\"typing\",\"id\":\"t1\",\"data\":{\"room\":\"" + ticket.room() + "\"}}");
            JsonNode reply = erin.answerTo("t1");
            assertThat(reply.path("type").asText()).isEqualTo("reply");
            assertThat(reply.path("data").path("told").asInt()).isEqualTo(1);
            JsonNode notice = frank.next("direct");
            assertThat(notice.path("from").asText()).isEqualTo("server:typing");
            assertThat(notice.path("data").path("typing").asText()).isEqualTo("erin");
            assertThat(notice.path("data").path("room").asText()).isEqualTo(ticket.room());
            assertThat(erin.unread()).as("the typist is not told of their own typing").isEmpty();
            assertThat(desk.server.history(ticket.room(), 0).messages()).as("nothing stored").isEmpty();
        }
    }

    @Test
    void typingIsRefusedOutsideTheRoomAndForBadInput() {
        Ticket ticket = desk.openTicket("gina", "hank");
        try (DeskSocket gina = desk.connect("gina"); DeskSocket hank = desk.connect("hank")) {
            join(hank, ticket.room(), "j1");

            JsonNode notIn = gina.send("{\"action\":\"typing\",\"id\":\"t1\",\"data\":{\"room\":\""
                    + ticket.room() + "\"}}").answerTo("t1");
            assertThat(notIn.path("code").asText()).isEqualTo("APPLICATION_ERROR");
            assertThat(notIn.path("message").asText()).startsWith("NOT_IN_ROOM:");
            assertThat(gina.send("{\"action\":\"typing\",\"id\":\"t2\",\"data\":\"hello\"}").answerTo("t2")
                    .path("message").asText()).startsWith("BAD_REQUEST:");
            assertThat(gina.send("{\"action\":\"typing\",\"id\":\"t3\"}").answerTo("t3")
                    .path("message").asText()).startsWith("BAD_REQUEST:");
            assertThat(gina.send("{\"action\":\"typing\",\"id\":\"t4\",\"data\":{\"room\":\"lobby\"}}")
                    .answerTo("t4").path("message").asText()).startsWith("BAD_REQUEST:");
            assertThat(gina.send("{\"action\":\"ping\",\"id\":\"p\"}").answerTo("p").path("type").asText())
                    .as("the connection stays usable").isEqualTo("pong");
            assertThat(hank.unread()).as("nobody was told anything").isEmpty();
        }
    }

    @Test
    void closingATicketTellsTheRoomEmptiesItAndDisconnectsTheCustomer() {
        Ticket ticket = desk.openTicket("ivy", "jack");
        try (DeskSocket ivy = desk.connect("ivy"); DeskSocket jack = desk.connect("jack")) {
            join(ivy, ticket.room(), "j1");
            join(jack, ticket.room(), "j2");

            JsonNode closed = close(ticket, "jack");
            assertThat(closed.path("closed").path("alreadyClosed").asBoolean()).isFalse();
            assertThat(closed.path("closed").path("removed").asInt()).isEqualTo(2);
            assertThat(closed.path("closed").path("disconnected").asInt()).isEqualTo(1);

            for (DeskSocket socket : new DeskSocket[] {ivy, jack}) {
                JsonNode message = socket.next("message");
                assertThat(message.path("from").asText()).isEqualTo("server:support-desk");
                assertThat(message.path("data").path("closed").asBoolean()).isTrue();
                assertThat(message.path("seq").asLong()).isEqualTo(closed.path("closed").path("seq").asLong());
            }
            ivy.closeCode();
            assertThat(ivy.isOpen()).as("the customer is disconnected").isFalse();
            assertThat(desk.server.presence(ticket.room())).as("nobody is left in the room").isEmpty();
            assertThat(jack.send("{\"action\":\"ping\",\"id\":\"p\"}").answerTo("p").path("type").asText())
                    .as("the agent stays connected").isEqualTo("pong");

            JsonNode rejoin = join(jack, ticket.room(), "j3");
            assertThat(rejoin.path("code").asText()).isEqualTo("FORBIDDEN");
            assertThat(rejoin.path("message").asText()).contains("is closed");

            JsonNode again = close(ticket, "jack");
            assertThat(again.path("closed").path("alreadyClosed").asBoolean()).isTrue();
            assertThat(again.path("closed").path("seq").asLong()).as("the closing message is published once")
                    .isEqualTo(closed.path("closed").path("seq").asLong());
            assertThat(desk.server.history(ticket.room(), 0).messages()).extracting(ServerFrame.Message::from)
                    .containsExactly("server:support-desk");
        }
    }

    @Test
    void onlyTheTicketsAgentMayCloseItAndBadRequestsChangeNothing() {
        Ticket ticket = desk.openTicket("kate", "liam");
        try (DeskSocket kate = desk.connect("kate"); DeskSocket liam = desk.connect("liam")) {
            join(kate, ticket.room(), "j1");
            join(liam, ticket.room(), "j2");

            assertThat(desk.closeTicket("{\"ticket\":\"" + ticket.id() + "\",\"agent\":\"kate\"}"))
                    .as("the customer").contains("\"code\":\"NOT_ASSIGNEE\"");
            assertThat(desk.closeTicket("{\"ticket\":\"" + ticket.id() + "\",\"agent\":\"mallory\"}"))
                    .contains("\"code\":\"NOT_ASSIGNEE\"");
            assertThat(desk.closeTicket("{\"ticket\":\"no-such\",\"agent\":\"liam\"}"))
                    .contains("\"code\":\"NO_SUCH_TICKET\"");
            assertThat(desk.closeTicket("{\"ticket\":\"" + ticket.id() + "\"}")).contains("\"code\":\"BAD_REQUEST\"");
            assertThat(desk.closeTicket("{\"ticket\":\"../1\",\"agent\":\"liam\"}"))
                    .contains("\"code\":\"BAD_REQUEST\"");
            assertThat(desk.closeTicket("{\"ticket\":42,\"agent\":\"liam\"}")).contains("\"code\":\"BAD_REQUEST\"");
            assertThat(desk.closeTicket("[]")).contains("\"code\":\"BAD_REQUEST\"");
            assertThat(desk.closeTicket("not json")).contains("\"code\":\"BAD_REQUEST\"");

            assertThat(desk.tickets.find(ticket.id()).orElseThrow().open()).isTrue();
            assertThat(desk.server.presence(ticket.room())).hasSize(2);
            assertThat(desk.server.history(ticket.room(), 0).messages()).isEmpty();
            assertThat(kate.send("{\"action\":\"ping\",\"id\":\"p\"}").answerTo("p").path("type").asText())
                    .as("the customer is still connected").isEqualTo("pong");
        }
    }
}

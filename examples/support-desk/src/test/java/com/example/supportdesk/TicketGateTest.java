package com.example.supportdesk;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The onJoin hook with events Switchboard would not send: it denies, with a reason, whatever it cannot read. (What
 * it answers Switchboard's own events is tested end to end in {@link SupportDeskLocalTest}.)
 */
class TicketGateTest {

    private static Desk desk;
    private static TicketGate gate;

    @BeforeAll
    static void start() throws IOException {
        desk = Desk.start();
        gate = new TicketGate(desk.tickets);
    }

    @AfterAll
    static void stop() {
        if (desk != null) {
            desk.close();
        }
    }

    private static String ask(String event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        gate.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, null);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void itAdmitsTheTicketsPeopleOnlyAndDeniesWhatItCannotRead() throws IOException {
        Ticket ticket = desk.openTicket("nora", "omar");
        String join = "{\"version\":\"1\",\"hook\":\"onJoin\",\"user\":\"%s\",\"room\":\"%s\"}";

        assertThat(ask(join.formatted("nora", ticket.room())))
                .isEqualTo("{\"allow\":true,\"rights\":[\"send\",\"history\"]}");
        assertThat(ask(join.formatted("omar", ticket.room()))).startsWith("{\"allow\":true");
        assertThat(ask(join.formatted("Nora", ticket.room()))).startsWith("{\"allow\":false");

        assertThat(ask("not json")).startsWith("{\"allow\":false");
        assertThat(ask("")).startsWith("{\"allow\":false");
        assertThat(ask("{\"hook\":\"onSend\",\"user\":\"nora\",\"room\":\"" + ticket.room() + "\"}"))
                .contains("\"allow\":false", "onJoin only");
        assertThat(ask("{\"hook\":\"onJoin\",\"room\":\"" + ticket.room() + "\"}")).contains("\"allow\":false");
        assertThat(ask("{\"hook\":\"onJoin\",\"user\":[\"nora\"],\"room\":\"" + ticket.room() + "\"}"))
                .contains("\"allow\":false");
        assertThat(ask("{\"hook\":\"onJoin\",\"user\":\"nora\",\"room\":\"ticket-\"}"))
                .contains("\"allow\":false", "ticket rooms");
    }
}

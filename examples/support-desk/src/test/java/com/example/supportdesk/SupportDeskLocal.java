package com.example.supportdesk;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;

/**
 * The desk on a laptop, to try by hand: Switchboard's local runtime on port 3001 with the desk's typing route,
 * onJoin hook and event stream, one open ticket, a token for each of its people and one for a stranger, and the
 * close-ticket operation on loopback HTTP in place of the Lambda function a backend would invoke. Runs until Ctrl-C.
 *
 * <pre>{@code
 * ./mvnw -q -pl examples/support-desk exec:java -Dexec.mainClass=com.example.supportdesk.SupportDeskLocal \
 *     -Dexec.classpathScope=test
 * }</pre>
 */
public final class SupportDeskLocal {

    private SupportDeskLocal() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        String port = args.length > 0 ? args[0] : "3001";
        Desk desk = Desk.startWithEvents("--port", port);
        Ticket ticket = desk.openTicket("carol", "dave");
        // The consumer as deployed; each transcript line is printed once stored.
        TranscriptConsumer consumer = new TranscriptConsumer(desk.transcripts);
        desk.endpoints.serve("events", (input, output, context) -> {
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            consumer.handleRequest(input, answer, context);
            output.write(answer.toByteArray());
            if (answer.toString().contains("\"stored\":true")) {
                desk.transcripts.of(ticket.id()).stream().reduce((first, second) -> second).ifPresent(line ->
                        System.out.println("transcript " + ticket.room() + " #" + line.seq() + " " + line.from()
                                + ": " + line.data()));
            }
        });
        desk.endpoints.serve("close", desk.closeTicket);

        String url = desk.switchboard.webSocketUrl().toString();
        System.out.println("""

                Support desk on Switchboard's local runtime
                  Ticket          %s: customer carol, agent dave (room %s)
                  carol           npx wscat -c '%s?token=%s'
                  dave            npx wscat -c '%s?token=%s'
                  mallory         npx wscat -c '%s?token=%s'
                  Join            {"action":"join","id":"1","room":"%s"}
                  Say             {"action":"send","id":"2","room":"%s","data":{"text":"hello"}}
                  Typing          {"action":"typing","id":"3","data":{"room":"%s"}}
                  Close ticket    curl -s %s -d '{"ticket":"%s","agent":"dave"}'
                Transcript lines are printed here as the event stream stores them. Ctrl-C stops.
                """.formatted(ticket.id(), ticket.room(),
                url, desk.switchboard.token("carol"), url, desk.switchboard.token("dave"),
                url, desk.switchboard.token("mallory"), ticket.room(), ticket.room(), ticket.room(),
                desk.endpoints.url("close"), ticket.id()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            desk.close();
            stopped.countDown();
        }, "support-desk-shutdown"));
        stopped.await();
    }
}

package com.example.supportdesk;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * The event consumer: keeps the transcript of every ticket's room from Switchboard's {@code message.published}
 * events. In AWS an EventBridge rule on the desk's bus invokes it with each event; on a laptop the local runtime's
 * {@code --events http://…} POSTs the same envelope to whatever hands it to this class.
 *
 * <p>Events come at least once and in no promised order; a line is keyed by the ticket and the message's
 * {@code seq}, so a repeat rewrites the same line and the transcript reads in the room's order whatever the arrival
 * order. Other event types and rooms that are no ticket's are not the desk's business and are skipped (the rule
 * does not send them). A {@code message.published} event it cannot read throws: in AWS the failed invocation is
 * retried, then lands in the consumer's dead-letter queue, which has an alarm; locally the POST is answered with an
 * error, and the runtime retries and then logs and counts it.
 *
 * <p>It answers {@code {"stored":true}} or {@code {"stored":false,"skipped":"<why>"}}.
 */
public final class TranscriptConsumer implements RequestStreamHandler {

    /** The detail type of a stored room message. */
    public static final String MESSAGE_PUBLISHED = "message.published";

    private final Transcripts transcripts;

    /** As Lambda creates it: the transcripts table from the environment. */
    public TranscriptConsumer() {
        this(DeskClients.transcripts());
    }

    public TranscriptConsumer(Transcripts transcripts) {
        this.transcripts = transcripts;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event = Json.read(input).filter(JsonNode::isObject)
                .orElseThrow(() -> new IllegalArgumentException("not an EventBridge event: no JSON object"));
        Optional<String> skipped = consume(event);
        Json.write(output, skipped.isEmpty() ? Json.object().put("stored", true)
                : Json.object().put("stored", false).put("skipped", skipped.get()));
    }

    /** Stores the event's message; what it skipped, and why, if it is not a ticket's message. */
    Optional<String> consume(JsonNode event) {
        if (!MESSAGE_PUBLISHED.equals(event.path("detail-type").asText())) {
            return Optional.of("not a " + MESSAGE_PUBLISHED + " event");
        }
        JsonNode detail = event.path("detail");
        String room = Json.text(detail, "room")
                .orElseThrow(() -> new IllegalArgumentException(MESSAGE_PUBLISHED + " without a room"));
        Optional<String> ticket = Ticket.idOfRoom(room);
        if (ticket.isEmpty()) {
            return Optional.of("room " + room + " is no ticket's");
        }
        JsonNode seq = detail.path("seq");
        JsonNode ts = detail.path("ts");
        Optional<String> from = Json.text(detail, "from");
        if (!seq.canConvertToLong() || !seq.isIntegralNumber() || seq.asLong() < 1 || !ts.isIntegralNumber()
                || from.isEmpty() || detail.path("data").isMissingNode()) {
            throw new IllegalArgumentException(MESSAGE_PUBLISHED + " in " + room
                    + " needs a positive seq, a ts, a from and data");
        }
        transcripts.put(new Transcripts.Line(ticket.get(), seq.asLong(), from.get(),
                Json.write(detail.path("data")), ts.asLong()));
        return Optional.empty();
    }
}

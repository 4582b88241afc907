package com.example.supportdesk;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.server.ServerApiException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * {@link CloseTicket} as a Lambda function the desk's backend invokes:
 * {@code {"ticket":"42","agent":"dave"}} answers
 * {@code {"closed":{"ticket":"42","seq":7,"alreadyClosed":false,"removed":2,"disconnected":1}}}, or
 * {@code {"error":{"code":"NOT_ASSIGNEE","message":"…","temporary":false}}} when it did nothing (or, with
 * {@code temporary} true, when Switchboard or DynamoDB failed: call again, the operation is safe to repeat).
 */
public final class CloseTicketHandler implements RequestStreamHandler {

    private final CloseTicket closeTicket;

    /** As Lambda creates it: the tickets table and the server API from the environment. */
    public CloseTicketHandler() {
        this(new CloseTicket(DeskClients.tickets(), DeskClients.serverApi()));
    }

    public CloseTicketHandler(CloseTicket closeTicket) {
        this.closeTicket = closeTicket;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        Optional<JsonNode> request = Json.read(input);
        Json.write(output, request.isPresent() && request.get().isObject() ? answer(request.get())
                : failure("BAD_REQUEST", "expected {\"ticket\":\"<id>\",\"agent\":\"<user id>\"}", false));
    }

    private ObjectNode answer(JsonNode request) {
        try {
            CloseTicket.Closing closing = closeTicket.close(Json.text(request, "ticket").orElse(null),
                    Json.text(request, "agent").orElse(null));
            ObjectNode answer = Json.object();
            answer.putObject("closed").put("ticket", closing.ticket()).put("seq", closing.seq())
                    .put("alreadyClosed", closing.alreadyClosed()).put("removed", closing.removed())
                    .put("disconnected", closing.disconnected());
            return answer;
        } catch (DeskException e) {
            return failure(e.code(), e.getMessage(), false);
        } catch (ServerApiException e) {
            return failure(e.code().name(), e.getMessage(), e.temporary());
        }
    }

    private static ObjectNode failure(String code, String message, boolean temporary) {
        ObjectNode answer = Json.error(code, message);
        ((ObjectNode) answer.get("error")).put("temporary", temporary);
        return answer;
    }
}

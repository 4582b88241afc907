package dev.switchboard.local.apps;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * An application route as a team writes it: a Lambda stream handler. Answers with who called, in which rooms, and
 * what they sent; {@code "fail"} as data makes it answer an error of its own.
 */
public final class TypingHandler implements RequestStreamHandler {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event = JSON.readTree(input);
        String answer;
        if ("fail".equals(event.path("data").asText())) {
            answer = "{\"error\":{\"code\":\"NOT_TYPING\",\"message\":\"you are not in that room\"}}";
        } else {
            answer = "{\"data\":{\"user\":" + JSON.writeValueAsString(event.path("user").asText())
                    + ",\"rooms\":" + event.path("rooms") + ",\"echo\":" + event.path("data")
                    + ",\"remainingMs\":" + (context.getRemainingTimeInMillis() > 0)
                    + ",\"attributes\":" + (event.has("attributes") ? event.get("attributes") : "null") + "}}";
        }
        output.write(answer.getBytes(StandardCharsets.UTF_8));
    }
}

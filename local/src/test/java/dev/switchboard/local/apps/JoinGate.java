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
 * An onJoin hook: admits rooms named {@code ticket-*} (granting send and history there), refuses {@code vault},
 * answers garbage for {@code broken}, and takes far too long for {@code slow}.
 */
public final class JoinGate implements RequestStreamHandler {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event = JSON.readTree(input);
        String room = event.path("room").asText();
        String answer = switch (room) {
            case "vault" -> "{\"allow\":false,\"reason\":\"only the ticket's customer and agent\"}";
            case "broken" -> "{\"allow\":\"maybe\"}";
            case "slow" -> {
                try {
                    Thread.sleep(30_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                yield "{\"allow\":true}";
            }
            default -> room.startsWith("ticket-") ? "{\"allow\":true,\"rights\":[\"send\",\"history\"]}"
                    : "{\"allow\":false}";
        };
        output.write(answer.getBytes(StandardCharsets.UTF_8));
    }
}

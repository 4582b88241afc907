package com.example.supportdesk;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/** The desk's one JSON mapper, and the few reads and writes its handlers share. */
final class Json {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    /** The request as JSON, or empty when it is not JSON at all. */
    static Optional<JsonNode> read(InputStream input) {
        try {
            JsonNode node = MAPPER.readTree(input);
            return node == null || node.isMissingNode() ? Optional.empty() : Optional.of(node);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** A field that must be a non-empty string. */
    static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() && !value.asText().isEmpty() ? Optional.of(value.asText()) : Optional.empty();
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree that cannot be written", e);
        }
    }

    static void write(OutputStream output, JsonNode node) throws IOException {
        output.write(MAPPER.writeValueAsBytes(node));
    }

    /** {@code {"error":{"code":…,"message":…}}}: the answer shape of the application route and the operation. */
    static ObjectNode error(String code, String message) {
        ObjectNode answer = object();
        answer.putObject("error").put("code", code).put("message", message);
        return answer;
    }
}

package dev.switchboard.local;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.Route;
import io.netty.handler.codec.http.HttpHeaders;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the events API Gateway sends to WebSocket integrations and REQUEST authorizers, field for field, as
 * JSON (the fields are listed in local/README.md): the Lambda runtime's serializers then read them as they would
 * in AWS.
 */
final class EventFactory {

    private static final DateTimeFormatter REQUEST_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.US).withZone(ZoneOffset.UTC);
    /**
     * Ids are unguessable, as API Gateway's are. The JDK's default generator on Linux reads /dev/urandom under a
     * lock for every id (a system call per event, per request id, per answered post); a DRBG seeded from it once
     * gives the same strength from memory.
     */
    private static final SecureRandom RANDOM = drbg();

    private final String stage;
    private final String domainName;
    private final String apiId;

    EventFactory(String stage, String domainName, String apiId) {
        this.stage = stage;
        this.domainName = domainName;
        this.apiId = apiId;
    }

    private static SecureRandom drbg() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }

    /** An id shaped like API Gateway's: 16 characters of base64 ending in '='. */
    static String newId() {
        byte[] bytes = new byte[11];
        RANDOM.nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes).replace('/', '_').replace('+', '-');
    }

    /** The REQUEST authorizer's event for a handshake. */
    ObjectNode authorizer(String connectionId, HttpHeaders headers, Map<String, List<String>> query, String sourceIp,
                          String userAgent, Instant now) {
        ObjectNode event = Integrations.JSON.createObjectNode();
        event.put("type", "REQUEST");
        event.put("methodArn", "arn:aws:execute-api:local:000000000000:" + apiId + "/" + stage + "/$connect");
        putHeaders(event, headers);
        putQuery(event, query);
        event.putObject("stageVariables");
        ObjectNode context = requestContext(event, Route.CONNECT, "CONNECT", connectionId, now, now, sourceIp,
                userAgent);
        context.remove("authorizer");
        return event;
    }

    /** The {@code $connect} event: headers and query string of the handshake, and the authorizer's context. */
    ObjectNode connect(String connectionId, HttpHeaders headers, Map<String, List<String>> query, String sourceIp,
                       String userAgent, Map<String, String> authorizer, Instant now) {
        ObjectNode event = Integrations.JSON.createObjectNode();
        putHeaders(event, headers);
        putQuery(event, query);
        putAuthorizer(requestContext(event, Route.CONNECT, "CONNECT", connectionId, now, now, sourceIp, userAgent),
                authorizer);
        event.put("isBase64Encoded", false);
        return event;
    }

    /** A {@code MESSAGE} event: the frame's body (base64 for binary frames) on the selected route. */
    ObjectNode message(LocalConnection connection, Route route, String body, boolean base64, Instant now) {
        return message(connection, route.key(), body, base64, now);
    }

    /** A {@code MESSAGE} event on a route by its key: one of the application's routes. */
    ObjectNode message(LocalConnection connection, String routeKey, String body, boolean base64, Instant now) {
        ObjectNode event = Integrations.JSON.createObjectNode();
        ObjectNode context = requestContext(event, routeKey, "MESSAGE", connection.id(), connection.connectedAt(), now,
                connection.sourceIp(), connection.userAgent());
        context.put("messageId", newId());
        putAuthorizer(context, connection.authorizerContext());
        event.put("body", body);
        event.put("isBase64Encoded", base64);
        return event;
    }

    /** The {@code $disconnect} event, with the close's status code and reason. */
    ObjectNode disconnect(LocalConnection connection, int statusCode, String reason, Instant now) {
        ObjectNode event = Integrations.JSON.createObjectNode();
        ObjectNode headers = event.putObject("headers");
        headers.put("Host", domainName);
        headers.put("x-api-key", "");
        headers.put("X-Forwarded-For", "");
        headers.put("x-restapi", "");
        ObjectNode multi = event.putObject("multiValueHeaders");
        headers.fields().forEachRemaining(h -> multi.putArray(h.getKey()).add(h.getValue().asText()));
        ObjectNode context = requestContext(event, Route.DISCONNECT, "DISCONNECT", connection.id(),
                connection.connectedAt(), now, connection.sourceIp(), connection.userAgent());
        context.put("disconnectStatusCode", statusCode);
        context.put("disconnectReason", reason);
        putAuthorizer(context, connection.authorizerContext());
        event.put("isBase64Encoded", false);
        return event;
    }

    private ObjectNode requestContext(ObjectNode event, Route route, String eventType, String connectionId,
                                      Instant connectedAt, Instant now, String sourceIp, String userAgent) {
        return requestContext(event, route.key(), eventType, connectionId, connectedAt, now, sourceIp, userAgent);
    }

    private ObjectNode requestContext(ObjectNode event, String routeKey, String eventType, String connectionId,
                                      Instant connectedAt, Instant now, String sourceIp, String userAgent) {
        ObjectNode context = event.putObject("requestContext");
        context.put("routeKey", routeKey);
        context.put("eventType", eventType);
        String requestId = newId();
        context.put("extendedRequestId", requestId);
        context.put("requestTime", REQUEST_TIME.format(now));
        context.put("messageDirection", "IN");
        context.put("stage", stage);
        context.put("connectedAt", connectedAt.toEpochMilli());
        context.put("requestTimeEpoch", now.toEpochMilli());
        ObjectNode identity = context.putObject("identity");
        identity.put("sourceIp", sourceIp);
        identity.put("userAgent", userAgent);
        context.put("requestId", requestId);
        context.put("domainName", domainName);
        context.put("connectionId", connectionId);
        context.put("apiId", apiId);
        return context;
    }

    private static void putAuthorizer(ObjectNode context, Map<String, String> authorizer) {
        if (!authorizer.isEmpty()) {
            ObjectNode node = context.putObject("authorizer");
            // API Gateway hands authorizer context values on as strings.
            authorizer.forEach(node::put);
        }
    }

    private static void putHeaders(ObjectNode event, HttpHeaders headers) {
        ObjectNode single = event.putObject("headers");
        ObjectNode multi = event.putObject("multiValueHeaders");
        for (String name : headers.names()) {
            List<String> values = headers.getAll(name);
            single.put(name, values.getLast());
            // putArray, not withArray: withArray reads a name starting with '/' as a JSON Pointer.
            values.forEach(multi.putArray(name)::add);
        }
    }

    private static void putQuery(ObjectNode event, Map<String, List<String>> query) {
        if (query.isEmpty()) {
            return;
        }
        ObjectNode single = event.putObject("queryStringParameters");
        ObjectNode multi = event.putObject("multiValueQueryStringParameters");
        query.forEach((name, values) -> {
            single.put(name, values.getLast());
            values.forEach(multi.putArray(name)::add);
        });
    }
}

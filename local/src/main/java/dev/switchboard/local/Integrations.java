package dev.switchboard.local;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayCustomAuthorizerEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import com.amazonaws.services.lambda.runtime.events.IamPolicyResponseV1;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.Route;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The Lambda side of the emulator: invokes the real handlers the way the Lambda Java runtime does. Every event
 * is written as JSON, read back into the handler's event type with the runtime's own serializers, and the
 * handler's result is serialized to JSON again before the gateway reads it, so field names and types are
 * exactly what AWS sends and receives.
 */
public final class Integrations {

    /** A route integration's answer: its status code and body. */
    public record Result(int statusCode, String body) {
        boolean ok() {
            return statusCode >= 200 && statusCode < 300;
        }
    }

    /** What an authorizer decided. */
    public sealed interface Decision {
        /** Allowed, with the context that later events carry under {@code requestContext.authorizer}. */
        record Allow(Map<String, String> context) implements Decision {
        }

        /** A Deny policy: API Gateway answers 403. */
        record Deny() implements Decision {
        }

        /** The authorizer failed with "Unauthorized": API Gateway answers 401. */
        record Unauthorized() implements Decision {
        }

        /** The authorizer failed otherwise: API Gateway answers 500. */
        record Failed(String error) implements Decision {
        }
    }

    /** Thrown when a handler fails; API Gateway turns it into a 500 or an "Internal server error" frame. */
    public static final class InvocationFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InvocationFailed(Throwable cause) {
            super(cause.getClass().getSimpleName() + ": " + cause.getMessage(), cause);
        }
    }

    static final ObjectMapper JSON = new ObjectMapper();
    private static final ClassLoader LOADER = Integrations.class.getClassLoader();
    private static final PojoSerializer<APIGatewayV2WebSocketEvent> WEBSOCKET_EVENTS =
            LambdaEventSerializers.serializerFor(APIGatewayV2WebSocketEvent.class, LOADER);
    private static final PojoSerializer<APIGatewayV2WebSocketResponse> WEBSOCKET_RESPONSES =
            LambdaEventSerializers.serializerFor(APIGatewayV2WebSocketResponse.class, LOADER);
    private static final PojoSerializer<APIGatewayCustomAuthorizerEvent> AUTHORIZER_EVENTS =
            LambdaEventSerializers.serializerFor(APIGatewayCustomAuthorizerEvent.class, LOADER);
    private static final PojoSerializer<IamPolicyResponseV1> POLICIES =
            LambdaEventSerializers.serializerFor(IamPolicyResponseV1.class, LOADER);
    private static final PojoSerializer<SQSEvent> SQS_EVENTS =
            LambdaEventSerializers.serializerFor(SQSEvent.class, LOADER);
    private static final PojoSerializer<SQSBatchResponse> SQS_RESPONSES =
            LambdaEventSerializers.serializerFor(SQSBatchResponse.class, LOADER);

    /**
     * A Lambda function as the runtime sees it: JSON in, JSON out (like a {@code RequestStreamHandler}). Typed
     * handlers are adapted to this with the runtime's serializers.
     */
    @FunctionalInterface
    public interface JsonFunction {
        String invoke(String eventJson);
    }

    private final Map<Route, JsonFunction> routes;
    private final RequestHandler<APIGatewayCustomAuthorizerEvent, IamPolicyResponseV1> authorizer;
    private final RequestHandler<SQSEvent, SQSBatchResponse> publisher;
    private final RequestHandler<SQSEvent, SQSBatchResponse> fanout;
    private final Set<String> applicationRoutes;
    private final JsonFunction applicationHandler;

    private Integrations(Builder builder) {
        this.routes = new EnumMap<>(builder.routes);
        this.applicationRoutes = Set.copyOf(builder.applicationRoutes);
        this.applicationHandler = builder.applicationHandler;
        this.authorizer = builder.authorizer;
        this.publisher = builder.publisher;
        this.fanout = builder.fanout;
    }

    public static Builder builder() {
        return new Builder();
    }

    boolean hasRoute(Route route) {
        return routes.containsKey(route);
    }

    boolean hasAuthorizer() {
        return authorizer != null;
    }

    boolean hasPublisher() {
        return publisher != null;
    }

    /**
     * The application route a frame selects, as API Gateway selects it: the body's {@code action}, when the
     * application has a route of that name.
     */
    Optional<String> applicationRoute(String body) {
        return applicationRoutes.isEmpty() ? Optional.empty()
                : FrameCodec.actionOf(body).filter(applicationRoutes::contains);
    }

    /** Invokes the function serving the application's routes with an event given as JSON. */
    Result invokeApplication(ObjectNode event) {
        return invoke(Objects.requireNonNull(applicationHandler, "no application routes"), event);
    }

    /** Invokes a route's handler with an event given as the JSON API Gateway would send. */
    Result invoke(Route route, ObjectNode event) {
        return invoke(Objects.requireNonNull(routes.get(route), () -> "no integration for " + route.key()), event);
    }

    private static Result invoke(JsonFunction function, ObjectNode event) {
        String output;
        try {
            output = function.invoke(event.toString());
        } catch (RuntimeException e) {
            throw new InvocationFailed(e);
        }
        JsonNode json;
        try {
            json = output == null ? null : JSON.readTree(output);
        } catch (IOException e) {
            throw new InvocationFailed(e);
        }
        if (json == null || json.isNull()) {
            return new Result(200, null);
        }
        JsonNode body = json.get("body");
        return new Result(json.path("statusCode").asInt(200), body == null || body.isNull() ? null : body.asText());
    }

    /** Runs the REQUEST authorizer with an event given as JSON and reads its policy as API Gateway does. */
    Decision authorize(ObjectNode event) {
        IamPolicyResponseV1 policy;
        try {
            policy = authorizer.handleRequest(AUTHORIZER_EVENTS.fromJson(bytes(event)), null);
        } catch (RuntimeException e) {
            return "Unauthorized".equals(e.getMessage()) ? new Decision.Unauthorized()
                    : new Decision.Failed(e.getClass().getSimpleName());
        }
        JsonNode json = tree(out -> POLICIES.toJson(policy, out));
        boolean allowed = false;
        for (JsonNode statement : json.path("policyDocument").path("Statement")) {
            String effect = statement.path("Effect").asText();
            if ("Deny".equals(effect)) {
                return new Decision.Deny();
            }
            allowed |= "Allow".equals(effect);
        }
        if (!allowed) {
            return new Decision.Deny();
        }
        Map<String, String> context = new LinkedHashMap<>();
        json.path("context").fields().forEachRemaining(field -> context.put(field.getKey(), field.getValue().asText()));
        Optional.ofNullable(json.path("principalId").textValue()).ifPresent(p -> context.put("principalId", p));
        return new Decision.Allow(context);
    }

    /** Hands an SQS-shaped batch to the publisher; returns its response (the records it failed). */
    JsonNode publish(ObjectNode sqsEvent) {
        return consume(publisher, sqsEvent);
    }

    boolean hasFanout() {
        return fanout != null;
    }

    /** Hands an SQS-shaped batch of fan-out jobs to the fan-out worker; returns its response. */
    JsonNode deliverShards(ObjectNode sqsEvent) {
        return consume(Objects.requireNonNull(fanout, "no fan-out worker configured"), sqsEvent);
    }

    /** A message attribute of an SQS record: {@code dataType} is {@code String} or {@code Number}. */
    record SqsAttribute(String name, String dataType, String value) {
    }

    /** A one-record SQS event as Lambda's event source delivers it from the local queue named {@code queue}. */
    static ObjectNode sqsEvent(String queue, String messageId, String body, SqsAttribute... attributes) {
        ObjectNode event = JSON.createObjectNode();
        ObjectNode record = event.putArray("Records").addObject();
        record.put("messageId", messageId);
        record.put("receiptHandle", "local-" + messageId);
        record.put("body", body);
        record.putObject("attributes").put("ApproximateReceiveCount", "1");
        ObjectNode messageAttributes = record.putObject("messageAttributes");
        for (SqsAttribute attribute : attributes) {
            messageAttributes.putObject(attribute.name()).put("dataType", attribute.dataType())
                    .put("stringValue", attribute.value());
        }
        record.put("eventSource", "aws:sqs");
        record.put("eventSourceARN", "arn:aws:sqs:local:000000000000:" + queue);
        record.put("awsRegion", "local");
        return event;
    }

    private static JsonNode consume(RequestHandler<SQSEvent, SQSBatchResponse> handler, ObjectNode sqsEvent) {
        SQSBatchResponse response;
        try {
            response = handler.handleRequest(SQS_EVENTS.fromJson(bytes(sqsEvent)), null);
        } catch (RuntimeException e) {
            throw new InvocationFailed(e);
        }
        return tree(out -> SQS_RESPONSES.toJson(response, out));
    }

    private static ByteArrayInputStream bytes(JsonNode json) {
        try {
            return new ByteArrayInputStream(JSON.writeValueAsBytes(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private interface Writer {
        void write(ByteArrayOutputStream out);
    }

    private static JsonNode tree(Writer writer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writer.write(out);
        try {
            return JSON.readTree(out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Assembles the integrations: route handlers, and optionally the authorizer, the queue publisher and the
     * fan-out worker.
     */
    public static final class Builder {
        private final Map<Route, JsonFunction> routes = new EnumMap<>(Route.class);
        private RequestHandler<APIGatewayCustomAuthorizerEvent, IamPolicyResponseV1> authorizer;
        private RequestHandler<SQSEvent, SQSBatchResponse> publisher;
        private RequestHandler<SQSEvent, SQSBatchResponse> fanout;
        private final Set<String> applicationRoutes = new java.util.HashSet<>();
        private JsonFunction applicationHandler;

        private Builder() {
        }

        /** The application's routes, all served by one handler (as one function serves them in AWS). */
        public Builder applicationRoutes(Set<String> names,
                                         RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse>
                                                 handler) {
            applicationRoutes.addAll(names);
            applicationHandler = typed(handler);
            return this;
        }

        /** A typed handler, invoked through the Lambda runtime's event serializers. */
        public Builder route(Route route,
                             RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> handler) {
            return route(route, typed(handler));
        }

        private static JsonFunction typed(
                RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> handler) {
            return json -> {
                APIGatewayV2WebSocketResponse response = handler.handleRequest(
                        WEBSOCKET_EVENTS.fromJson(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))),
                        null);
                if (response == null) {
                    return null;
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                WEBSOCKET_RESPONSES.toJson(response, out);
                return out.toString(StandardCharsets.UTF_8);
            };
        }

        /** A function that takes the event JSON itself, as a stream handler does. */
        public Builder route(Route route, JsonFunction function) {
            routes.put(route, function);
            return this;
        }

        public Builder authorizer(RequestHandler<APIGatewayCustomAuthorizerEvent, IamPolicyResponseV1> handler) {
            authorizer = handler;
            return this;
        }

        public Builder publisher(RequestHandler<SQSEvent, SQSBatchResponse> handler) {
            publisher = handler;
            return this;
        }

        /** The fan-out worker: consumes jobs of the local fan-out queue as the deployed one consumes SQS. */
        public Builder fanout(RequestHandler<SQSEvent, SQSBatchResponse> handler) {
            fanout = handler;
            return this;
        }

        public Integrations build() {
            return new Integrations(this);
        }
    }
}

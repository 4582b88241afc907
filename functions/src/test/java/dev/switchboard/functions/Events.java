package dev.switchboard.functions;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Loads API Gateway event fixtures from {@code src/test/resources/events} with the serializers the Lambda Java
 * runtime itself uses, so field names and types are read exactly as in AWS.
 */
public final class Events {

    private static final PojoSerializer<APIGatewayV2WebSocketEvent> EVENTS =
            LambdaEventSerializers.serializerFor(APIGatewayV2WebSocketEvent.class, Events.class.getClassLoader());
    private static final PojoSerializer<APIGatewayV2WebSocketResponse> RESPONSES =
            LambdaEventSerializers.serializerFor(APIGatewayV2WebSocketResponse.class, Events.class.getClassLoader());

    private static final PojoSerializer<SQSEvent> SQS_EVENTS =
            LambdaEventSerializers.serializerFor(SQSEvent.class, Events.class.getClassLoader());

    private static final PojoSerializer<DynamodbEvent> STREAM_EVENTS =
            LambdaEventSerializers.serializerFor(DynamodbEvent.class, Events.class.getClassLoader());

    private Events() {
    }

    /** A DynamoDB stream event fixture from {@code src/test/resources/streams}, read as the Lambda runtime reads it. */
    public static DynamodbEvent stream(String name) {
        return fixture("/streams/" + name + ".json", STREAM_EVENTS);
    }

    /** An SQS event fixture (e.g. {@code sqs-publish}), read as the Lambda runtime reads it. */
    public static SQSEvent sqs(String name) {
        return fixture("/events/" + name + ".json", SQS_EVENTS);
    }

    public static APIGatewayV2WebSocketEvent load(String name) {
        return fixture("/events/" + name + ".json", EVENTS);
    }

    private static <T> T fixture(String path, PojoSerializer<T> serializer) {
        try (InputStream in = Events.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + path);
            }
            return serializer.fromJson(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A message fixture with another body, as if the client had sent it. */
    public static APIGatewayV2WebSocketEvent withBody(String name, String body) {
        APIGatewayV2WebSocketEvent event = load(name);
        event.setBody(body);
        return event;
    }

    /** The response as the Lambda runtime would write it back to API Gateway. */
    public static String toJson(APIGatewayV2WebSocketResponse response) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RESPONSES.toJson(response, out);
        return out.toString(StandardCharsets.UTF_8);
    }
}

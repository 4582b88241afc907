package dev.switchboard.functions.bench;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.config.EnvNames;
import dev.switchboard.functions.ConnectHandler;
import dev.switchboard.functions.JoinHandler;
import dev.switchboard.functions.Services;
import dev.switchboard.functions.config.FunctionConfig;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbEnhancedClient;
import software.amazon.awssdk.enhanced.dynamodb.DynamoDbTable;
import software.amazon.awssdk.enhanced.dynamodb.TableSchema;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * One fresh-JVM measurement of a message handler's cold start: JVM start to the first {@code join} handled, then
 * the steady-state time per event. Variants: {@code switchboard} (the real {@code JoinHandler} wired by
 * {@link Services}: URL-connection client, static table schema, streaming Jackson) and {@code baseline} (the same
 * job done the way SDK samples do it: default HTTP client (Apache), reflective bean schema, Jackson databind).
 * Arguments: {@code variant dynamoEndpoint table events [label]}; the label (default: the variant) names the JVM
 * set-up in the output, e.g. a run with an ahead-of-time cache. Run by {@code scripts/bench-cold-start.sh}.
 */
public final class ColdStartBench {

    private ColdStartBench() {
    }

    public static void main(String[] args) {
        String variant = args[0];
        URI endpoint = URI.create(args[1]);
        String table = args[2];
        int events = Integer.parseInt(args[3]);
        String label = args.length > 4 ? args[4] : variant;
        RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> handler = switch (variant) {
            case "switchboard" -> switchboardHandler(endpoint, table);
            case "baseline" -> baselineHandler(endpoint, table);
            default -> throw new IllegalArgumentException(variant);
        };
        String connection = "cold-" + ProcessHandle.current().pid() + "=";
        handle(handler, connection, "room-0");
        double firstEventMs = ManagementFactory.getRuntimeMXBean().getUptime();
        long start = System.nanoTime();
        for (int i = 1; i <= events; i++) {
            handle(handler, connection, "room-" + (i % 40));
        }
        double perEventMs = (System.nanoTime() - start) / 1e6 / events;
        System.out.printf(Locale.ROOT, "{\"variant\":\"%s\",\"jvm_start_to_first_event_ms\":%.0f,"
                + "\"steady_state_ms_per_event\":%.2f}%n", label, firstEventMs, perEventMs);
        System.exit(0);
    }

    private static void handle(RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> handler,
                               String connection, String room) {
        APIGatewayV2WebSocketEvent event = new APIGatewayV2WebSocketEvent();
        APIGatewayV2WebSocketEvent.RequestContext context = new APIGatewayV2WebSocketEvent.RequestContext();
        context.setConnectionId(connection);
        context.setRouteKey("join");
        context.setRequestId("bench");
        context.setAuthorizer(Map.of("userId", "bench"));
        event.setRequestContext(context);
        event.setBody("{\"action\":\"join\",\"room\":\"" + room + "\",\"id\":\"1\"}");
        APIGatewayV2WebSocketResponse response = handler.handleRequest(event, null);
        if (response.getStatusCode() != 200 || !response.getBody().contains("\"ack\"")) {
            throw new IllegalStateException("unexpected reply " + response.getBody());
        }
    }

    private static RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> switchboardHandler(
            URI endpoint, String table) {
        FunctionConfig config = FunctionConfig.from(Map.of(EnvNames.TABLE_NAME, table,
                EnvNames.DYNAMODB_ENDPOINT, endpoint.toString(),
                EnvNames.MANAGEMENT_ENDPOINT, "http://127.0.0.1:9/bench", EnvNames.REGION, "us-east-1",
                // Like for like with the baseline's single write: no presence announcement (it would post).
                EnvNames.PRESENCE_EVENTS, "off"));
        var switchboard = Services.create(config, StaticCredentialsProvider.create(
                AwsBasicCredentials.create("bench", "bench")));
        APIGatewayV2WebSocketEvent connect = new APIGatewayV2WebSocketEvent();
        APIGatewayV2WebSocketEvent.RequestContext context = new APIGatewayV2WebSocketEvent.RequestContext();
        context.setConnectionId("cold-" + ProcessHandle.current().pid() + "=");
        context.setAuthorizer(Map.of("userId", "bench"));
        connect.setRequestContext(context);
        new ConnectHandler(switchboard).handleRequest(connect, null);
        return new JoinHandler(switchboard);
    }

    /** The common sample: SDK defaults, a bean schema and an ObjectMapper; writes the membership row. */
    private static RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> baselineHandler(
            URI endpoint, String table) {
        ObjectMapper json = new ObjectMapper();
        DynamoDbClient dynamoDb = DynamoDbClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                .build();
        DynamoDbTable<BeanItem> rows = DynamoDbEnhancedClient.builder().dynamoDbClient(dynamoDb).build()
                .table(table, TableSchema.fromBean(BeanItem.class));
        return (event, context) -> {
            try {
                JsonNode body = json.readTree(event.getBody());
                BeanItem member = new BeanItem();
                member.setPk("ROOM#" + body.get("room").asText());
                member.setSk("CONN#" + event.getRequestContext().getConnectionId());
                member.setUserId(String.valueOf(event.getRequestContext().getAuthorizer().get("userId")));
                rows.putItem(member);
                APIGatewayV2WebSocketResponse response = new APIGatewayV2WebSocketResponse();
                response.setStatusCode(200);
                response.setBody(json.writeValueAsString(Map.of("type", "ack", "id", body.get("id").asText(),
                        "action", "join")));
                return response;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
    }
}

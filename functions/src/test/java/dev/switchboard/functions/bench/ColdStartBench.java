package dev.switchboard.functions.bench;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.config.EnvNames;
import dev.switchboard.core.Switchboard;
import dev.switchboard.functions.ConnectHandler;
import dev.switchboard.functions.JoinHandler;
import dev.switchboard.functions.SendHandler;
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
 * One fresh-JVM measurement of a message handler's cold start: JVM start to the first event handled, then the
 * steady-state time per event. Variants: {@code switchboard} (the real {@code JoinHandler} wired by
 * {@link Services}: URL-connection client, static table schema, streaming Jackson; presence events on, as deployed),
 * {@code switchboard-send} (the real {@code SendHandler}, each send with an id), and {@code baseline} (a join done the
 * way SDK samples do it: default HTTP client (Apache), reflective bean schema, Jackson databind, one {@code PutItem}).
 *
 * <p>Every measured join is a first join: the connection is not in the room yet, so it writes its membership, reads
 * the room and announces itself (a re-join only answers). Connection k joins rooms {@code room-0} to {@code room-39}
 * (the most rooms a connection may be in is 50), so the rooms hold a few members each, all of one user (one user per
 * JVM: the table outlives the runs). Every send
 * goes to one of 40 rooms whose only member is its sender, so it is numbered, stored and posted once.
 *
 * <p>Arguments: {@code variant dynamoEndpoint table events managementEndpoint [label]}; the label (default: the
 * variant) names the JVM set-up in the output, e.g. a run with an ahead-of-time cache. Run by
 * {@code scripts/bench-cold-start.sh}.
 */
public final class ColdStartBench {

    private static final int ROOMS = 40;
    private static final String USER = "bench-" + ProcessHandle.current().pid();

    private ColdStartBench() {
    }

    public static void main(String[] args) {
        String variant = args[0];
        URI endpoint = URI.create(args[1]);
        String table = args[2];
        int events = Integer.parseInt(args[3]);
        URI management = URI.create(args[4]);
        String label = args.length > 5 ? args[5] : variant;
        String prefix = "cold-" + ProcessHandle.current().pid() + "-";
        Bench bench = switch (variant) {
            case "switchboard" -> switchboardJoins(endpoint, table, management, prefix);
            case "switchboard-send" -> switchboardSends(endpoint, table, management, prefix);
            case "baseline" -> baselineJoins(endpoint, table, prefix);
            default -> throw new IllegalArgumentException(variant);
        };
        bench.event(0);
        double firstEventMs = ManagementFactory.getRuntimeMXBean().getUptime();
        bench.prepare(events);
        long start = System.nanoTime();
        for (int i = 1; i <= events; i++) {
            bench.event(i);
        }
        double perEventMs = (System.nanoTime() - start) / 1e6 / events;
        System.out.printf(Locale.ROOT, "{\"variant\":\"%s\",\"jvm_start_to_first_event_ms\":%.0f,"
                + "\"steady_state_ms_per_event\":%.2f}%n", label, firstEventMs, perEventMs);
        System.exit(0);
    }

    /** What one variant does: event {@code i} (0 is the cold one), and untimed set-up before events 1 to n. */
    private interface Bench {
        void event(int i);

        default void prepare(int events) {
        }
    }

    private static Bench switchboardJoins(URI endpoint, String table, URI management, String prefix) {
        Switchboard switchboard = switchboard(endpoint, table, management);
        ConnectHandler connect = new ConnectHandler(switchboard);
        JoinHandler join = new JoinHandler(switchboard);
        connect.handleRequest(event(prefix + 0, "$connect", null), null);
        return new Bench() {
            @Override
            public void event(int i) {
                handle(join, prefix + i / ROOMS, "{\"action\":\"join\",\"room\":\"room-" + i % ROOMS
                        + "\",\"id\":\"" + i + "\"}");
            }

            @Override
            public void prepare(int events) {
                for (int k = 1; k <= events / ROOMS; k++) {
                    connect.handleRequest(ColdStartBench.event(prefix + k, "$connect", null), null);
                }
            }
        };
    }

    private static Bench switchboardSends(URI endpoint, String table, URI management, String prefix) {
        Switchboard switchboard = switchboard(endpoint, table, management);
        JoinHandler join = new JoinHandler(switchboard);
        SendHandler send = new SendHandler(switchboard);
        String connection = prefix + 0;
        new ConnectHandler(switchboard).handleRequest(event(connection, "$connect", null), null);
        String room = "send-" + connection;
        handle(join, connection, "{\"action\":\"join\",\"room\":\"" + room + "-0\",\"id\":\"j0\"}");
        return new Bench() {
            @Override
            public void event(int i) {
                handle(send, connection, "{\"action\":\"send\",\"room\":\"" + room + "-" + i % ROOMS
                        + "\",\"id\":\"s" + i + "\",\"data\":{\"n\":" + i + "}}");
            }

            @Override
            public void prepare(int events) {
                for (int r = 1; r < ROOMS; r++) {
                    handle(join, connection, "{\"action\":\"join\",\"room\":\"" + room + "-" + r + "\",\"id\":\"j"
                            + r + "\"}");
                }
            }
        };
    }

    private static Switchboard switchboard(URI endpoint, String table, URI management) {
        FunctionConfig config = FunctionConfig.from(Map.of(EnvNames.TABLE_NAME, table,
                EnvNames.DYNAMODB_ENDPOINT, endpoint.toString(),
                EnvNames.MANAGEMENT_ENDPOINT, management.toString(), EnvNames.REGION, "us-east-1",
                // The events carry a user but no token's rooms: every room open to every connection.
                EnvNames.POLICY, "open",
                // One connection sends every event as fast as it can: far above a client's frame quota; and one
                // user holds a connection per 40 joins.
                EnvNames.FRAME_RATE, "100000", EnvNames.FRAME_BURST, "100000",
                EnvNames.CONNECTIONS_PER_USER, "100000"));
        return Services.create(config, StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")));
    }

    private static void handle(RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> handler,
                               String connection, String body) {
        APIGatewayV2WebSocketEvent event = event(connection, routeOf(body), body);
        APIGatewayV2WebSocketResponse response = handler.handleRequest(event, null);
        if (response.getStatusCode() != 200 || !response.getBody().contains("\"ack\"")) {
            throw new IllegalStateException("unexpected reply " + response.getBody());
        }
    }

    private static String routeOf(String body) {
        return body.contains("\"send\"") ? "send" : "join";
    }

    private static APIGatewayV2WebSocketEvent event(String connection, String route, String body) {
        APIGatewayV2WebSocketEvent event = new APIGatewayV2WebSocketEvent();
        APIGatewayV2WebSocketEvent.RequestContext context = new APIGatewayV2WebSocketEvent.RequestContext();
        context.setConnectionId(connection);
        context.setRouteKey(route);
        context.setRequestId("bench");
        context.setAuthorizer(Map.of("userId", USER));
        event.setRequestContext(context);
        event.setBody(body);
        return event;
    }

    /** The common sample: SDK defaults, a bean schema and an ObjectMapper; writes the membership row. */
    private static Bench baselineJoins(URI endpoint, String table, String prefix) {
        ObjectMapper json = new ObjectMapper();
        DynamoDbClient dynamoDb = DynamoDbClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                .build();
        DynamoDbTable<BeanItem> rows = DynamoDbEnhancedClient.builder().dynamoDbClient(dynamoDb).build()
                .table(table, TableSchema.fromBean(BeanItem.class));
        RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> handler = (event, context) -> {
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
        return i -> handle(handler, prefix + i / ROOMS, "{\"action\":\"join\",\"room\":\"room-" + i % ROOMS
                + "\",\"id\":\"" + i + "\"}");
    }
}

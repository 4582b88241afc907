package dev.switchboard.functions.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import dev.switchboard.config.EnvNames;
import dev.switchboard.core.Switchboard;
import dev.switchboard.functions.ConnectHandler;
import dev.switchboard.functions.DisconnectHandler;
import dev.switchboard.functions.Events;
import dev.switchboard.functions.JoinHandler;
import dev.switchboard.functions.SendHandler;
import dev.switchboard.functions.Services;
import dev.switchboard.functions.config.FunctionConfig;
import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.ServerFrame;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The handlers wired exactly as in Lambda ({@link Services} from an environment map), over DynamoDB Local and a
 * local {@code @connections} server: a connection joins, sends, receives its own message, and disconnects.
 */
class WiredHandlersTest {

    private final FakeConnectionsApi api = new FakeConnectionsApi();

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void lifecycleThroughTheRealAdapters() {
        String table = LocalDynamoDb.newTable();
        String dynamoEndpoint = LocalDynamoDb.client().serviceClientConfiguration().endpointOverride().orElseThrow()
                .toString();
        FunctionConfig config = FunctionConfig.from(Map.of(
                EnvNames.TABLE_NAME, table,
                EnvNames.MANAGEMENT_ENDPOINT, api.endpoint().toString(),
                EnvNames.DYNAMODB_ENDPOINT, dynamoEndpoint,
                EnvNames.REGION, "us-east-1"));
        Switchboard switchboard = Services.create(config,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")));

        assertThat(new ConnectHandler(switchboard).handleRequest(Events.load("connect"), null).getStatusCode())
                .isEqualTo(200);
        assertThat(FrameCodec.decodeServer(new JoinHandler(switchboard).handleRequest(Events.load("join"), null)
                .getBody())).contains(new ServerFrame.Ack("c-1", "join", null, 0L));

        APIGatewayV2WebSocketEvent send = Events.load("send");
        ServerFrame ack = FrameCodec.decodeServer(new SendHandler(switchboard).handleRequest(send, null).getBody())
                .orElseThrow();

        assertThat(ack).isInstanceOf(ServerFrame.Ack.class);
        FakeConnectionsApi.Received post = api.received().stream()
                .filter(r -> r.text().contains("\"type\":\"message\"")).findFirst().orElseThrow();
        assertThat(post.connectionId()).isEqualTo("Conn-Alice-1=");
        assertThat(api.received()).as("joining announced alice to the room, herself included")
                .anySatisfy(r -> assertThat(r.text()).contains("\"type\":\"presence_change\""));
        assertThat(FrameCodec.decodeServer(post.text())).hasValueSatisfying(frame ->
                assertThat(frame).isInstanceOfSatisfying(ServerFrame.Message.class, m -> {
                    assertThat(m.from()).isEqualTo("alice");
                    assertThat(m.room()).isEqualTo("lobby");
                    assertThat(m.data()).isEqualTo("{\"text\":\"hello\"}");
                    assertThat(m.id()).isEqualTo(((ServerFrame.Ack) ack).messageId());
                }));

        assertThat(new DisconnectHandler(switchboard).handleRequest(Events.load("disconnect"), null).getStatusCode())
                .isEqualTo(200);
        assertThat(DynamoDbConnectionStore.create(LocalDynamoDb.client(), table, 1).members("lobby")).isEmpty();
    }

    @Test
    void aUserAtTheConnectionLimitIsRefusedTheHandshakeUnlessOneOfTheirsIsGone() {
        String table = LocalDynamoDb.newTable();
        FunctionConfig config = FunctionConfig.from(Map.of(
                EnvNames.TABLE_NAME, table,
                EnvNames.MANAGEMENT_ENDPOINT, api.endpoint().toString(),
                EnvNames.DYNAMODB_ENDPOINT, LocalDynamoDb.client().serviceClientConfiguration().endpointOverride()
                        .orElseThrow().toString(),
                EnvNames.REGION, "us-east-1",
                EnvNames.CONNECTIONS_PER_USER, "2"));
        ConnectHandler connect = new ConnectHandler(Services.create(config,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local"))));

        assertThat(connect.handleRequest(connectAs("Conn-A1="), null).getStatusCode()).isEqualTo(200);
        assertThat(connect.handleRequest(connectAs("Conn-A2="), null).getStatusCode()).isEqualTo(200);
        assertThat(connect.handleRequest(connectAs("Conn-A3="), null).getStatusCode()).as("a third").isEqualTo(429);
        assertThat(api.received()).extracting(FakeConnectionsApi.Received::method).as("both looked up")
                .containsExactly("GET", "GET");

        // The first one closed without a $disconnect: the gateway answers 410 for it.
        api.script("Conn-A1=", 410);
        assertThat(connect.handleRequest(connectAs("Conn-A3="), null).getStatusCode()).isEqualTo(200);
        assertThat(DynamoDbConnectionStore.create(LocalDynamoDb.client(), table, 1).connectionsOf("alice"))
                .containsExactlyInAnyOrder("Conn-A2=", "Conn-A3=");
    }

    /** The {@code $connect} event fixture (alice) for another connection of hers. */
    private static APIGatewayV2WebSocketEvent connectAs(String connectionId) {
        APIGatewayV2WebSocketEvent event = Events.load("connect");
        event.getRequestContext().setConnectionId(connectionId);
        return event;
    }
}

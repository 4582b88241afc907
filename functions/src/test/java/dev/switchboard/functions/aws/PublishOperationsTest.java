package dev.switchboard.functions.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.switchboard.config.EnvNames;
import dev.switchboard.core.ConnectionStore;
import dev.switchboard.core.CoreSettings;
import dev.switchboard.core.InMemoryConnectionStore;
import dev.switchboard.core.Rights;
import dev.switchboard.core.RoomAction;
import dev.switchboard.core.RoomPolicy;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.testkit.TestSwitchboard;
import dev.switchboard.functions.Events;
import dev.switchboard.functions.PublishHandler;
import dev.switchboard.functions.Services;
import dev.switchboard.functions.config.FunctionConfig;
import dev.switchboard.protocol.ClientFrame;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The publish queue's operations through the real handler, from an SQS event fixture, wired as in Lambda over
 * DynamoDB Local and a local {@code @connections} server: what each does to the table and the gateway, and which
 * records come back as batch item failures.
 */
class PublishOperationsTest {

    private final FakeConnectionsApi api = new FakeConnectionsApi();

    @AfterEach
    void stop() {
        api.close();
    }

    private static List<String> failures(SQSBatchResponse response) {
        return response.getBatchItemFailures().stream().map(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .toList();
    }

    @Test
    void eachOperationDoesWhatItSaysAndWhatCannotBeDoneComesBack() {
        String table = LocalDynamoDb.newTable();
        FunctionConfig config = FunctionConfig.from(Map.of(
                EnvNames.TABLE_NAME, table,
                EnvNames.MANAGEMENT_ENDPOINT, api.endpoint().toString(),
                EnvNames.DYNAMODB_ENDPOINT, LocalDynamoDb.client().serviceClientConfiguration().endpointOverride()
                        .orElseThrow().toString(),
                EnvNames.REGION, "us-east-1",
                EnvNames.POLICY, "open"));
        Switchboard switchboard = Services.create(config,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")));
        ConnectionStore store = DynamoDbConnectionStore.create(LocalDynamoDb.client(), table, 1);
        switchboard.connect("Conn-Alice-1=", "alice", "");
        switchboard.connect("Conn-Alice-2=", "alice", "");
        switchboard.connect("Conn-Bob-1=", "bob", "");
        switchboard.connect("Conn-Carol-1=", "carol", "");
        switchboard.join("Conn-Carol-1=", new ClientFrame.Join(null, "lobby"));
        switchboard.connect("Conn-Dave-1=", "dave", "");
        // The gateway throttles the close of dave's connection.
        api.script("Conn-Dave-1=", 429);

        SQSBatchResponse response = new PublishHandler(switchboard).handleRequest(Events.sqs("sqs-operations"), null);

        assertThat(failures(response)).as("join as a right, an unknown op, a close the gateway refused")
                .containsExactly("9f2c1a4e-0103-4b7e-9a1d-000000000103", "9f2c1a4e-0104-4b7e-9a1d-000000000104",
                        "9f2c1a4e-0106-4b7e-9a1d-000000000106");
        // addMember: both of alice's connections, with the rights named and no join right.
        assertThat(store.members("order-42")).containsExactlyInAnyOrder("Conn-Alice-1=", "Conn-Alice-2=");
        assertThat(store.find("Conn-Alice-1=").orElseThrow().rightsIn("order-42"))
                .isEqualTo(Rights.of(RoomAction.HISTORY, RoomAction.SEND));
        // disconnect by connection id: closed at the gateway, its records gone.
        assertThat(api.received()).filteredOn(r -> r.method().equals("DELETE"))
                .extracting(FakeConnectionsApi.Received::connectionId)
                .containsExactlyInAnyOrder("Conn-Bob-1=", "Conn-Dave-1=");
        assertThat(store.find("Conn-Bob-1=")).isEmpty();
        assertThat(store.connectionsOf("bob")).isEmpty();
        // removeMember: carol is out of the lobby, still connected.
        assertThat(store.members("lobby")).isEmpty();
        assertThat(store.find("Conn-Carol-1=")).isPresent();
        // The close that failed kept dave's records, so the redelivery finds his connection again.
        assertThat(store.connectionsOf("dave")).containsExactly("Conn-Dave-1=");

        api.script("Conn-Dave-1=", 204);
        SQSEvent retry = new SQSEvent();
        retry.setRecords(List.of(Events.sqs("sqs-operations").getRecords().get(5)));
        assertThat(failures(new PublishHandler(switchboard).handleRequest(retry, null))).isEmpty();
        assertThat(store.connectionsOf("dave")).isEmpty();
    }

    @Test
    void aConnectionAtItsRoomLimitMakesTheRecordComeBack() {
        InMemoryConnectionStore store = new InMemoryConnectionStore();
        Switchboard switchboard = TestSwitchboard.builder().policy(RoomPolicy.open())
                .store(store).clock(Clock.systemUTC()).maxInFlight(4)
                .settings(CoreSettings.defaults().withMaxRooms(1))
                .build().switchboard();
        switchboard.connect("Conn-Alice-1=", "alice", "");
        switchboard.connect("Conn-Alice-2=", "alice", "");
        switchboard.join("Conn-Alice-2=", new ClientFrame.Join(null, "elsewhere"));
        SQSEvent event = new SQSEvent();
        event.setRecords(List.of(Events.sqs("sqs-operations").getRecords().getFirst()));

        assertThat(failures(new PublishHandler(switchboard).handleRequest(event, null)))
                .containsExactly("9f2c1a4e-0101-4b7e-9a1d-000000000101");
        assertThat(store.members("order-42")).containsExactly("Conn-Alice-1=");

        // Once the other connection left a room, the redelivery does the rest, and repeats nothing.
        switchboard.leave("Conn-Alice-2=", new ClientFrame.Leave(null, "elsewhere"));
        assertThat(failures(new PublishHandler(switchboard).handleRequest(event, null))).isEmpty();
        assertThat(store.members("order-42")).containsExactlyInAnyOrder("Conn-Alice-1=", "Conn-Alice-2=");
    }
}

package dev.switchboard.functions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.RoomPolicy;
import dev.switchboard.config.EnvNames;
import dev.switchboard.core.Connection;
import dev.switchboard.core.ConnectionStore;
import dev.switchboard.core.InMemoryConnectionStore;
import dev.switchboard.core.InMemoryRoomHistory;
import dev.switchboard.core.SendOutcome;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.testkit.TestSwitchboard;
import dev.switchboard.functions.aws.DynamoDbConnectionStore;
import dev.switchboard.functions.aws.DynamoDbRoomHistory;
import dev.switchboard.functions.aws.LocalDynamoDb;
import dev.switchboard.functions.config.FunctionConfig;
import dev.switchboard.protocol.ClientFrame;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

class SnapStartPrimingTest {

    @Test
    void primingTouchesTheStoreButChangesNothingAndPostsNothing() {
        InMemoryConnectionStore store = new InMemoryConnectionStore();
        InMemoryRoomHistory history = new InMemoryRoomHistory();
        List<String> posts = new CopyOnWriteArrayList<>();
        Switchboard switchboard = TestSwitchboard.builder().policy(RoomPolicy.open()).store(store).history(history)
                .clock(Clock.systemUTC()).maxInFlight(4)
                .sender((id, payload) -> {
                    posts.add(id);
                    return SendOutcome.DELIVERED;
                })
                .build().switchboard();
        Instant now = Instant.now();
        store.register(new Connection("real", "alice", now, "", now.plus(Duration.ofHours(3))));
        switchboard.join("real", new ClientFrame.Join(null, "priming"));

        posts.clear();

        assertThat(new SnapStartPriming(switchboard).prime()).isTrue();

        assertThat(posts).isEmpty();
        assertThat(store.members("priming")).containsExactly("real");
        assertThat(store.roomsOf("real")).containsExactly("priming");
        assertThat(history.latestSeq("priming")).isZero();
        assertThat(store.find(SnapStartPriming.NOBODY)).isEmpty();
        assertThat(store.roomsOf(SnapStartPriming.NOBODY)).isEmpty();
    }

    @Test
    void primingOverDynamoDbRunsEveryRouteReadButWritesNothing() {
        String table = LocalDynamoDb.newTable();
        FunctionConfig config = FunctionConfig.from(Map.of(EnvNames.TABLE_NAME, table,
                EnvNames.DYNAMODB_ENDPOINT, LocalDynamoDb.client().serviceClientConfiguration().endpointOverride()
                        .orElseThrow().toString(),
                // Nothing may be posted: a post here would fail (discard port) and show up as a warning only,
                // so the in-memory test above is the one that proves no post; this one proves no row.
                EnvNames.MANAGEMENT_ENDPOINT, "http://127.0.0.1:9/unused", EnvNames.REGION, "us-east-1",
                EnvNames.PRESENCE_EVENTS, "off", EnvNames.POLICY, "open"));
        Switchboard switchboard = Services.create(config,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")));
        switchboard.connect("real", "alice", "");
        switchboard.join("real", new ClientFrame.Join(null, "priming"));
        DynamoDbConnectionStore store = DynamoDbConnectionStore.create(LocalDynamoDb.client(), table, 1);

        assertThat(new SnapStartPriming(switchboard).prime()).as("every store call answered").isTrue();

        assertThat(store.members("priming")).containsExactly("real");
        assertThat(store.roomsOf("real")).containsExactly("priming");
        assertThat(store.find(SnapStartPriming.NOBODY)).isEmpty();
        assertThat(store.roomsOf(SnapStartPriming.NOBODY)).isEmpty();
        assertThat(new DynamoDbRoomHistory(LocalDynamoDb.client(), table).latestSeq("priming")).isZero();
    }

    @Test
    void aCallTheFunctionMayNotMakeIsSkippedAndTheRestStillRun() {
        InMemoryConnectionStore store = new InMemoryConnectionStore();
        List<String> calls = new CopyOnWriteArrayList<>();
        // As in a function whose role lacks the direct message's query: DynamoDB refuses it.
        ConnectionStore denying = (ConnectionStore) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ConnectionStore.class}, (proxy, method, args) -> {
                    calls.add(method.getName());
                    if (method.getName().equals("userConnections")) {
                        throw DynamoDbException.builder().statusCode(400).message("not authorized")
                                .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDeniedException")
                                        .build())
                                .build();
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        Switchboard switchboard = TestSwitchboard.builder().policy(RoomPolicy.open()).store(denying)
                .clock(Clock.systemUTC()).maxInFlight(4)
                .build().switchboard();

        assertThat(new SnapStartPriming(switchboard).prime()).as("a refusal is not a failure to reach the store")
                .isTrue();

        assertThat(calls).as("the leave's read after the refused query still ran")
                .containsSubsequence("admitSend", "userConnections", "admit");
    }

    @Test
    void aStoreThatCannotBeReachedMakesPrimingReportIt() {
        ConnectionStore unreachable = (ConnectionStore) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ConnectionStore.class}, (proxy, method, args) -> {
                    throw SdkClientException.create("Unable to execute HTTP request: Connection refused");
                });
        Switchboard switchboard = TestSwitchboard.builder().policy(RoomPolicy.open()).store(unreachable)
                .clock(Clock.systemUTC()).maxInFlight(4)
                .build().switchboard();

        assertThat(new SnapStartPriming(switchboard).prime()).isFalse();
    }
}

package dev.switchboard.functions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.config.EnvNames;
import dev.switchboard.core.Broadcaster;
import dev.switchboard.core.Connection;
import dev.switchboard.core.InMemoryConnectionStore;
import dev.switchboard.core.InMemoryIdempotencyStore;
import dev.switchboard.core.InMemoryRoomHistory;
import dev.switchboard.core.RetryPolicy;
import dev.switchboard.core.SendOutcome;
import dev.switchboard.core.Switchboard;
import dev.switchboard.functions.aws.DynamoDbConnectionStore;
import dev.switchboard.functions.aws.DynamoDbRoomHistory;
import dev.switchboard.functions.aws.LocalDynamoDb;
import dev.switchboard.functions.config.FunctionConfig;
import dev.switchboard.protocol.ClientFrame;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

class SnapStartPrimingTest {

    @Test
    void primingTouchesTheStoreButChangesNothingAndPostsNothing() {
        InMemoryConnectionStore store = new InMemoryConnectionStore();
        InMemoryRoomHistory history = new InMemoryRoomHistory();
        List<String> posts = new CopyOnWriteArrayList<>();
        Switchboard switchboard = Switchboard.builder().store(store).history(history)
                .idempotency(new InMemoryIdempotencyStore())
                .broadcaster(new Broadcaster((id, payload) -> {
                    posts.add(id);
                    return SendOutcome.DELIVERED;
                }, store, 4, RetryPolicy.defaults()))
                .build();
        Instant now = Instant.now();
        store.register(new Connection("real", "alice", now, "", now.plus(Duration.ofHours(3))));
        switchboard.join("real", "alice", new ClientFrame.Join(null, "priming"));

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
    void primingOverDynamoDbRunsTheWritePathButWritesNothing() {
        String table = LocalDynamoDb.newTable();
        FunctionConfig config = FunctionConfig.from(Map.of(EnvNames.TABLE_NAME, table,
                EnvNames.DYNAMODB_ENDPOINT, LocalDynamoDb.client().serviceClientConfiguration().endpointOverride()
                        .orElseThrow().toString(),
                // Nothing may be posted: a post here would fail (discard port) and show up as a warning only,
                // so the in-memory test above is the one that proves no post; this one proves no row.
                EnvNames.MANAGEMENT_ENDPOINT, "http://127.0.0.1:9/unused", EnvNames.REGION, "us-east-1",
                EnvNames.PRESENCE_EVENTS, "off"));
        Switchboard switchboard = Services.create(config,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")));
        switchboard.connect("real", "alice", "");
        switchboard.join("real", "alice", new ClientFrame.Join(null, "priming"));
        DynamoDbConnectionStore store = DynamoDbConnectionStore.create(LocalDynamoDb.client(), table);

        assertThat(new SnapStartPriming(switchboard).prime()).as("every store call answered").isTrue();

        assertThat(store.members("priming")).containsExactly("real");
        assertThat(store.roomsOf("real")).containsExactly("priming");
        assertThat(store.find(SnapStartPriming.NOBODY)).isEmpty();
        assertThat(store.roomsOf(SnapStartPriming.NOBODY)).isEmpty();
        assertThat(new DynamoDbRoomHistory(LocalDynamoDb.client(), table).latestSeq("priming")).isZero();
    }
}

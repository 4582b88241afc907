package dev.switchboard.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.switchboard.core.ConnectionStore;
import dev.switchboard.core.Rights;
import dev.switchboard.core.RoomPolicy;
import dev.switchboard.core.Connection;
import dev.switchboard.core.SendOutcome;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.testkit.TestSwitchboard;
import dev.switchboard.functions.PublishHandler;
import dev.switchboard.functions.aws.AwsClients;
import dev.switchboard.functions.aws.DynamoDbConnectionStore;
import dev.switchboard.functions.aws.DynamoDbRoomHistory;
import dev.switchboard.functions.aws.SwitchboardTable;
import dev.switchboard.functions.aws.TableSwitchboard;
import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.PublishRequest;
import dev.switchboard.protocol.ServerFrame;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The AWS adapters against LocalStack through Testcontainers: the DynamoDB store, history and idempotency, and
 * publish requests travelling through a real SQS queue into the publisher. Skipped cleanly where no Docker engine
 * runs. Without {@code LOCALSTACK_AUTH_TOKEN} it pins the last token-free community image (4.14.0), which has
 * DynamoDB and SQS but no WebSocket APIs; with a token it uses the current image.
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackTest {

    private static final String TOKEN = System.getenv("LOCALSTACK_AUTH_TOKEN");

    @Container
    static final LocalStackContainer LOCALSTACK = container();

    private static LocalStackContainer container() {
        LocalStackContainer container = new LocalStackContainer(DockerImageName.parse(
                TOKEN == null ? "localstack/localstack:4.14.0" : "localstack/localstack:latest"))
                .withServices("dynamodb", "sqs");
        if (TOKEN != null) {
            container.withEnv("LOCALSTACK_AUTH_TOKEN", TOKEN);
        }
        return container;
    }

    private static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(LOCALSTACK.getAccessKey(),
                LOCALSTACK.getSecretKey()));
    }

    private static DynamoDbClient dynamoDb() {
        return DynamoDbClient.builder().endpointOverride(LOCALSTACK.getEndpoint())
                .region(Region.of(LOCALSTACK.getRegion())).credentialsProvider(credentials())
                .httpClient(AwsClients.httpClient()).build();
    }

    @Test
    void storeAndHistoryWorkAgainstLocalStacksDynamoDb() {
        DynamoDbClient client = dynamoDb();
        SwitchboardTable.createIfMissing(client, "switchboard-ls");
        DynamoDbConnectionStore store = DynamoDbConnectionStore.create(client, "switchboard-ls");
        Instant now = Instant.now();
        store.register(new Connection("ls-1", "alice", now, "", now.plus(Duration.ofHours(3))));
        store.join("ls-1", "room", Rights.ALL, 10);
        assertThat(store.members("room")).containsExactly("ls-1");
        assertThat(store.remove("ls-1")).containsExactly("room");
        assertThat(store.members("room")).isEmpty();

        DynamoDbRoomHistory history = new DynamoDbRoomHistory(client, "switchboard-ls");
        long seq = history.nextSeq("room", now);
        history.append(new ServerFrame.Message("m", "room", "alice", "1", now.toEpochMilli(), seq),
                now.plus(Duration.ofHours(1)));
        assertThat(history.after("room", seq - 1, 10, now)).extracting(ServerFrame.Message::seq).containsExactly(seq);
    }

    @Test
    void publishRequestsTravelThroughARealSqsQueueIntoThePublisher() {
        DynamoDbClient client = dynamoDb();
        SwitchboardTable.createIfMissing(client, "switchboard-ls-sqs");
        List<String> delivered = new CopyOnWriteArrayList<>();
        TestSwitchboard kit = TableSwitchboard.over(client, "switchboard-ls-sqs").policy(RoomPolicy.open())
                .sender((id, payload) -> {
                    delivered.add(new String(payload, StandardCharsets.UTF_8));
                    return SendOutcome.DELIVERED;
                }).maxInFlight(4)
                .clock(Clock.systemUTC())
                .build();
        ConnectionStore store = kit.store();
        Instant now = Instant.now();
        store.register(new Connection("reader", "reader", now, "", now.plus(Duration.ofHours(3))));
        store.join("reader", "news", Rights.ALL, 10);
        Switchboard switchboard = kit.switchboard();

        try (SqsClient sqs = SqsClient.builder().endpointOverride(LOCALSTACK.getEndpoint())
                .region(Region.of(LOCALSTACK.getRegion())).credentialsProvider(credentials())
                .httpClient(AwsClients.httpClient()).build()) {
            String queue = sqs.createQueue(r -> r.queueName("switchboard-publish")).queueUrl();
            sqs.sendMessage(r -> r.queueUrl(queue).messageBody(FrameCodec.encode(
                    new PublishRequest("news", null, "{\"headline\":\"from sqs\"}", "newsroom", "evt-1"))));
            sqs.sendMessage(r -> r.queueUrl(queue).messageBody("{poison"));
            List<Message> received = new java.util.ArrayList<>();
            for (int attempt = 0; attempt < 5 && received.size() < 2; attempt++) {
                received.addAll(sqs.receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10)
                        .waitTimeSeconds(2)).messages());
            }

            SQSEvent event = new SQSEvent();
            event.setRecords(received.stream().map(m -> {
                SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
                record.setMessageId(m.messageId());
                record.setBody(m.body());
                return record;
            }).toList());
            SQSBatchResponse response = new PublishHandler(switchboard).handleRequest(event, null);

            assertThat(response.getBatchItemFailures()).hasSize(1);
            assertThat(delivered).singleElement().asString().contains("from sqs").contains("\"seq\":1");
            assertThat(received).hasSize(2);
        }
    }
}

package dev.switchboard.functions.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.switchboard.core.Connection;
import dev.switchboard.core.ConnectionStore;
import dev.switchboard.core.FanoutQueue;
import dev.switchboard.core.RetryPolicy;
import dev.switchboard.core.Rights;
import dev.switchboard.core.RoomPolicy;
import dev.switchboard.core.SendOutcome;
import dev.switchboard.core.Switchboard;
import dev.switchboard.core.testkit.TestSwitchboard;
import dev.switchboard.functions.FanoutHandler;
import dev.switchboard.functions.PublishHandler;
import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.PublishRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The queues against moto's SQS: the publish queue with its dead-letter queue, consumed by {@link PublishHandler};
 * the fan-out queue fed by {@link SqsFanoutQueue} and consumed by {@link FanoutHandler}. Between queue and handler
 * stands what Lambda's SQS event source does with {@code ReportBatchItemFailures}: receive up to ten messages,
 * invoke, delete those not reported as failed.
 */
@MotoServer.RequiresMoto
class MotoQueuesTest {

    /** Receives before a message is set aside; the test's own, so that redrive shows within a few rounds. */
    private static final int MAX_RECEIVE_COUNT = 3;

    private final MotoServer moto = MotoServer.shared();
    private final SqsClient sqs = moto.sqs();
    /** What the broadcaster posted, by connection id. */
    private final Map<String, List<String>> posted = new ConcurrentHashMap<>();
    /** Connections whose every post is answered 429 while they are in here. */
    private final Set<String> throttled = ConcurrentHashMap.newKeySet();

    @AfterEach
    void close() {
        sqs.close();
    }

    @Test
    void publishRequestsReachTheRoomOnceAndAPoisonMessageEndsInTheDeadLetterQueue() {
        String deadLetters = sqs.createQueue(r -> r.queueName("publish-dlq-" + UUID.randomUUID())).queueUrl();
        String deadLettersArn = sqs.getQueueAttributes(r -> r.queueUrl(deadLetters)
                .attributeNames(QueueAttributeName.QUEUE_ARN)).attributes().get(QueueAttributeName.QUEUE_ARN);
        // Visible again at once after a failure, so the redeliveries need no waiting.
        String queue = sqs.createQueue(r -> r.queueName("publish-" + UUID.randomUUID()).attributes(Map.of(
                QueueAttributeName.VISIBILITY_TIMEOUT, "0",
                QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + deadLettersArn
                        + "\",\"maxReceiveCount\":\"" + MAX_RECEIVE_COUNT + "\"}"))).queueUrl();
        ConnectionStore store = DynamoDbConnectionStore.create(moto.dynamoDb(), moto.newTable());
        member(store, "reader", "news");
        PublishHandler publisher = new PublishHandler(switchboard(store, null));

        sqs.sendMessage(r -> r.queueUrl(queue).messageBody(FrameCodec.encode(
                new PublishRequest("news", null, "{\"headline\":\"from sqs\"}", "newsroom", "evt-1"))));
        sqs.sendMessage(r -> r.queueUrl(queue).messageBody("{poison"));
        List<SQSEvent.SQSMessage> handled = drain(queue, publisher);

        assertThat(posted.get("reader")).singleElement().asString().contains("from sqs").contains("\"seq\":1");
        assertThat(handled).filteredOn(m -> m.getBody().equals("{poison")).as("received until set aside")
                .hasSize(MAX_RECEIVE_COUNT);
        assertThat(receiveAll(deadLetters)).extracting(Message::body).containsExactly("{poison");
        assertThat(receiveAll(queue)).isEmpty();
    }

    @Test
    void aBigRoomsShardsTravelThroughTheFanoutQueueToItsWorkers() {
        int shards = 16;
        String queue = sqs.createQueue(r -> r.queueName("fanout-" + UUID.randomUUID())).queueUrl();
        ConnectionStore store = DynamoDbConnectionStore.create(moto.dynamoDb(), moto.newTable(), shards);
        List<String> members = IntStream.range(0, 48).mapToObj(i -> "fan-" + i).toList();
        members.forEach(id -> member(store, id, "stadium"));
        Switchboard sending = switchboard(store, new SqsFanoutQueue(sqs, URI.create(queue)));

        Switchboard.Sent sent = sending.publish("stadium", "coach", "{\"score\":\"2-1\"}", null);
        List<SQSEvent.SQSMessage> jobs = drain(queue, new FanoutHandler(switchboard(store, null)));

        assertThat(sent.broadcast().delivered()).as("shard 0, delivered by the sender itself")
                .isEqualTo(store.members("stadium", 0).size());
        assertThat(jobs).as("one job per other shard, each once").hasSize(shards - 1)
                .extracting(job -> job.getMessageAttributes().get(FanoutMessages.SHARD).getStringValue())
                .containsExactlyInAnyOrderElementsOf(IntStream.range(1, shards).mapToObj(Integer::toString).toList());
        assertThat(jobs).allSatisfy(job -> {
            assertThat(job.getMessageAttributes().get(FanoutMessages.ROOM).getStringValue())
                    .isEqualTo("stadium");
            assertThat(job.getMessageAttributes().get(FanoutMessages.SHARD).getDataType())
                    .isEqualTo("Number");
        });
        assertThat(posted.keySet()).containsExactlyInAnyOrderElementsOf(members);
        assertThat(posted.values()).allSatisfy(frames -> assertThat(frames).singleElement().asString()
                .contains("\"score\":\"2-1\"").contains("\"seq\":1"));
    }

    @Test
    void bigFramesAreBatchedWithinTheLimitAndArriveWhole() {
        String queue = sqs.createQueue(r -> r.queueName("fanout-big-" + UUID.randomUUID())).queueUrl();
        String big = "x".repeat(120 * 1024);
        List<FanoutQueue.Job> jobs = IntStream.range(1, 4)
                .mapToObj(shard -> (FanoutQueue.Job) new FanoutQueue.Job.Shard("hall", shard, (shard + big).getBytes(StandardCharsets.UTF_8)))
                .toList();

        assertThat(new SqsFanoutQueue(sqs, URI.create(queue)).enqueue(jobs)).as("all accepted").isEmpty();

        assertThat(receiveAll(queue)).extracting(Message::body)
                .containsExactlyInAnyOrder("1" + big, "2" + big, "3" + big);
    }

    @Test
    void aRecipientStillThrottledAfterEveryRetryComesBackThroughTheQueueLaterAndGetsTheMessage() {
        String queue = sqs.createQueue(r -> r.queueName("fanout-later-" + UUID.randomUUID())).queueUrl();
        ConnectionStore store = DynamoDbConnectionStore.create(moto.dynamoDb(), moto.newTable());
        List.of("near-1", "near-2", "far").forEach(id -> member(store, id, "lobby"));
        throttled.add("far");
        Switchboard sending = switchboard(store, new SqsFanoutQueue(sqs, URI.create(queue)));

        Switchboard.Sent sent = sending.publish("lobby", "coach", "{\"n\":1}", null);

        assertThat(sent.broadcast().deferred()).isEqualTo(1);
        assertThat(posted).containsOnlyKeys("near-1", "near-2");
        assertThat(receive(queue)).as("held back for the first deferral's delay").isEmpty();
        List<Message> later = Awaitility.await().atMost(Duration.ofSeconds(15))
                .until(() -> receive(queue), messages -> !messages.isEmpty());
        assertThat(later).singleElement().satisfies(message -> {
            assertThat(message.messageAttributes().get(FanoutMessages.CONNECTIONS).stringValue()).isEqualTo("far");
            assertThat(message.messageAttributes().get(FanoutMessages.ATTEMPT).stringValue()).isEqualTo("1");
        });

        throttled.clear();
        SQSEvent event = new SQSEvent();
        event.setRecords(later.stream().map(MotoQueuesTest::record).toList());
        assertThat(new FanoutHandler(switchboard(store, null)).handleRequest(event, null).getBatchItemFailures())
                .isEmpty();

        assertThat(posted.get("far")).singleElement().asString().contains("\"n\":1");
    }

    // ---- the pieces around the queues ------------------------------------------------------------------------

    private static void member(ConnectionStore store, String connectionId, String room) {
        Instant now = Instant.now();
        store.register(new Connection(connectionId, "user-" + connectionId, now, "", now.plus(Duration.ofHours(3))));
        store.join(connectionId, room, Rights.ALL, 10);
    }

    /** The core over moto's DynamoDB, posting into {@link #posted}; with a fan-out queue when one is given. */
    private Switchboard switchboard(ConnectionStore store, FanoutQueue fanout) {
        TestSwitchboard.Builder builder = TableSwitchboard.over(moto.dynamoDb(), moto.newTable())
                .policy(RoomPolicy.open())
                .store(store)
                .sender((id, payload) -> {
                    if (throttled.contains(id)) {
                        return SendOutcome.THROTTLED;
                    }
                    posted.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>())
                            .add(new String(payload, StandardCharsets.UTF_8));
                    return SendOutcome.DELIVERED;
                })
                .retryPolicy(new RetryPolicy(2, Duration.ZERO, Duration.ZERO))
                .clock(Clock.systemUTC());
        if (fanout != null) {
            builder.fanout(fanout, 1);
        }
        return builder.build().switchboard();
    }

    /**
     * Lambda's SQS event source until the queue is empty: receive up to ten messages, hand them to the handler as
     * one event, delete those it did not report as failed. Returns every record handed over, in order.
     */
    private List<SQSEvent.SQSMessage> drain(String queue, RequestHandler<SQSEvent, SQSBatchResponse> handler) {
        List<SQSEvent.SQSMessage> handled = new ArrayList<>();
        for (int round = 0; round < 50; round++) {
            List<Message> batch = receive(queue);
            if (batch.isEmpty()) {
                return handled;
            }
            SQSEvent event = new SQSEvent();
            event.setRecords(batch.stream().map(MotoQueuesTest::record).toList());
            handled.addAll(event.getRecords());
            Set<String> failed = handler.handleRequest(event, null).getBatchItemFailures().stream()
                    .map(SQSBatchResponse.BatchItemFailure::getItemIdentifier).collect(Collectors.toSet());
            List<DeleteMessageBatchRequestEntry> done = batch.stream().filter(m -> !failed.contains(m.messageId()))
                    .map(m -> DeleteMessageBatchRequestEntry.builder().id(m.messageId())
                            .receiptHandle(m.receiptHandle()).build())
                    .toList();
            if (!done.isEmpty()) {
                assertThat(sqs.deleteMessageBatch(r -> r.queueUrl(queue).entries(done)).failed()).isEmpty();
            }
        }
        throw new AssertionError("the queue did not empty in 50 rounds");
    }

    private List<Message> receive(String queue) {
        return sqs.receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10).messageAttributeNames("All")
                .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
    }

    /** Every message now in the queue (received, so invisible for the queue's visibility timeout). */
    private List<Message> receiveAll(String queue) {
        List<Message> all = new ArrayList<>();
        for (List<Message> batch = receive(queue); !batch.isEmpty(); batch = receive(queue)) {
            all.addAll(batch);
            if (all.size() > 100) {
                throw new AssertionError("more than 100 messages in " + queue);
            }
        }
        return all;
    }

    /** A received message as the Lambda event source hands it to a function. */
    private static SQSEvent.SQSMessage record(Message message) {
        SQSEvent.SQSMessage record = new SQSEvent.SQSMessage();
        record.setMessageId(message.messageId());
        record.setReceiptHandle(message.receiptHandle());
        record.setBody(message.body());
        record.setMd5OfBody(message.md5OfBody());
        record.setEventSource("aws:sqs");
        record.setAttributes(message.attributesAsStrings());
        Map<String, SQSEvent.MessageAttribute> attributes = new HashMap<>();
        message.messageAttributes().forEach((name, value) -> {
            SQSEvent.MessageAttribute attribute = new SQSEvent.MessageAttribute();
            attribute.setDataType(value.dataType());
            attribute.setStringValue(value.stringValue());
            attributes.put(name, attribute);
        });
        record.setMessageAttributes(attributes);
        return record;
    }
}

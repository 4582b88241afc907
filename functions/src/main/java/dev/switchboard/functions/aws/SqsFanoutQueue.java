package dev.switchboard.functions.aws;

import dev.switchboard.core.FanoutQueue;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * {@link FanoutQueue} on SQS: one message per job, its body the frame to post (as is), the room and shard as
 * message attributes, sent in batches of up to ten (and 200 KB). Entries SQS refuses are sent once more; if they
 * are refused again the call fails, and the core delivers every shard itself.
 *
 * <pre>{@code
 * FanoutQueue queue = new SqsFanoutQueue(sqs, URI.create("https://sqs.eu-west-1.amazonaws.com/123/fanout"));
 * }</pre>
 */
public final class SqsFanoutQueue implements FanoutQueue {

    /** Message attribute naming the room. */
    public static final String ROOM_ATTRIBUTE = "room";
    /** Message attribute naming the shard of the room's membership. */
    public static final String SHARD_ATTRIBUTE = "shard";

    private static final int MAX_ENTRIES = 10;
    private static final int MAX_BATCH_BYTES = 200 * 1024;

    private final SqsClient sqs;
    private final String queueUrl;

    public SqsFanoutQueue(SqsClient sqs, URI queueUrl) {
        this.sqs = Objects.requireNonNull(sqs, "sqs");
        this.queueUrl = Objects.requireNonNull(queueUrl, "queueUrl").toString();
    }

    @Override
    public void enqueue(List<Job> jobs) {
        List<SendMessageBatchRequestEntry> batch = new ArrayList<>();
        int bytes = 0;
        for (Job job : jobs) {
            SendMessageBatchRequestEntry entry = entry(Integer.toString(batch.size()), job);
            if (!batch.isEmpty() && (batch.size() == MAX_ENTRIES || bytes + job.payload().length > MAX_BATCH_BYTES)) {
                send(batch);
                batch = new ArrayList<>();
                bytes = 0;
                entry = entry("0", job);
            }
            batch.add(entry);
            bytes += job.payload().length;
        }
        if (!batch.isEmpty()) {
            send(batch);
        }
    }

    private static SendMessageBatchRequestEntry entry(String id, Job job) {
        return SendMessageBatchRequestEntry.builder()
                .id(id)
                .messageBody(new String(job.payload(), StandardCharsets.UTF_8))
                .messageAttributes(Map.of(
                        ROOM_ATTRIBUTE, MessageAttributeValue.builder().dataType("String").stringValue(job.room())
                                .build(),
                        SHARD_ATTRIBUTE, MessageAttributeValue.builder().dataType("Number")
                                .stringValue(Integer.toString(job.shard())).build()))
                .build();
    }

    private void send(List<SendMessageBatchRequestEntry> entries) {
        List<SendMessageBatchRequestEntry> pending = entries;
        for (int attempt = 1; ; attempt++) {
            List<SendMessageBatchRequestEntry> batch = pending;
            SendMessageBatchResponse response = sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(batch));
            if (!response.hasFailed() || response.failed().isEmpty()) {
                return;
            }
            List<String> failedIds = response.failed().stream().map(BatchResultErrorEntry::id).toList();
            if (attempt == 2) {
                throw new IllegalStateException("SQS refused " + failedIds.size() + " fan-out job(s): "
                        + response.failed().getFirst().code());
            }
            pending = batch.stream().filter(e -> failedIds.contains(e.id())).toList();
        }
    }
}

package dev.switchboard.functions.aws;

import dev.switchboard.core.FanoutQueue;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * {@link FanoutQueue} on SQS: one message per job in the format {@link FanoutMessages} defines, sent in batches of up
 * to ten (and 200 KB). Entries SQS refuses are sent once more; those refused again are returned, and the core
 * delivers them itself or counts them undelivered.
 *
 * <pre>{@code
 * FanoutQueue queue = new SqsFanoutQueue(sqs, URI.create("https://sqs.eu-west-1.amazonaws.com/123/fanout"));
 * }</pre>
 */
public final class SqsFanoutQueue implements FanoutQueue {

    private static final int MAX_ENTRIES = 10;
    private static final int MAX_BATCH_BYTES = 200 * 1024;

    private final SqsClient sqs;
    private final String queueUrl;

    public SqsFanoutQueue(SqsClient sqs, URI queueUrl) {
        this.sqs = Objects.requireNonNull(sqs, "sqs");
        this.queueUrl = Objects.requireNonNull(queueUrl, "queueUrl").toString();
    }

    @Override
    public List<Job> enqueue(List<Job> jobs) {
        List<Job> refused = new ArrayList<>();
        List<Job> batch = new ArrayList<>();
        int bytes = 0;
        for (Job job : jobs) {
            int size = FanoutMessages.size(job);
            if (!batch.isEmpty() && (batch.size() == MAX_ENTRIES || bytes + size > MAX_BATCH_BYTES)) {
                refused.addAll(send(batch));
                batch = new ArrayList<>();
                bytes = 0;
            }
            batch.add(job);
            bytes += size;
        }
        if (!batch.isEmpty()) {
            refused.addAll(send(batch));
        }
        return refused;
    }

    private static SendMessageBatchRequestEntry entry(String id, Job job) {
        Map<String, MessageAttributeValue> attributes = new HashMap<>();
        for (FanoutMessages.Attribute attribute : FanoutMessages.attributes(job)) {
            attributes.put(attribute.name(), MessageAttributeValue.builder().dataType(attribute.dataType())
                    .stringValue(attribute.value()).build());
        }
        SendMessageBatchRequestEntry.Builder entry = SendMessageBatchRequestEntry.builder()
                .id(id)
                .messageBody(FanoutMessages.body(job))
                .messageAttributes(attributes);
        int delay = FanoutMessages.delaySeconds(job);
        return (delay > 0 ? entry.delaySeconds(delay) : entry).build();
    }

    /** Sends one batch (its entries' ids are their positions in it); returns the jobs refused twice. */
    private List<Job> send(List<Job> batch) {
        List<Integer> pending = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            pending.add(i);
        }
        for (int attempt = 1; ; attempt++) {
            List<SendMessageBatchRequestEntry> entries = pending.stream()
                    .map(i -> entry(Integer.toString(i), batch.get(i))).toList();
            SendMessageBatchResponse response = sqs.sendMessageBatch(r -> r.queueUrl(queueUrl).entries(entries));
            if (!response.hasFailed() || response.failed().isEmpty()) {
                return List.of();
            }
            pending = response.failed().stream().map(BatchResultErrorEntry::id).map(Integer::valueOf).toList();
            if (attempt == 2) {
                return pending.stream().map(batch::get).toList();
            }
        }
    }
}

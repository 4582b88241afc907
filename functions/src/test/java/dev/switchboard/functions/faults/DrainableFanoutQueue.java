package dev.switchboard.functions.faults;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.switchboard.core.FanoutQueue;
import dev.switchboard.functions.FanoutHandler;
import dev.switchboard.functions.aws.FanoutMessages;
import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.ServerFrame;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * The fan-out queue as SQS and Lambda's event source present it to the fan-out worker, without the waiting: each
 * job becomes a message in the format {@link FanoutMessages} defines (body and attributes, as the SQS adapter sends
 * it), and {@link #drain} hands the messages to the real {@link FanoutHandler} in batches of ten, keeping those it
 * reports as failed for redelivery. The delays a job asks for (2, 8, 32 s) pass when the driver drains.
 */
final class DrainableFanoutQueue implements FanoutQueue {

    private static final int BATCH = 10;

    private final List<SQSEvent.SQSMessage> pending = new ArrayList<>();
    private final AtomicInteger messageIds = new AtomicInteger();
    private final AtomicInteger jobs = new AtomicInteger();
    private final AtomicInteger deferredRecipients = new AtomicInteger();
    private final AtomicInteger redelivered = new AtomicInteger();
    private final Map<Integer, AtomicInteger> recipientsByAttempt = new HashMap<>();

    @Override
    public synchronized List<Job> enqueue(List<Job> jobs) {
        for (Job job : jobs) {
            SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
            message.setMessageId("job-" + messageIds.incrementAndGet());
            message.setBody(FanoutMessages.body(job));
            Map<String, SQSEvent.MessageAttribute> attributes = new HashMap<>();
            for (FanoutMessages.Attribute attribute : FanoutMessages.attributes(job)) {
                SQSEvent.MessageAttribute value = new SQSEvent.MessageAttribute();
                value.setDataType(attribute.dataType());
                value.setStringValue(attribute.value());
                attributes.put(attribute.name(), value);
            }
            message.setMessageAttributes(attributes);
            pending.add(message);
            this.jobs.incrementAndGet();
            if (job instanceof Job.Connections named && named.attempt() > 0) {
                deferredRecipients.addAndGet(named.connectionIds().size());
                recipientsByAttempt.computeIfAbsent(named.attempt(), a -> new AtomicInteger())
                        .addAndGet(named.connectionIds().size());
            }
        }
        return List.of();
    }

    synchronized boolean isEmpty() {
        return pending.isEmpty();
    }

    int jobs() {
        return jobs.get();
    }

    /** Recipients handed over for a later attempt (every deferral counted, a recipient deferred twice twice). */
    int deferredRecipients() {
        return deferredRecipients.get();
    }

    /** Recipients handed over for their {@code n}th later attempt. */
    synchronized int deferredRecipients(int attempt) {
        AtomicInteger count = recipientsByAttempt.get(attempt);
        return count == null ? 0 : count.get();
    }

    int redelivered() {
        return redelivered.get();
    }

    /**
     * Delivers what is queued now to the worker, batch by batch, in an order fixed by the jobs' contents; returns
     * how many messages it handed over. Jobs queued meanwhile wait for the next drain, as their delay would make them.
     * {@code name} tells this drain from others, so a redelivered batch draws its faults anew.
     */
    int drain(FanoutHandler worker, Context context, String name) {
        List<SQSEvent.SQSMessage> taken;
        synchronized (this) {
            taken = new ArrayList<>(pending);
            pending.clear();
        }
        taken.sort(Comparator.comparing(DrainableFanoutQueue::describe));
        for (int start = 0; start < taken.size(); start += BATCH) {
            List<SQSEvent.SQSMessage> batch = taken.subList(start, Math.min(taken.size(), start + BATCH));
            SQSEvent event = new SQSEvent();
            event.setRecords(new ArrayList<>(batch));
            String invocation = "fanout:" + name + ":" + describe(batch.getFirst()) + "+" + (batch.size() - 1);
            SQSBatchResponse response = Scope.run(invocation, Scope.Kind.FANOUT,
                    () -> worker.handleRequest(event, context));
            Set<String> failed = response.getBatchItemFailures().stream()
                    .map(SQSBatchResponse.BatchItemFailure::getItemIdentifier).collect(Collectors.toSet());
            synchronized (this) {
                for (SQSEvent.SQSMessage message : batch) {
                    if (failed.contains(message.getMessageId())) {
                        redelivered.incrementAndGet();
                        pending.add(message);
                    }
                }
            }
        }
        return taken.size();
    }

    /**
     * Names a message by what stays the same from run to run: a message frame's data (unique per send, where its id
     * and seq depend on which of two concurrent sends came first) and the attributes.
     */
    private static String describe(SQSEvent.SQSMessage message) {
        Map<String, SQSEvent.MessageAttribute> attributes = message.getMessageAttributes();
        StringBuilder text = new StringBuilder(FrameCodec.decodeServer(message.getBody())
                .map(frame -> frame instanceof ServerFrame.Message m ? m.data() : message.getBody())
                .orElse(message.getBody()));
        attributes.keySet().stream().sorted().forEach(name ->
                text.append('|').append(name).append('=').append(attributes.get(name).getStringValue()));
        return text.toString();
    }
}

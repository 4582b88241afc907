package dev.switchboard.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.switchboard.core.BroadcastResult;
import dev.switchboard.core.FanoutQueue;
import dev.switchboard.core.Switchboard;
import dev.switchboard.functions.aws.SqsFanoutQueue;
import dev.switchboard.protocol.Limits;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes the fan-out queue: each SQS message is one shard of a big room's broadcast (body: the frame; message
 * attributes: room and shard, see {@link SqsFanoutQueue}). Lists that shard's members and posts the frame to
 * each, through the same broadcaster as every other delivery. A record that is malformed or whose shard cannot be
 * read is reported as a batch item failure (redelivered, then dead-lettered); a redelivery may post the frame
 * twice to some members, which clients drop by {@code seq}.
 */
public final class FanoutHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private static final Logger LOG = LoggerFactory.getLogger(FanoutHandler.class);

    private final Switchboard switchboard;

    public FanoutHandler() {
        this(Services.switchboard());
    }

    public FanoutHandler(Switchboard switchboard) {
        this.switchboard = switchboard;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return Telemetry.aroundBatch(context, () -> SqsBatches.each(event, this::deliver));
    }

    private boolean deliver(SQSEvent.SQSMessage record) {
        FanoutQueue.Job job;
        try {
            job = job(record);
        } catch (IllegalArgumentException e) {
            LOG.warn("fan-out messageId={} is malformed ({}): returned for the dead-letter queue",
                    record.getMessageId(), e.getMessage());
            return false;
        }
        try {
            long start = System.nanoTime();
            BroadcastResult result = switchboard.deliverShard(job);
            Telemetry.broadcast(result, Duration.ofNanos(System.nanoTime() - start));
            return true;
        } catch (IllegalArgumentException e) {
            LOG.warn("fan-out messageId={} names {}: returned for the dead-letter queue", record.getMessageId(),
                    e.getMessage());
            return false;
        } catch (RuntimeException e) {
            LOG.error("fan-out messageId={} failed; it will be redelivered", record.getMessageId(), e);
            return false;
        }
    }

    private static FanoutQueue.Job job(SQSEvent.SQSMessage record) {
        Map<String, SQSEvent.MessageAttribute> attributes = record.getMessageAttributes();
        String room = attribute(attributes, SqsFanoutQueue.ROOM_ATTRIBUTE);
        String shard = attribute(attributes, SqsFanoutQueue.SHARD_ATTRIBUTE);
        if (record.getBody() == null || record.getBody().isEmpty()) {
            throw new IllegalArgumentException("no body");
        }
        if (!Limits.isValidRoom(room)) {
            // Keys are built from it: a room no client could name (say one with a shard suffix) is refused.
            throw new IllegalArgumentException("not a room name");
        }
        try {
            return new FanoutQueue.Job(room, Integer.parseInt(shard), record.getBody().getBytes(StandardCharsets.UTF_8));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("shard is not a number: " + shard, e);
        }
    }

    private static String attribute(Map<String, SQSEvent.MessageAttribute> attributes, String name) {
        SQSEvent.MessageAttribute value = attributes == null ? null : attributes.get(name);
        if (value == null || value.getStringValue() == null || value.getStringValue().isBlank()) {
            throw new IllegalArgumentException("no '" + name + "' attribute");
        }
        return value.getStringValue();
    }
}

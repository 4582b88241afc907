package dev.switchboard.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.switchboard.core.BroadcastResult;
import dev.switchboard.core.FanoutQueue;
import dev.switchboard.core.Switchboard;
import dev.switchboard.functions.aws.FanoutMessages;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes the fan-out queue: each SQS message is one job (format: {@link FanoutMessages}), a shard of a big room's
 * broadcast, a chunk of a big room's members, or recipients an earlier attempt could not reach. Posts the frame to
 * each through the same broadcaster as every other delivery, which hands those it still cannot reach back to the
 * queue for a later attempt. A record that is malformed or whose shard cannot be read is reported as a batch item
 * failure (redelivered, then dead-lettered); a redelivery may post the frame twice to some members, which clients
 * drop by {@code seq}.
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
            BroadcastResult result = switchboard.deliver(job);
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
        Map<String, SQSEvent.MessageAttribute> attributes = record.getMessageAttributes() == null ? Map.of()
                : record.getMessageAttributes();
        return FanoutMessages.job(record.getBody(), name -> {
            SQSEvent.MessageAttribute value = attributes.get(name);
            return value == null ? null : value.getStringValue();
        });
    }
}

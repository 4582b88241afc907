package dev.switchboard.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.switchboard.core.Switchboard;
import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.ProtocolException;
import dev.switchboard.protocol.PublishRequest;
import dev.switchboard.protocol.ServerFrame;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes the publish queue: each SQS message is a {@link PublishRequest} from a backend that holds no socket,
 * delivered through the same path as a client's {@code send} (sequence number, history, broadcast) or as a
 * {@code direct}, from a sender under {@code server:} that no user can be, and idempotent by its {@code id} or, without
 * one, by the SQS message id (a redelivery publishes nothing new). Reports partial batch failures: a record that is malformed, or that fails for a transient
 * reason, is returned for redelivery and, after the queue's receive limit, lands in the dead-letter queue; the
 * rest of the batch is not retried.
 */
public final class PublishHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private static final Logger LOG = LoggerFactory.getLogger(PublishHandler.class);
    /** Marks an idempotency id taken from the SQS message id, apart from ids publishers choose. */
    static final String SQS_ID_PREFIX = "sqs:";

    private final Switchboard switchboard;

    public PublishHandler() {
        this(Services.switchboard());
    }

    public PublishHandler(Switchboard switchboard) {
        this.switchboard = switchboard;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return Telemetry.aroundBatch(context, () -> SqsBatches.each(event, this::publish));
    }

    private boolean publish(SQSEvent.SQSMessage record) {
        try {
            PublishRequest request = FrameCodec.decodePublish(record.getBody());
            // Without an id of its own, the SQS message's id guards it: a redelivery publishes nothing new.
            String id = request.id() != null ? request.id() : SQS_ID_PREFIX + record.getMessageId();
            long start = System.nanoTime();
            Switchboard.Sent sent = request.room() != null
                    ? switchboard.publish(request.room(), request.sender(), request.data(), id)
                    : switchboard.publishToUser(request.user(), request.sender(), request.data(), id);
            Telemetry.broadcast(sent.broadcast(), Duration.ofNanos(System.nanoTime() - start));
            if (sent.reply() instanceof ServerFrame.Error error) {
                // IN_PROGRESS (a duplicate racing its original) is worth a redelivery; the rest are final.
                LOG.warn("publish messageId={} refused: {}", record.getMessageId(), error.code());
                return !error.temporary();
            }
            return true;
        } catch (ProtocolException e) {
            LOG.warn("publish messageId={} is malformed ({}): returned to the queue for the dead-letter queue",
                    record.getMessageId(), e.code());
            return false;
        } catch (RuntimeException e) {
            LOG.error("publish messageId={} failed; it will be redelivered", record.getMessageId(), e);
            return false;
        }
    }
}

package dev.switchboard.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.switchboard.core.CloseOutcome;
import dev.switchboard.core.Closed;
import dev.switchboard.core.MemberChange;
import dev.switchboard.core.Rights;
import dev.switchboard.core.Switchboard;
import dev.switchboard.protocol.FrameCodec;
import dev.switchboard.protocol.ProtocolException;
import dev.switchboard.protocol.PublishRequest;
import dev.switchboard.protocol.ServerFrame;
import dev.switchboard.protocol.ServerRequest;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes the publish queue: each SQS message is a {@link ServerRequest} from a backend that holds no socket. A
 * publish is delivered through the same path as a client's {@code send} (sequence number, history, broadcast) or as a
 * {@code direct}, from a sender under {@code server:} that no user can be, and idempotent by its {@code id} or, without
 * one, by the SQS message id (a redelivery publishes nothing new). {@code addMember}, {@code removeMember} and
 * {@code disconnect} are the server side's use cases of the same name; each is idempotent, so a redelivery is harmless.
 * Reports partial batch failures: a record that is malformed, that fails for a transient reason, or that could not be
 * done for every connection it names (a connection at its room limit, a close the gateway refused) is returned for
 * redelivery and, after the queue's receive limit, lands in the dead-letter queue, whose depth is alarmed; the rest
 * of the batch is not retried.
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
        return Telemetry.aroundBatch(context, () -> SqsBatches.each(event, this::serve));
    }

    private boolean serve(SQSEvent.SQSMessage record) {
        try {
            return switch (FrameCodec.decodeServerRequest(record.getBody())) {
                case PublishRequest publish -> publish(record, publish);
                case ServerRequest.AddMember add -> membership(record, ServerRequest.ADD_MEMBER,
                        switchboard.addMember(add.user(), add.room(), add.rights() == null
                                ? Switchboard.DEFAULT_MEMBER_RIGHTS : Rights.named(add.rights())));
                case ServerRequest.RemoveMember remove -> membership(record, ServerRequest.REMOVE_MEMBER,
                        switchboard.removeMember(remove.user(), remove.room()));
                case ServerRequest.Disconnect disconnect -> closed(record, disconnect.user() != null
                        ? switchboard.closeUser(disconnect.user())
                        : List.of(switchboard.closeConnection(disconnect.connectionId())));
            };
        } catch (ProtocolException e) {
            LOG.warn("publish messageId={} is malformed ({}): returned to the queue for the dead-letter queue",
                    record.getMessageId(), e.code());
            return false;
        } catch (IllegalArgumentException e) {
            // What the protocol leaves to the core: the names of rights, join among them.
            LOG.warn("publish messageId={} is malformed ({}): returned to the queue for the dead-letter queue",
                    record.getMessageId(), e.getMessage());
            return false;
        } catch (RuntimeException e) {
            LOG.error("publish messageId={} failed; it will be redelivered", record.getMessageId(), e);
            return false;
        }
    }

    private boolean publish(SQSEvent.SQSMessage record, PublishRequest request) {
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
    }

    /** Done when every connection of the user is as asked; else redelivered (and in the end dead-lettered). */
    private static boolean membership(SQSEvent.SQSMessage record, String op, List<MemberChange> changes) {
        List<MemberChange> undone = changes.stream().filter(change -> !change.outcome().done()).toList();
        if (undone.isEmpty()) {
            return true;
        }
        LOG.warn("{} messageId={} not done for {} of {} connection(s): {}; it will be redelivered", op,
                record.getMessageId(), undone.size(), changes.size(), undone);
        return false;
    }

    /** Done when every connection is closed or was gone already; else redelivered (its records were kept). */
    private static boolean closed(SQSEvent.SQSMessage record, List<Closed> closed) {
        List<Closed> failed = closed.stream().filter(c -> c.outcome() == CloseOutcome.FAILED).toList();
        if (failed.isEmpty()) {
            return true;
        }
        LOG.warn("{} messageId={} could not close {} of {} connection(s): {}; it will be redelivered",
                ServerRequest.DISCONNECT, record.getMessageId(), failed.size(), closed.size(), failed);
        return false;
    }
}

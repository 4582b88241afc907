package dev.switchboard.functions;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.switchboard.core.RetryPolicy;
import dev.switchboard.functions.aws.AwsClients;
import dev.switchboard.functions.aws.EventBridgePublisher;
import dev.switchboard.functions.aws.SwitchboardEvent;
import dev.switchboard.functions.aws.TableEvents;
import dev.switchboard.functions.config.EventsConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * Consumes the table's DynamoDB stream and puts what its changes mean ({@link TableEvents}: messages, joins, leaves,
 * connects, disconnects) on the application's EventBridge bus, off the send path. The event source's filters let
 * only such changes invoke it.
 *
 * <p>Nothing is dropped silently. Events EventBridge refuses are put again ({@link EventBridgePublisher}); what still
 * fails, and a record that cannot be translated, is reported as the batch's first failed item, so Lambda delivers the
 * stream again from there (the events before it are not repeated; those after it may be, which consumers drop by the
 * detail's {@code eventId}). Past the event source's retries, the records' place in the stream goes to its failure
 * queue, whose depth is alarmed.
 */
public final class EventsHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {

    private static final Logger LOG = LoggerFactory.getLogger(EventsHandler.class);

    private final EventBridgePublisher publisher;

    public EventsHandler() {
        this(publisher(EventsConfig.from(System.getenv())));
    }

    public EventsHandler(EventBridgePublisher publisher) {
        this.publisher = publisher;
    }

    private static EventBridgePublisher publisher(EventsConfig config) {
        return new EventBridgePublisher(AwsClients.eventBridge(config.region(),
                DefaultCredentialsProvider.builder().build(), Optional.empty()), config.bus(), config.source(),
                RetryPolicy.defaults());
    }

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        return Telemetry.aroundBatch(context, () -> publish(event));
    }

    private StreamsEventResponse publish(DynamodbEvent event) {
        List<DynamodbEvent.DynamodbStreamRecord> records = event == null || event.getRecords() == null ? List.of()
                : event.getRecords();
        List<SwitchboardEvent> events = new ArrayList<>();
        List<Integer> recordOfEvent = new ArrayList<>();
        int firstFailed = records.size();
        for (int i = 0; i < records.size(); i++) {
            try {
                Optional<SwitchboardEvent> translated = TableEvents.translate(StreamRecords.change(records.get(i)));
                if (translated.isPresent()) {
                    events.add(translated.get());
                    recordOfEvent.add(i);
                }
            } catch (IllegalArgumentException e) {
                LOG.error("stream record {} cannot be translated ({}): reported as failed", eventId(records.get(i)),
                        e.getMessage());
                firstFailed = Math.min(firstFailed, i);
            }
        }
        EventBridgePublisher.Outcome outcome = publisher.put(events);
        for (int failed : outcome.failed()) {
            firstFailed = Math.min(firstFailed, recordOfEvent.get(failed));
        }
        Telemetry.events(outcome.put(), outcome.failed().size());
        if (firstFailed == records.size()) {
            return StreamsEventResponse.builder().withBatchItemFailures(List.of()).build();
        }
        DynamodbEvent.DynamodbStreamRecord first = records.get(firstFailed);
        String sequenceNumber = first.getDynamodb() == null ? null : first.getDynamodb().getSequenceNumber();
        LOG.warn("{} event(s) not put; the stream delivers again from record {} (sequence {})",
                outcome.failed().size(), eventId(first), sequenceNumber);
        if (sequenceNumber == null) {
            // Without a sequence number the failure cannot be placed: failing the whole batch retries all of it.
            throw new IllegalStateException("stream record " + eventId(first) + " failed and has no sequence number");
        }
        return StreamsEventResponse.builder().withBatchItemFailures(List.of(StreamsEventResponse.BatchItemFailure
                .builder().withItemIdentifier(sequenceNumber).build())).build();
    }

    private static String eventId(DynamodbEvent.DynamodbStreamRecord record) {
        return record.getEventID();
    }
}

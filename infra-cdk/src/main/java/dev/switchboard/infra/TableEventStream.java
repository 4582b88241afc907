package dev.switchboard.infra;

import dev.switchboard.config.EnvNames;
import dev.switchboard.config.MetricNames;
import dev.switchboard.functions.Handlers;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.dynamodb.TableV2;
import software.amazon.awscdk.services.events.EventBus;
import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.lambda.EventSourceMappingOptions;
import software.amazon.awscdk.services.lambda.StartingPosition;
import software.amazon.awscdk.services.lambda.eventsources.SqsDlq;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * The event stream's resources: the events function ({@link Handlers#EVENTS}), fed by the table's DynamoDB stream
 * through an event source whose filters let only the changes that mean an event invoke it, allowed
 * {@code events:PutEvents} on the application's bus and nothing else but reading that stream; and the failure queue
 * where the event source sends the place of records it gave up on, which {@link Monitoring} alarms on.
 *
 * <p>Not a construct of its own, as {@link WorkQueue} is not: the resources are made in the stack under the ids
 * {@code Events*}, and only when the stream is asked for.
 */
final class TableEventStream {

    /**
     * The Lambda filter patterns, one per kind of row that makes an event: the events adapter's
     * ({@code TableEvents.FILTER_PATTERNS}, beside the translation; a test checks they are the same). Written out here
     * because the CDK app does not carry the functions' classes.
     */
    static final List<String> FILTER_PATTERNS = List.of(
            "{\"eventName\":[\"INSERT\"],\"dynamodb\":{\"Keys\":{\"pk\":{\"S\":[{\"prefix\":\"HIST#\"}]}}}}",
            "{\"eventName\":[\"INSERT\",\"REMOVE\"],\"dynamodb\":{\"Keys\":{\"pk\":{\"S\":[{\"prefix\":\"ROOM#\"}]},"
                    + "\"sk\":{\"S\":[{\"prefix\":\"CONN#\"}]}}}}",
            "{\"eventName\":[\"INSERT\",\"REMOVE\"],\"dynamodb\":{\"Keys\":{\"pk\":{\"S\":[{\"prefix\":\"CONN#\"}]},"
                    + "\"sk\":{\"S\":[\"META\"]}}}}");
    /** Records per invocation: up to ten PutEvents calls of ten entries. */
    static final int BATCH_SIZE = 100;
    /** Deliveries of a failing batch (halved each time) before its records' place goes to the failure queue. */
    static final int RETRY_ATTEMPTS = 10;
    /** Records older than a stream's retention are gone anyway. */
    private static final Duration MAX_RECORD_AGE = Duration.hours(24);
    private static final Duration TIMEOUT = Duration.seconds(60);

    private final SwitchboardFunction function;
    private final Queue failureQueue;
    private final IEventBus bus;

    TableEventStream(Construct scope, EventStream stream, TableV2 table, String serviceName,
                     SwitchboardFunction.Shared shared) {
        bus = stream.bus().orElseGet(() -> {
            String reference = stream.busReference().orElseThrow();
            return reference.startsWith("arn:") ? EventBus.fromEventBusArn(scope, "EventsBus", reference)
                    : EventBus.fromEventBusName(scope, "EventsBus", reference);
        });
        failureQueue = Queue.Builder.create(scope, "EventsFailureQueue")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .build();
        NagSuppressions.addResourceSuppressions(failureQueue, List.of(NagPackSuppression.builder()
                .id("AwsSolutions-SQS3")
                .reason("This queue is where the event stream's source sends the records it gave up on (a dead-letter"
                        + " queue itself); its depth is alarmed.")
                .build()));
        Map<String, String> environment = new LinkedHashMap<>();
        environment.put(EnvNames.EVENT_BUS, bus.getEventBusArn());
        environment.put(EnvNames.EVENT_SOURCE, stream.source());
        environment.put(EnvNames.SERVICE_NAME, serviceName);
        environment.put(EnvNames.METRICS_NAMESPACE, MetricNames.NAMESPACE);
        function = new SwitchboardFunction(scope, new SwitchboardFunction.Props("Events",
                Handlers.lambdaHandler(Handlers.EVENTS),
                "Switchboard event stream: the table's changes to the application's EventBridge bus", TIMEOUT,
                new RouteAccess.Access(Set.of(), Set.of()), environment), shared);
        // Exactly PutEvents on this bus; the stream read below, with the table's stream ARN as its resource.
        bus.grantPutEventsTo(function.function());
        table.grantStreamRead(function.function());
        function.alias().addEventSourceMapping("StreamSource", EventSourceMappingOptions.builder()
                .eventSourceArn(table.getTableStreamArn())
                .startingPosition(StartingPosition.LATEST)
                .batchSize(BATCH_SIZE)
                .parallelizationFactor(1)
                .bisectBatchOnError(true)
                .retryAttempts(RETRY_ATTEMPTS)
                .maxRecordAge(MAX_RECORD_AGE)
                .reportBatchItemFailures(true)
                .onFailure(new SqsDlq(failureQueue))
                .filters(FILTER_PATTERNS.stream().map(pattern -> Map.<String, Object>of("pattern", pattern)).toList())
                .build());
    }

    SwitchboardFunction function() {
        return function;
    }

    Queue failureQueue() {
        return failureQueue;
    }

    IEventBus bus() {
        return bus;
    }
}
